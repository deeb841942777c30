// VisionChain: fallback, retries, provider pauses and give-ups, rate limits
// and the cache, with scripted analyzers.
#include "imagebank/ingest/vision_chain.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <deque>
#include <mutex>
#include <thread>

namespace imagebank {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Answers from a script (then OK forever), recording when each call came.
class Scripted : public VisionAnalyzer {
 public:
  Scripted(std::string provider, std::deque<Status> script = {})
      : provider_(std::move(provider)), script_(std::move(script)) {}
  std::string provider() const override { return provider_; }
  std::string model() const override { return provider_ + "-1"; }
  Result<VisionResult> analyze(const VisionImage& image,
                               const VisionRequest&) override {
    Status next;
    {
      std::lock_guard lock(mu_);
      calls_.push_back(Clock::now());
      if (!script_.empty()) {
        next = script_.front();
        script_.pop_front();
      }
    }
    if (!next.ok()) return next;
    VisionResult r;
    r.provider = "whatever";  // the chain names the analyzer
    r.model = "x";
    r.description = image.sha256;
    r.colors = {{"azul", "#0000ff", 1.0}};
    r.input_tokens = tokens;
    if (broken_answer) r.confidence = 7;
    return r;
  }
  std::size_t calls() const {
    std::lock_guard lock(mu_);
    return calls_.size();
  }
  std::vector<Clock::time_point> times() const {
    std::lock_guard lock(mu_);
    return calls_;
  }
  std::int64_t tokens = 0;
  bool broken_answer = false;

 private:
  std::string provider_;
  mutable std::mutex mu_;
  std::deque<Status> script_;
  std::vector<Clock::time_point> calls_;
};

VisionImage photo(std::string sha) {
  VisionImage i;
  i.sha256 = std::move(sha);
  i.name = i.sha256 + ".jpg";
  return i;
}

std::unique_ptr<VisionChain> chain(
    std::vector<std::shared_ptr<Scripted>> analyzers,
    VisionChainOptions options = {}, std::vector<VisionLimit> limits = {}) {
  std::vector<VisionChain::Entry> entries;
  for (std::size_t i = 0; i < analyzers.size(); ++i) {
    VisionChain::Entry e;
    e.analyzer = analyzers[i];
    if (i < limits.size()) e.limit = limits[i];
    entries.push_back(std::move(e));
  }
  options.base_backoff = milliseconds(1);
  auto made = VisionChain::create(std::move(entries), options);
  EXPECT_TRUE(made.ok()) << made.status();
  return std::move(made).value();
}

TEST(VisionChain, QuotaFallsBackAndGivesTheProviderUp) {
  auto openai = std::make_shared<Scripted>(
      "openai",
      std::deque<Status>{quota_exhausted_error("insufficient_quota")});
  auto offline = std::make_shared<Scripted>("offline");
  auto c = chain({openai, offline});
  VisionOutcome first = c->analyze(photo("a"), VisionRequest{});
  ASSERT_TRUE(first.result.has_value()) << first.error;
  EXPECT_EQ(first.result->provider, "offline");
  EXPECT_EQ(first.result->model, "offline-1");
  ASSERT_EQ(first.attempts.size(), 2u);
  EXPECT_EQ(first.attempts[0].outcome.code(), ErrorCode::kQuotaExhausted);
  EXPECT_EQ(first.attempts[0].tries, 1);
  EXPECT_TRUE(first.attempts[1].outcome.ok());
  // The next photo does not call openai again.
  VisionOutcome second = c->analyze(photo("b"), VisionRequest{});
  ASSERT_TRUE(second.result.has_value());
  EXPECT_EQ(openai->calls(), 1u);
  EXPECT_TRUE(second.attempts[0].skipped);
  ASSERT_EQ(c->given_up().size(), 1u);
  EXPECT_NE(c->given_up()[0].find("openai (openai-1): quota_exhausted"),
            std::string::npos);
}

TEST(VisionChain, ARateLimitPausesTheProviderForEveryThread) {
  auto openai = std::make_shared<Scripted>(
      "openai",
      std::deque<Status>{
          rate_limited_error("slow down").with_retry_after(milliseconds(300))});
  auto c = chain({openai});
  VisionOutcome a;
  std::thread t([&] { a = c->analyze(photo("a"), VisionRequest{}); });
  // Give the first call time to be refused, then ask from another thread.
  while (openai->calls() == 0) std::this_thread::sleep_for(milliseconds(1));
  std::this_thread::sleep_for(milliseconds(20));
  VisionOutcome b = c->analyze(photo("b"), VisionRequest{});
  t.join();
  ASSERT_TRUE(a.result.has_value()) << a.error;
  ASSERT_TRUE(b.result.has_value()) << b.error;
  const auto times = openai->times();
  ASSERT_EQ(times.size(), 3u);
  // Neither the retry nor the other thread's call came before the pause
  // ended.
  EXPECT_GE(times[1] - times[0], milliseconds(290));
  EXPECT_GE(times[2] - times[0], milliseconds(290));
  EXPECT_EQ(a.attempts[0].tries, 2);
}

TEST(VisionChain, APauseLongerThanMaxWaitFallsBackAtOnce) {
  auto openai = std::make_shared<Scripted>(
      "openai", std::deque<Status>{rate_limited_error("daily").with_retry_after(
                    milliseconds(600000))});
  auto offline = std::make_shared<Scripted>("offline");
  VisionChainOptions o;
  o.max_wait = milliseconds(1000);
  auto c = chain({openai, offline}, o);
  const auto start = Clock::now();
  VisionOutcome out = c->analyze(photo("a"), VisionRequest{});
  EXPECT_LT(Clock::now() - start, milliseconds(900));
  ASSERT_TRUE(out.result.has_value());
  EXPECT_EQ(out.result->provider, "offline");
  EXPECT_EQ(out.attempts[0].outcome.code(), ErrorCode::kRateLimited);
  // The provider stays paused: the next photo goes to offline without a call.
  VisionOutcome next = c->analyze(photo("b"), VisionRequest{});
  ASSERT_TRUE(next.result.has_value());
  EXPECT_EQ(openai->calls(), 1u);
  EXPECT_EQ(next.attempts[0].outcome.code(), ErrorCode::kRateLimited);
}

TEST(VisionChain, TransientFailuresAreRetriedThenFallBack) {
  auto flaky = std::make_shared<Scripted>(
      "gemini", std::deque<Status>{unavailable_error("503"),
                                   deadline_exceeded_error("slow")});
  auto c = chain({flaky});
  VisionOutcome out = c->analyze(photo("a"), VisionRequest{});
  ASSERT_TRUE(out.result.has_value()) << out.error;
  EXPECT_EQ(out.attempts[0].tries, 3);

  auto down = std::make_shared<Scripted>(
      "gemini",
      std::deque<Status>{unavailable_error("1"), unavailable_error("2"),
                         unavailable_error("3")});
  auto offline = std::make_shared<Scripted>("offline");
  auto c2 = chain({down, offline});
  VisionOutcome fell = c2->analyze(photo("a"), VisionRequest{});
  ASSERT_TRUE(fell.result.has_value());
  EXPECT_EQ(fell.result->provider, "offline");
  EXPECT_EQ(fell.attempts[0].tries, 3);
  EXPECT_EQ(fell.attempts[0].outcome.message(), "3");
  EXPECT_TRUE(c2->given_up().empty());  // a later photo tries gemini again
}

TEST(VisionChain, MalformedAnswersAreTriedOnceMoreAndRefusalsFallBack) {
  auto sloppy = std::make_shared<Scripted>(
      "openai", std::deque<Status>{corrupt_data_error("truncated JSON"),
                                   corrupt_data_error("truncated JSON")});
  auto offline = std::make_shared<Scripted>("offline");
  auto c = chain({sloppy, offline});
  VisionOutcome out = c->analyze(photo("a"), VisionRequest{});
  EXPECT_EQ(out.attempts[0].tries, 2);
  EXPECT_EQ(out.result->provider, "offline");

  auto prude = std::make_shared<Scripted>(
      "openai", std::deque<Status>{refused_error("content policy")});
  auto c2 = chain({prude, offline});
  VisionOutcome refused = c2->analyze(photo("a"), VisionRequest{});
  EXPECT_EQ(refused.attempts[0].tries, 1);
  EXPECT_EQ(refused.attempts[0].outcome.code(), ErrorCode::kRefused);
  EXPECT_EQ(refused.result->provider, "offline");
  VisionOutcome next = c2->analyze(photo("b"), VisionRequest{});
  EXPECT_EQ(next.result->provider, "openai");  // not given up
}

TEST(VisionChain, AnAnswerBreakingTheContractIsCorruptData) {
  auto liar = std::make_shared<Scripted>("openai");
  liar->broken_answer = true;
  auto c = chain({liar});
  VisionOutcome out = c->analyze(photo("a"), VisionRequest{});
  EXPECT_FALSE(out.result.has_value());
  EXPECT_EQ(out.error.code(), ErrorCode::kCorruptData);
  EXPECT_NE(out.error.message().find("a.jpg"), std::string::npos);
  EXPECT_EQ(liar->calls(), 2u);
}

TEST(VisionChain, RequestsPerMinuteAreSpaced) {
  auto a = std::make_shared<Scripted>("openai");
  auto c = chain({a}, {}, {VisionLimit{600, 0, 0}});  // one per 100 ms
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(c->analyze(photo(std::to_string(i)), VisionRequest{}).result);
  }
  const auto t = a->times();
  EXPECT_GE(t[3] - t[0], milliseconds(290));
}

TEST(VisionChain, TokensPerMinuteHoldCallsOnceSpent) {
  auto a = std::make_shared<Scripted>("openai");
  a->tokens = 1000;
  VisionChainOptions o;
  o.max_wait = milliseconds(100);  // a minute's wait is too long: fall back
  auto offline = std::make_shared<Scripted>("offline");
  auto c = chain({a, offline}, o, {VisionLimit{0, 1500, 0}});
  EXPECT_EQ(c->analyze(photo("1"), VisionRequest{}).result->provider, "openai");
  EXPECT_EQ(c->analyze(photo("2"), VisionRequest{}).result->provider, "openai");
  // 2000 tokens spent in this minute, over the 1500 budget.
  VisionOutcome third = c->analyze(photo("3"), VisionRequest{});
  EXPECT_EQ(third.result->provider, "offline");
  EXPECT_EQ(third.attempts[0].outcome.code(), ErrorCode::kRateLimited);
  EXPECT_EQ(a->calls(), 2u);
}

TEST(VisionChain, ConcurrencyIsCapped) {
  class Slow : public Scripted {
   public:
    using Scripted::Scripted;
    Result<VisionResult> analyze(const VisionImage& i,
                                 const VisionRequest& r) override {
      const int now = ++in_flight;
      int seen = peak.load();
      while (now > seen && !peak.compare_exchange_weak(seen, now)) {
      }
      std::this_thread::sleep_for(milliseconds(30));
      --in_flight;
      return Scripted::analyze(i, r);
    }
    std::atomic<int> in_flight{0};
    std::atomic<int> peak{0};
  };
  auto slow = std::make_shared<Slow>("openai");
  std::vector<VisionChain::Entry> entries(1);
  entries[0].analyzer = slow;
  entries[0].limit.max_concurrent = 2;
  auto c = std::move(VisionChain::create(std::move(entries))).value();
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      EXPECT_TRUE(c->analyze(photo(std::to_string(i)), VisionRequest{}).result);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(slow->peak.load(), 2);
  EXPECT_EQ(slow->calls(), 6u);
}

TEST(VisionChain, TheCacheAnswersWithoutACall) {
  auto openai = std::make_shared<Scripted>("openai");
  auto c = chain({openai});
  std::vector<AnalysisKey> asked;
  VisionCache cache =
      [&](const VisionImage& image,
          const AnalysisKey& key) -> Result<std::optional<VisionResult>> {
    asked.push_back(key);
    if (image.sha256 != "known") return std::optional<VisionResult>();
    VisionResult r;
    r.provider = key.provider;
    r.model = key.model;
    return std::optional<VisionResult>(r);
  };
  VisionRequest request;
  request.schema_version = 7;
  VisionOutcome hit = c->analyze(photo("known"), request, cache);
  EXPECT_TRUE(hit.cached);
  EXPECT_TRUE(hit.attempts[0].cached);
  EXPECT_EQ(openai->calls(), 0u);
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0], (AnalysisKey{"openai", "openai-1", 7}));
  VisionOutcome miss = c->analyze(photo("new"), request, cache);
  EXPECT_FALSE(miss.cached);
  EXPECT_EQ(openai->calls(), 1u);
}

TEST(VisionChain, CreateRefusesBadChains) {
  EXPECT_EQ(VisionChain::create({}).status().code(),
            ErrorCode::kInvalidArgument);
  std::vector<VisionChain::Entry> twice(2);
  twice[0].analyzer = std::make_shared<Scripted>("openai");
  twice[1].analyzer = std::make_shared<Scripted>("openai");
  EXPECT_EQ(VisionChain::create(twice).status().code(),
            ErrorCode::kInvalidArgument);
  std::vector<VisionChain::Entry> null(1);
  EXPECT_EQ(VisionChain::create(null).status().code(),
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace imagebank
