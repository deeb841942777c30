#include "imagebank/ingest/vision_chain.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <utility>

#include "imagebank/core/log.hpp"

namespace imagebank {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::int64_t ms_since(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
}

double unit_random() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

// Full jitter: uniform in [0, min(cap, base * 2^(try-1))], at least 1 ms.
milliseconds backoff(const VisionChainOptions& o, int tries) {
  const double ceiling =
      std::min(static_cast<double>(o.max_wait.count()),
               static_cast<double>(o.base_backoff.count()) *
                   static_cast<double>(1LL << std::min(tries - 1, 20)));
  return milliseconds(std::max<std::int64_t>(
      1, static_cast<std::int64_t>(ceiling * unit_random())));
}

bool gives_up_provider(ErrorCode code) {
  return code == ErrorCode::kQuotaExhausted ||
         code == ErrorCode::kUnauthenticated ||
         code == ErrorCode::kPermissionDenied;
}

std::string seconds_text(milliseconds ms) {
  const auto tenths = (ms.count() + 50) / 100;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " s";
}

}  // namespace

struct VisionChain::Slot {
  Entry entry;
  std::string provider;
  std::string model;
  std::string who;  // "openai (gpt-4o-mini)"

  std::mutex mu;
  std::condition_variable cv;
  Clock::time_point next_request{};
  Clock::time_point paused_until{};
  std::deque<std::pair<Clock::time_point, std::int64_t>> token_log;
  std::int64_t tokens_in_window = 0;
  int in_flight = 0;
  std::optional<Status> given_up;

  // Waits until a call is allowed. OK: the caller must release(). Else the
  // reason to fall back (given up, or the wait would pass max_wait).
  Status acquire(milliseconds max_wait) {
    std::unique_lock lock(mu);
    while (true) {
      if (given_up) return *given_up;
      const Clock::time_point now = Clock::now();
      while (!token_log.empty() &&
             token_log.front().first + std::chrono::minutes(1) <= now) {
        tokens_in_window -= token_log.front().second;
        token_log.pop_front();
      }
      Clock::time_point ready = std::max(now, paused_until);
      if (entry.limit.requests_per_minute > 0) {
        ready = std::max(ready, next_request);
      }
      if (entry.limit.tokens_per_minute > 0 &&
          tokens_in_window >= entry.limit.tokens_per_minute &&
          !token_log.empty()) {
        ready =
            std::max(ready, token_log.front().first + std::chrono::minutes(1));
      }
      if (ready - now > max_wait) {
        return rate_limited_error(
                   who + ": its rate limit would hold this photo for " +
                   seconds_text(
                       std::chrono::duration_cast<milliseconds>(ready - now)))
            .with_retry_after(
                std::chrono::duration_cast<milliseconds>(ready - now));
      }
      const bool full = entry.limit.max_concurrent > 0 &&
                        in_flight >= entry.limit.max_concurrent;
      if (ready > now) {
        cv.wait_until(lock, ready);
        continue;
      }
      if (full) {
        cv.wait_for(lock, max_wait);
        continue;
      }
      ++in_flight;
      if (entry.limit.requests_per_minute > 0) {
        const auto spacing = std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::minutes(1)) /
                             entry.limit.requests_per_minute;
        next_request = std::max(now, next_request) + spacing;
      }
      return Status();
    }
  }

  void release(std::int64_t tokens) {
    {
      std::lock_guard lock(mu);
      --in_flight;
      if (tokens > 0) {
        token_log.emplace_back(Clock::now(), tokens);
        tokens_in_window += tokens;
      }
    }
    cv.notify_all();
  }

  void pause(milliseconds delay) {
    {
      std::lock_guard lock(mu);
      paused_until = std::max(paused_until, Clock::now() + delay);
    }
    cv.notify_all();
  }

  void give_up(const Status& why) {
    {
      std::lock_guard lock(mu);
      if (!given_up) given_up = why;
    }
    cv.notify_all();
  }
};

Result<std::unique_ptr<VisionChain>> VisionChain::create(
    std::vector<Entry> entries, const VisionChainOptions& options) {
  if (entries.empty()) {
    return invalid_argument_error("a vision chain needs an analyzer");
  }
  if (options.max_tries < 1 || options.max_wait.count() < 0 ||
      options.base_backoff.count() < 1) {
    return invalid_argument_error(
        "vision chain: max_tries must be >= 1, max_wait >= 0 and "
        "base_backoff >= 1 ms");
  }
  std::set<std::pair<std::string, std::string>> seen;
  for (const Entry& e : entries) {
    if (!e.analyzer) {
      return invalid_argument_error("vision chain: a null analyzer");
    }
    if (e.limit.requests_per_minute < 0 || e.limit.tokens_per_minute < 0 ||
        e.limit.max_concurrent < 0) {
      return invalid_argument_error("vision chain: a negative limit for " +
                                    e.analyzer->provider());
    }
    if (!seen.emplace(e.analyzer->provider(), e.analyzer->model()).second) {
      return invalid_argument_error("vision chain: " + e.analyzer->provider() +
                                    " (" + e.analyzer->model() +
                                    ") is named twice");
    }
  }
  return std::unique_ptr<VisionChain>(
      new VisionChain(std::move(entries), options));
}

VisionChain::VisionChain(std::vector<Entry> entries,
                         const VisionChainOptions& options)
    : options_(options) {
  for (Entry& e : entries) {
    auto slot = std::make_unique<Slot>();
    slot->provider = e.analyzer->provider();
    slot->model = e.analyzer->model();
    slot->who = slot->provider + " (" + slot->model + ")";
    slot->entry = std::move(e);
    slots_.push_back(std::move(slot));
  }
}

VisionChain::~VisionChain() = default;

std::vector<AnalysisKey> VisionChain::keys(int schema_version) const {
  std::vector<AnalysisKey> out;
  for (const auto& s : slots_) {
    out.push_back(AnalysisKey{s->provider, s->model, schema_version});
  }
  return out;
}

std::vector<std::string> VisionChain::given_up() const {
  std::vector<std::string> out;
  for (const auto& s : slots_) {
    std::lock_guard lock(s->mu);
    if (s->given_up) out.push_back(s->who + ": " + s->given_up->to_string());
  }
  return out;
}

VisionOutcome VisionChain::analyze(const VisionImage& image,
                                   const VisionRequest& request,
                                   const VisionCache& cache) {
  VisionOutcome out;
  const std::string photo = image.name.empty() ? image.sha256 : image.name;
  for (const auto& slot_ptr : slots_) {
    Slot& slot = *slot_ptr;
    VisionAttempt attempt;
    attempt.provider = slot.provider;
    attempt.model = slot.model;
    const Clock::time_point start = Clock::now();
    if (cache) {
      const AnalysisKey key{slot.provider, slot.model, request.schema_version};
      Result<std::optional<VisionResult>> hit = cache(image, key);
      if (!hit.ok()) {
        log(LogLevel::kWarning, "vision cache for " + photo + " (" + slot.who +
                                    ") failed: " + hit.status().to_string());
      } else if (hit->has_value()) {
        attempt.cached = true;
        attempt.elapsed_ms = ms_since(start);
        log(LogLevel::kDebug,
            "vision " + slot.who + " " + photo + ": cached answer");
        out.attempts.push_back(std::move(attempt));
        out.result = std::move(**hit);
        out.cached = true;
        out.error = Status();
        return out;
      }
    }
    Status last;
    bool answered = false;
    while (attempt.tries < options_.max_tries) {
      Status allowed = slot.acquire(options_.max_wait);
      if (!allowed.ok()) {
        attempt.skipped = attempt.tries == 0;
        last = allowed;
        break;
      }
      ++attempt.tries;
      Result<VisionResult> answer =
          slot.entry.analyzer->analyze(image, request);
      std::int64_t tokens = 0;
      if (answer.ok()) {
        answer->provider = slot.provider;
        answer->model = slot.model;
        tokens = answer->input_tokens + answer->output_tokens;
        if (Status valid = validate_vision_result(*answer); !valid.ok()) {
          answer = valid.with_context(photo);
        }
      }
      slot.release(tokens);
      if (answer.ok()) {
        out.result = std::move(answer).value();
        answered = true;
        break;
      }
      last = answer.status();
      const ErrorCode code = last.code();
      log(LogLevel::kWarning, "vision " + slot.who + " " + photo + ": try " +
                                  std::to_string(attempt.tries) + ": " +
                                  last.to_string());
      if (gives_up_provider(code)) {
        slot.give_up(last);
        log(LogLevel::kWarning, "vision " + slot.who +
                                    ": given up for this run (" +
                                    std::string(code_name(code)) + ")");
        break;
      }
      if (code == ErrorCode::kRateLimited) {
        const milliseconds delay =
            last.retry_after().value_or(backoff(options_, attempt.tries));
        slot.pause(delay);  // every thread waits, not just this one
        if (delay > options_.max_wait) break;
        continue;
      }
      if (code == ErrorCode::kUnavailable ||
          code == ErrorCode::kDeadlineExceeded) {
        const milliseconds delay =
            last.retry_after().value_or(backoff(options_, attempt.tries));
        if (attempt.tries < options_.max_tries && delay <= options_.max_wait) {
          std::this_thread::sleep_for(delay);
          continue;
        }
        break;
      }
      if (code == ErrorCode::kCorruptData && attempt.tries < 2) continue;
      break;  // refused, invalid_argument, internal, ...: next analyzer
    }
    attempt.elapsed_ms = ms_since(start);
    attempt.outcome = answered ? Status() : last;
    if (answered) {
      log(LogLevel::kDebug, "vision " + slot.who + " " + photo +
                                ": answered (" + std::to_string(attempt.tries) +
                                " call" + (attempt.tries == 1 ? "" : "s") +
                                ", " + std::to_string(attempt.elapsed_ms) +
                                " ms)");
    }
    out.attempts.push_back(std::move(attempt));
    if (answered) {
      out.error = Status();
      return out;
    }
    out.error = last;
  }
  if (out.error.ok()) {
    out.error = unavailable_error("no vision analyzer answered for " + photo);
  }
  return out;
}

}  // namespace imagebank
