// imagebank sku FILE... [--from LIST] [--known-skus FILE] [--report] [--json]:
// the SKU, sequence and view each file name carries (the files need not
// exist: only names are read). With --json one line per input
// {"input","sku_base","sequence","view","confidence","reason"}. --report
// adds the match against the known SKUs: {"type":"sku"} per known SKU,
// {"type":"unknown_sku"}, {"type":"photo_without_sku"} and a final
// {"type":"summary"}.
#include <CLI/CLI.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "imagebank/carteira/carteira.hpp"
#include "imagebank/core/text.hpp"
#include "imagebank/sku/match.hpp"

namespace imagebank::cli {
namespace {

// A SKU list larger than this is not a list of SKUs.
constexpr std::uintmax_t kMaxListBytes = 64u << 20;

struct SkuOptions {
  std::vector<std::string> files;
  std::string from;
  std::string known_skus;
  bool report = false;
  bool json = false;
};

std::string lower_extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (char& c : ext) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return ext;
}

Result<std::string> read_list(const std::string& path) {
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) {
    return ec == std::errc::no_such_file_or_directory
               ? not_found_error(path + ": no such file")
               : io_error(path + ": " + ec.message());
  }
  if (size > kMaxListBytes) {
    return limit_exceeded_error(path + ": " + std::to_string(size) +
                                " bytes is too large for a SKU list");
  }
  std::ifstream in(path, std::ios::binary);
  std::string bytes{std::istreambuf_iterator<char>(in),
                    std::istreambuf_iterator<char>()};
  if (in.bad()) return io_error(path + ": read failed");
  return bytes;
}

// Non-empty lines, trimmed; CR LF and a UTF-8 byte order mark tolerated,
// Windows-1252 decoded. UTF-16 (Excel's "Unicode text") is refused by name
// rather than read as garbage.
Result<std::vector<std::string>> lines_of(const std::string& path,
                                          std::string bytes) {
  if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
    return unsupported_format_error(
        path + ": UTF-16 text; save the list as UTF-8 (or ANSI)");
  }
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.erase(0, 3);
  const std::string text = to_utf8(bytes);
  std::vector<std::string> out;
  std::istringstream stream(text);
  std::string line;
  while (std::getline(stream, line)) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos) continue;
    const auto last = line.find_last_not_of(" \t\r");
    out.push_back(line.substr(first, last - first + 1));
  }
  return out;
}

// The SKUs of a Carteira de Compras (.csv, .tsv, .xlsx, .ods, .xls), or of a
// plain text file with one SKU per line. The Carteira's error issues (rows
// it skipped) go to stderr: a missing SKU there is a photo reported
// unmatched.
Result<std::vector<std::string>> load_known_skus(const std::string& path) {
  const std::string ext = lower_extension(path);
  if (ext == ".csv" || ext == ".tsv" || ext == ".xlsx" || ext == ".xlsm" ||
      ext == ".ods" || ext == ".xls") {
    IMAGEBANK_ASSIGN_OR_RETURN(const Carteira carteira, read_carteira(path));
    for (const CarteiraIssue& issue : carteira.issues) {
      if (issue.severity != IssueSeverity::kError) continue;
      std::cerr << "imagebank: " << path << ": " << issue.sheet << " row "
                << issue.row << ": " << issue.message << '\n';
    }
    std::vector<std::string> skus = carteira.skus();
    if (skus.empty()) {
      // Matching against nothing would report every photo unmatched.
      return invalid_argument_error(path + ": no SKUs found in this Carteira");
    }
    return skus;
  }
  IMAGEBANK_ASSIGN_OR_RETURN(std::string bytes, read_list(path));
  return lines_of(path, std::move(bytes));
}

// Names listed in a file ("-": standard input), one per line.
Result<std::vector<std::string>> load_names(const std::string& path) {
  std::string bytes;
  if (path == "-") {
    bytes.assign(std::istreambuf_iterator<char>(std::cin),
                 std::istreambuf_iterator<char>());
  } else {
    IMAGEBANK_ASSIGN_OR_RETURN(bytes, read_list(path));
  }
  std::vector<std::string> out;
  std::istringstream stream(bytes);
  std::string line;
  while (std::getline(stream, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

// 0.8, 0.25, 1.0: the shortest decimal that reads back as the value (the
// confidences are a few round fractions).
std::string json_number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.15g", value);
  std::string text = buffer;
  if (text.find_first_of(".eE") == std::string::npos) text += ".0";
  return text;
}

std::string fixed(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f", value);
  return buffer;
}

void print_file(Output& out, const MatchedFile& file) {
  if (!file.status.ok()) {
    out.failure(file.input, file.status);
    return;
  }
  const SkuParse& p = file.parse;
  const std::string reason(sku_reason_name(p.reason));
  if (out.json()) {
    // Written by hand: Boost.JSON prints 0.8 as 8E-1.
    const auto str = [](const std::string& v) {
      return boost::json::serialize(boost::json::value(v));
    };
    out.text("{\"input\":" + str(file.input) +
             ",\"sku_base\":" + str(p.sku_base) +
             ",\"sequence\":" + str(p.sequence) + ",\"view\":" + str(p.view) +
             ",\"confidence\":" + json_number(p.confidence) +
             ",\"reason\":" + str(reason) + "}");
    return;
  }
  std::string line = file.input + ": ";
  line += p.sku_base.empty() ? "no sku" : "sku " + p.sku_base;
  if (!p.sequence.empty()) line += ", sequence " + p.sequence;
  if (!p.view.empty()) line += ", view " + p.view;
  line += " (" + reason;
  if (p.from_folder) line += ", from folder";
  if (!p.sku_base.empty()) line += ", confidence " + fixed(p.confidence);
  out.text(line + ")");
}

boost::json::object photos_json(const char* type, const SkuPhotos& s) {
  boost::json::object o;
  o["type"] = type;
  o["sku"] = s.sku;
  o["photos"] = s.photos;
  boost::json::array views;
  for (const std::string& v : s.views) views.emplace_back(v);
  o["views"] = std::move(views);
  return o;
}

std::string photos_text(const char* label, const SkuPhotos& s) {
  std::string line = std::string(label) + " " + s.sku + ": ";
  if (s.photos == 0) return line + "no photos";
  line += std::to_string(s.photos) + (s.photos == 1 ? " photo" : " photos");
  if (!s.views.empty()) {
    line += ", views";
    for (const std::string& v : s.views) line += " " + v;
  }
  return line;
}

void print_report(Output& out, const MatchReport& r) {
  const std::size_t matched = r.files.size() - r.photos_without_sku.size();
  const std::size_t with_photos = r.skus.size() - r.skus_without_photos.size();
  for (const SkuPhotos& s : r.skus) {
    if (out.json()) {
      out.record(photos_json("sku", s));
    } else {
      out.text(photos_text("sku", s));
    }
  }
  for (const SkuPhotos& s : r.unknown_skus) {
    if (out.json()) {
      out.record(photos_json("unknown_sku", s));
    } else {
      out.text(photos_text("unknown sku", s));
    }
  }
  for (std::size_t i : r.photos_without_sku) {
    const MatchedFile& f = r.files[i];
    const std::string why = f.status.ok()
                                ? std::string(sku_reason_name(f.parse.reason))
                                : std::string(code_name(f.status.code()));
    if (out.json()) {
      boost::json::object o;
      o["type"] = "photo_without_sku";
      o["input"] = f.input;
      o["reason"] = why;
      out.record(o);
    } else {
      out.text("no sku: " + f.input + " (" + why + ")");
    }
  }
  if (out.json()) {
    boost::json::object o;
    o["type"] = "summary";
    o["files"] = r.files.size();
    o["matched"] = matched;
    o["photos_without_sku"] = r.photos_without_sku.size();
    o["skus"] = r.skus.size();
    o["skus_with_photos"] = with_photos;
    o["skus_without_photos"] = r.skus_without_photos.size();
    o["unknown_skus"] = r.unknown_skus.size();
    out.record(o);
  } else {
    out.text(
        "summary: " + std::to_string(r.files.size()) + " files, " +
        std::to_string(matched) + " matched to " + std::to_string(with_photos) +
        " of " + std::to_string(r.skus.size()) + " known SKUs, " +
        std::to_string(r.skus_without_photos.size()) +
        " SKUs without photos, " + std::to_string(r.photos_without_sku.size()) +
        " photos without SKU");
  }
}

int run_sku(SkuOptions& options) {
  Output out(options.json);
  if (!options.from.empty()) {
    Result<std::vector<std::string>> names = load_names(options.from);
    if (!names.ok()) {
      out.failure(options.from, names.status());
      return kExitUsage;
    }
    options.files.insert(options.files.end(), names->begin(), names->end());
  }
  KnownSkus known;
  if (!options.known_skus.empty()) {
    Result<std::vector<std::string>> skus = load_known_skus(options.known_skus);
    if (!skus.ok()) {
      out.failure(options.known_skus, skus.status());
      return kExitUsage;
    }
    known = KnownSkus(*skus);
  }
  const MatchReport report = match(options.files, known);
  for (const MatchedFile& file : report.files) print_file(out, file);
  if (options.report) print_report(out, report);
  return out.exit_status();
}

}  // namespace

CommandRunner add_sku_command(CLI::App& app) {
  auto options = std::make_shared<SkuOptions>();
  CLI::App* cmd =
      app.add_subcommand("sku", "SKU, sequence and view from photo file names");
  cmd->add_option("FILE", options->files,
                  "Photo file names or paths (need not exist)");
  cmd->add_option("--from", options->from,
                  "Also read names from this file, one per line ('-' for "
                  "standard input)");
  cmd->add_option("--known-skus", options->known_skus,
                  "Text file of known SKUs, one per line (UTF-8 or "
                  "Windows-1252)");
  cmd->add_flag("--report", options->report,
                "After the names, the match report: photos per SKU and "
                "views, SKUs without photos, photos without SKU");
  cmd->add_flag("--json", options->json, "One JSON object per line");
  cmd->callback([options] {
    if (options->files.empty() && options->from.empty()) {
      throw CLI::RequiredError("FILE (or --from)");
    }
  });
  return [options] { return run_sku(*options); };
}

}  // namespace imagebank::cli
