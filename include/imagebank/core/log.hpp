// Logging: imagebank writes its diagnostics to one process-wide LogSink.
//
// An embedding application routes them into its own logger by installing a
// sink (set_log_sink). The default sink writes one line per record to stderr
// with a UTC timestamp in milliseconds. Records below the minimum level are
// dropped before any formatting work.
//
// Threading: log() may be called from any thread. A sink's write() may be
// called concurrently from several threads and must be thread-safe.
// set_log_sink() may be called at any time; a write() already running on the
// old sink finishes on it (the old sink is kept alive until then).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace imagebank {

enum class LogLevel : int { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

// "debug", "info", "warning", "error".
std::string_view log_level_name(LogLevel level) noexcept;

struct LogRecord {
  LogLevel level;
  std::chrono::system_clock::time_point time;
  std::string_view message;  // valid only during LogSink::write
};

class LogSink {
 public:
  LogSink() = default;
  LogSink(const LogSink&) = delete;
  LogSink& operator=(const LogSink&) = delete;
  virtual ~LogSink() = default;

  // Must not throw and must not call back into log().
  virtual void write(const LogRecord& record) noexcept = 0;
};

// The stderr sink: "2026-11-22T03:04:05.123Z warning imagebank: message".
std::shared_ptr<LogSink> stderr_log_sink();

// Installs `sink` (nullptr restores the stderr sink).
void set_log_sink(std::shared_ptr<LogSink> sink);
// Records below `level` are dropped. Default: kInfo.
void set_log_level(LogLevel level) noexcept;
LogLevel log_level() noexcept;

void log(LogLevel level, std::string_view message);

// "2026-11-22T03:04:05.123Z": the timestamp format of the stderr sink.
std::string format_log_time(std::chrono::system_clock::time_point time);

}  // namespace imagebank
