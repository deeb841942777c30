// Output conventions shared by every CLI command: with --json one JSON object
// per line on stdout (failures included, as {"path", "error": {...}}); in
// human mode results on stdout and failures on stderr.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "imagebank/core/limits.hpp"
#include "imagebank/core/status.hpp"

namespace CLI {
class App;
}

namespace imagebank::cli {

// Exit statuses of the imagebank command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitSomeFailed = 1;
inline constexpr int kExitUsage = 2;

class Output {
 public:
  explicit Output(bool json) : json_(json) {}

  bool json() const { return json_; }

  // Writes one JSON line (json mode only).
  void record(const boost::json::object& object) const;
  // Writes one line of human text to stdout.
  void text(std::string_view line) const;
  // Reports a failed input: a JSON line with "path" and "error", or a line on
  // stderr. Counts failures for the exit status.
  void failure(std::string_view path, const Status& status);

  int exit_status() const { return failures_ > 0 ? kExitSomeFailed : kExitOk; }

 private:
  bool json_;
  int failures_ = 0;
};

// Adds --max-megapixels, --max-dimension and --max-file-mb to a command.
void add_limit_options(CLI::App& command, Limits& limits);

}  // namespace imagebank::cli
