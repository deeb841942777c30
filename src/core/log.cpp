#include "imagebank/core/log.hpp"

#include <atomic>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <utility>

namespace imagebank {
namespace {

class StderrSink final : public LogSink {
 public:
  void write(const LogRecord& record) noexcept override {
    try {
      std::string line = format_log_time(record.time);
      line += ' ';
      line += log_level_name(record.level);
      line += " imagebank: ";
      line += record.message;
      line += '\n';
      // One fwrite per record keeps lines from different threads whole.
      std::fwrite(line.data(), 1, line.size(), stderr);
    } catch (...) {
      // Out of memory while logging: drop the record rather than terminate.
    }
  }
};

std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};

std::mutex& sink_mutex() {
  static std::mutex mu;
  return mu;
}

std::shared_ptr<LogSink>& sink_slot() {
  static std::shared_ptr<LogSink> sink = stderr_log_sink();
  return sink;
}

}  // namespace

std::string_view log_level_name(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "error";
}

std::shared_ptr<LogSink> stderr_log_sink() {
  static const std::shared_ptr<LogSink> sink = std::make_shared<StderrSink>();
  return sink;
}

void set_log_sink(std::shared_ptr<LogSink> sink) {
  if (!sink) sink = stderr_log_sink();
  std::lock_guard<std::mutex> lock(sink_mutex());
  sink_slot().swap(sink);
  // The previous sink is released here, outside no lock a writer holds:
  // writers keep their own reference while they write.
}

void set_log_level(LogLevel level) noexcept {
  g_level.store(static_cast<int>(level), std::memory_order_relaxed);
}

LogLevel log_level() noexcept {
  return static_cast<LogLevel>(g_level.load(std::memory_order_relaxed));
}

void log(LogLevel level, std::string_view message) {
  if (static_cast<int>(level) < g_level.load(std::memory_order_relaxed)) {
    return;
  }
  std::shared_ptr<LogSink> sink;
  {
    std::lock_guard<std::mutex> lock(sink_mutex());
    sink = sink_slot();
  }
  sink->write(LogRecord{level, std::chrono::system_clock::now(), message});
}

std::string format_log_time(std::chrono::system_clock::time_point time) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  const auto since_epoch = duration_cast<milliseconds>(time.time_since_epoch());
  std::time_t seconds = static_cast<std::time_t>(since_epoch.count() / 1000);
  long millis = static_cast<long>(since_epoch.count() % 1000);
  if (millis < 0) {  // times before 1970
    millis += 1000;
    seconds -= 1;
  }
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec, millis);
  return buf;
}

}  // namespace imagebank
