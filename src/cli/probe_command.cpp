// imagebank probe FILE... [--json]
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "imagebank/image/probe.hpp"

namespace imagebank::cli {
namespace {

struct ProbeOptions {
  std::vector<std::string> files;
  bool json = false;
  Limits limits;
};

boost::json::object to_json(const std::string& path, const ImageInfo& info) {
  boost::json::object o;
  o["path"] = path;
  o["format"] = format_name(info.format);
  o["width"] = info.width;
  o["height"] = info.height;
  o["channels"] = info.channels;
  o["bit_depth"] = info.bit_depth;
  o["has_alpha"] = info.has_alpha;
  o["orientation"] = info.orientation;
  o["progressive"] = info.progressive;
  o["icc"] = info.icc;
  o["frames"] = info.frames;
  o["bytes"] = info.bytes;
  boost::json::array tolerated;
  for (const std::string& name : tolerance_names(info.tolerated)) {
    tolerated.emplace_back(name);
  }
  o["tolerated"] = std::move(tolerated);
  return o;
}

std::string to_text(const std::string& path, const ImageInfo& info) {
  char size[32];
  if (info.bytes >= 1000 * 1000) {
    std::snprintf(size, sizeof size, "%.1f MB", info.bytes / 1e6);
  } else {
    std::snprintf(size, sizeof size, "%.1f kB", info.bytes / 1e3);
  }
  std::string line = path + ": " + std::string(format_name(info.format)) + " " +
                     std::to_string(info.width) + "x" +
                     std::to_string(info.height) + ", " +
                     std::to_string(info.channels) + " channels, " +
                     std::to_string(info.bit_depth) + "-bit";
  if (info.has_alpha) line += ", alpha";
  if (info.format == Format::kJpeg) {
    line += info.progressive ? ", progressive" : ", baseline";
  }
  line += ", orientation " + std::to_string(info.orientation);
  line += info.icc ? ", ICC profile" : ", no ICC profile";
  if (info.frames > 1) line += ", " + std::to_string(info.frames) + " frames";
  if (info.tolerated != 0) {
    line += ", tolerated " + tolerance_text(info.tolerated);
  }
  line += ", ";
  line += size;
  return line;
}

int run_probe(const ProbeOptions& options) {
  Output out(options.json);
  for (const std::string& path : options.files) {
    Result<ImageInfo> info = probe(std::filesystem::path(path), options.limits);
    if (!info.ok()) {
      out.failure(path, info.status());
    } else if (out.json()) {
      out.record(to_json(path, *info));
    } else {
      out.text(to_text(path, *info));
    }
  }
  return out.exit_status();
}

}  // namespace

CommandRunner add_probe_command(CLI::App& app) {
  auto options = std::make_shared<ProbeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "probe",
      "Read image headers (format, size, channels, orientation, ICC, frames) "
      "without decoding");
  cmd->add_option("FILE", options->files, "Image files to probe")
      ->required()
      ->expected(1, -1);
  cmd->add_flag("--json", options->json, "One JSON object per line");
  add_limit_options(*cmd, options->limits);
  return [options] { return run_probe(*options); };
}

}  // namespace imagebank::cli
