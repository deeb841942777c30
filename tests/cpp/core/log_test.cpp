#include "imagebank/core/log.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace imagebank {
namespace {

class CollectingSink final : public LogSink {
 public:
  void write(const LogRecord& record) noexcept override {
    std::lock_guard<std::mutex> lock(mu_);
    records_.emplace_back(record.level, std::string(record.message));
  }
  std::vector<std::pair<LogLevel, std::string>> records() {
    std::lock_guard<std::mutex> lock(mu_);
    return records_;
  }

 private:
  std::mutex mu_;
  std::vector<std::pair<LogLevel, std::string>> records_;
};

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sink_ = std::make_shared<CollectingSink>();
    set_log_sink(sink_);
    set_log_level(LogLevel::kInfo);
  }
  void TearDown() override {
    set_log_sink(nullptr);
    set_log_level(LogLevel::kInfo);
  }
  std::shared_ptr<CollectingSink> sink_;
};

TEST_F(LogTest, RoutesRecordsToTheInstalledSink) {
  log(LogLevel::kWarning, "disk almost full");
  const auto records = sink_->records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].first, LogLevel::kWarning);
  EXPECT_EQ(records[0].second, "disk almost full");
}

TEST_F(LogTest, DropsRecordsBelowTheLevel) {
  log(LogLevel::kDebug, "hidden");
  set_log_level(LogLevel::kDebug);
  log(LogLevel::kDebug, "shown");
  set_log_level(LogLevel::kError);
  log(LogLevel::kWarning, "hidden too");
  const auto records = sink_->records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].second, "shown");
  EXPECT_EQ(log_level(), LogLevel::kError);
}

TEST_F(LogTest, ConcurrentWritersAndSinkSwapsLoseNothingOnTheFinalSink) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([] {
      for (int i = 0; i < kPerThread; ++i) log(LogLevel::kInfo, "x");
    });
  }
  // Swapping sinks while writers run must be safe (TSan/ASan clean).
  auto other = std::make_shared<CollectingSink>();
  set_log_sink(other);
  set_log_sink(sink_);
  for (auto& th : threads) th.join();
  EXPECT_EQ(sink_->records().size() + other->records().size(),
            static_cast<std::size_t>(kThreads * kPerThread));
}

TEST(LogFormat, TimestampHasMilliseconds) {
  using namespace std::chrono;
  const system_clock::time_point t =
      system_clock::time_point(milliseconds(1'700'000'000'123));
  EXPECT_EQ(format_log_time(t), "2023-11-14T22:13:20.123Z");
  const system_clock::time_point before_epoch(milliseconds(-1));
  EXPECT_EQ(format_log_time(before_epoch), "1969-12-31T23:59:59.999Z");
}

TEST(LogFormat, StderrSinkWritesOneTimestampedLine) {
  set_log_sink(nullptr);
  ::testing::internal::CaptureStderr();
  log(LogLevel::kError, "cannot open a.jpg");
  const std::string out = ::testing::internal::GetCapturedStderr();
  // "YYYY-MM-DDTHH:MM:SS.mmmZ error imagebank: ...\n"; 'D' marks a digit.
  const std::string shape = "DDDD-DD-DDTDD:DD:DD.DDDZ error imagebank: ";
  ASSERT_EQ(out.size(),
            shape.size() + std::string("cannot open a.jpg\n").size())
      << out;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 'D') {
      EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(out[i]))) << out;
    } else {
      EXPECT_EQ(out[i], shape[i]) << out;
    }
  }
  EXPECT_EQ(out.substr(shape.size()), "cannot open a.jpg\n");
}

TEST(LogFormat, LevelNames) {
  EXPECT_EQ(log_level_name(LogLevel::kDebug), "debug");
  EXPECT_EQ(log_level_name(LogLevel::kInfo), "info");
  EXPECT_EQ(log_level_name(LogLevel::kWarning), "warning");
  EXPECT_EQ(log_level_name(LogLevel::kError), "error");
}

}  // namespace
}  // namespace imagebank
