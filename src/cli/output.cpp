#include "cli/output.hpp"

#include <CLI/CLI.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <iostream>

namespace imagebank::cli {

void Output::record(const boost::json::object& object) const {
  std::string line = boost::json::serialize(object);
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stdout);
}

void Output::text(std::string_view line) const {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
}

void Output::failure(std::string_view path, const Status& status) {
  ++failures_;
  if (json_) {
    boost::json::object error;
    error["code"] = code_name(status.code());
    error["message"] = status.message();
    boost::json::object object;
    object["path"] = path;
    object["error"] = std::move(error);
    record(object);
  } else {
    std::fflush(stdout);  // keep results and errors in order on a terminal
    std::cerr << "imagebank: error: " << status.to_string() << '\n';
  }
}

void add_limit_options(CLI::App& command, Limits& limits) {
  command
      .add_option_function<double>(
          "--max-megapixels",
          [&limits](double mp) {
            limits.max_pixels = static_cast<std::uint64_t>(mp * 1e6);
          },
          "Largest image accepted, in megapixels (default 40)")
      ->check(CLI::PositiveNumber);
  command
      .add_option("--max-dimension", limits.max_dimension,
                  "Largest width or height accepted, in pixels")
      ->default_val(limits.max_dimension)
      ->check(CLI::PositiveNumber);
  command
      .add_option_function<double>(
          "--max-file-mb",
          [&limits](double mb) {
            limits.max_file_bytes = static_cast<std::uint64_t>(mb * 1e6);
          },
          "Largest file accepted, in MB (default 50)")
      ->check(CLI::PositiveNumber);
  command
      .add_option_function<std::string>(
          "--fail-on",
          [&limits](const std::string& name) {
            limits.fail_on = *fail_on_from_name(name);
          },
          "What damage a decode tolerates: none, truncated, error (default: "
          "benign JPEG warnings and bad ancillary PNG CRCs pass, truncated "
          "or corrupt data is refused) or warning (refuse every warning)")
      ->check(CLI::IsMember({"none", "truncated", "error", "warning"}));
}

}  // namespace imagebank::cli
