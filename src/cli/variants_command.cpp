// imagebank variants FILE... --out DIR [--presets LIST] [--formats LIST]
// [--json]: writes DIR/<stem>/<preset>.<ext>.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "imagebank/ingest/ingest.hpp"
#include "imagebank/variants/variants.hpp"

namespace imagebank::cli {
namespace {

struct VariantsOptions {
  std::vector<std::string> files;
  std::string out;
  std::string presets = "thumbnail,small,grid,detail,header,zoom";
  std::string formats = "avif,webp,jpeg";
  bool json = false;
  Limits limits;
};

std::vector<std::string> split(const std::string& list) {
  std::vector<std::string> parts;
  std::stringstream ss(list);
  std::string part;
  while (std::getline(ss, part, ',')) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

// Writes through a temporary name and renames, so that an interrupted run
// never leaves a half-written variant under its final name.
Status write_atomically(const std::filesystem::path& path,
                        const std::vector<std::byte>& data) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data.data()),
              static_cast<std::streamsize>(data.size()));
    if (!out) return io_error(tmp.string() + ": cannot write");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return io_error(path.string() + ": " + ec.message());
  return ok_status();
}

Result<VariantOptions> build_options(const VariantsOptions& o) {
  VariantOptions v;
  v.limits = o.limits;
  v.presets.clear();
  for (const auto& name : split(o.presets)) {
    IMAGEBANK_ASSIGN_OR_RETURN(Preset p, find_preset(name));
    v.presets.push_back(std::move(p));
  }
  IMAGEBANK_ASSIGN_OR_RETURN(v.formats, parse_formats(o.formats));
  if (v.presets.empty() || v.formats.empty()) {
    return invalid_argument_error("--presets and --formats must not be empty");
  }
  return v;
}

int run_variants(const VariantsOptions& options) {
  Output out(options.json);
  Result<VariantOptions> built = build_options(options);
  if (!built.ok()) {
    std::cerr << "imagebank: " << built.status().message() << '\n';
    return kExitUsage;
  }
  for (const std::string& file : options.files) {
    auto source = Source::file(file);
    if (!source.ok()) {
      out.failure(file, source.status());
      continue;
    }
    Result<std::vector<Variant>> variants = make_variants(**source, *built);
    if (!variants.ok()) {
      out.failure(file, variants.status());
      continue;
    }
    const std::filesystem::path dir =
        std::filesystem::path(options.out) / std::filesystem::path(file).stem();
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      out.failure(file, io_error(dir.string() + ": " + ec.message()));
      continue;
    }
    for (const Variant& v : *variants) {
      const auto path =
          dir / (v.preset + "." + std::string(file_extension(v.format)));
      if (Status s = write_atomically(path, v.data); !s.ok()) {
        out.failure(file, s);
        continue;
      }
      if (out.json()) {
        boost::json::object o;
        o["path"] = path.string();
        o["preset"] = v.preset;
        o["format"] = format_name(v.format);
        o["width"] = v.width;
        o["height"] = v.height;
        o["bytes"] = v.data.size();
        out.record(o);
      } else {
        out.text(path.string() + ": " + std::to_string(v.width) + "x" +
                 std::to_string(v.height) + ", " +
                 std::to_string(v.data.size()) + " bytes");
      }
    }
  }
  return out.exit_status();
}

}  // namespace

CommandRunner add_variants_command(CLI::App& app) {
  auto options = std::make_shared<VariantsOptions>();
  CLI::App* cmd = app.add_subcommand(
      "variants", "Make responsive variants (sizes x formats) of images");
  cmd->add_option("FILE", options->files, "Images")
      ->required()
      ->expected(1, -1);
  cmd->add_option("--out", options->out, "Output folder")->required();
  cmd->add_option("--presets", options->presets,
                  "Comma-separated presets (thumbnail,small,grid,detail,"
                  "header,zoom)")
      ->capture_default_str();
  cmd->add_option("--formats", options->formats,
                  "Comma-separated formats (avif,webp,jpeg,png)")
      ->capture_default_str();
  cmd->add_flag("--json", options->json, "One JSON object per output line");
  add_limit_options(*cmd, options->limits);
  return [options] { return run_variants(*options); };
}

}  // namespace imagebank::cli
