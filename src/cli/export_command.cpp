// imagebank export --format csv|xlsx|jsonl [--collection NAME] [--brand
// NAME] [--output FILE|-] [--url-base URL] [--url-size SIZE] [--sign
// [--url-expires HOURS]] [--views LIST] [--columns LIST] [--csv-delimiter
// ,|;|tab] [--bom] [bank options] [--json]: one row per product of the
// catalog (imagebank/bank/export.hpp says which columns), streamed.
// Signing keys come from IMAGEBANK_URL_KEYS (id:secret,...; the server's
// variable, so its /images route verifies the URLs), never from the command
// line, where other users could read them.
#include <CLI/CLI.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/bank_options.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "imagebank/bank/bank.hpp"
#include "imagebank/bank/export.hpp"

namespace imagebank::cli {
namespace {

struct ExportArgs {
  BankLocation bank;
  std::string format;
  std::string collection;
  std::string brand;
  std::string output;
  std::string url_base;
  std::string url_size = "original";
  bool sign = false;
  double url_expires_hours = 24 * 7;
  std::vector<std::string> views;
  std::vector<std::string> columns;
  std::string delimiter = ",";
  bool bom = false;
  bool json = false;
};

Result<std::vector<SigningKey>> keys_from_environment() {
  const char* env = std::getenv("IMAGEBANK_URL_KEYS");
  if (env == nullptr || *env == '\0') {
    return invalid_argument_error(
        "--sign: set IMAGEBANK_URL_KEYS (id:secret,...; the server's keys) "
        "to sign the image URLs");
  }
  std::vector<SigningKey> keys;
  std::string_view rest(env);
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view()
                                           : rest.substr(comma + 1);
    const auto colon = item.find(':');
    if (colon == std::string_view::npos) {
      return invalid_argument_error(
          "IMAGEBANK_URL_KEYS: each key is id:secret");
    }
    keys.push_back({std::string(item.substr(0, colon)),
                    std::string(item.substr(colon + 1))});
  }
  return keys;
}

int run_export(const ExportArgs& a) {
  // With --output -, stdout carries the file: reports go to stderr.
  const bool to_stdout = a.output.empty() || a.output == "-";
  Output out(a.json && !to_stdout);
  ExportOptions options;
  auto format = parse_export_format(a.format);
  if (!format.ok()) {
    out.failure("export", format.status());
    return kExitUsage;
  }
  options.format = *format;
  if (!a.collection.empty()) options.collection = a.collection;
  if (!a.brand.empty()) options.brand = a.brand;
  options.url_base = a.url_base;
  options.url_size = a.url_size;
  options.required_views = a.views;
  options.columns = a.columns;
  options.csv_bom = a.bom;
  options.csv_delimiter = a.delimiter == "tab" ? '\t' : a.delimiter[0];
  if (a.sign) {
    auto keys = keys_from_environment();
    if (!keys.ok()) {
      out.failure("export", keys.status());
      return kExitUsage;
    }
    options.signing_keys = std::move(*keys);
    options.url_expires_unix_s =
        std::chrono::duration_cast<std::chrono::seconds>(
            std::chrono::system_clock::now().time_since_epoch())
            .count() +
        static_cast<std::int64_t>(a.url_expires_hours * 3600);
  }
  // Progress for big exports only: a line on stderr at most every two
  // seconds, so a small export prints nothing but its result.
  auto last = std::chrono::steady_clock::now();
  options.progress = [&last](const ExportProgress& p) {
    const auto now = std::chrono::steady_clock::now();
    if (now - last < std::chrono::seconds(2)) return;
    last = now;
    std::fprintf(stderr, "export: %lld produtos, %lld imagens (%.0f/s)\n",
                 static_cast<long long>(p.products),
                 static_cast<long long>(p.images),
                 p.elapsed_seconds > 0
                     ? static_cast<double>(p.products) / p.elapsed_seconds
                     : 0.0);
  };

  auto bank = open_bank(a.bank);
  if (!bank.ok()) {
    out.failure("bank", bank.status());
    return kExitSomeFailed;
  }
  Result<ExportReport> report = internal_error("export: not run");
  if (to_stdout) {
    report = export_catalog(
        (*bank)->catalog(), options, [](std::string_view chunk) -> Status {
          if (std::fwrite(chunk.data(), 1, chunk.size(), stdout) !=
              chunk.size()) {
            return io_error("export: cannot write to stdout");
          }
          return Status();
        });
    if (std::fflush(stdout) != 0 && report.ok()) {
      report = io_error("export: cannot write to stdout");
    }
  } else {
    report = export_catalog((*bank)->catalog(), options,
                            std::filesystem::path(a.output));
  }
  if (!report.ok()) {
    out.failure(to_stdout ? "export" : a.output, report.status());
    return out.exit_status();
  }
  const std::string where = to_stdout ? "-" : a.output;
  if (out.json()) {
    boost::json::array columns;
    for (const std::string& c : report->columns) columns.emplace_back(c);
    out.record({{"output", where},
                {"format", export_format_name(report->format)},
                {"products", report->products},
                {"images", report->images},
                {"analysed", report->analysed},
                {"bytes", report->bytes},
                {"columns", std::move(columns)},
                {"seconds", report->elapsed_seconds}});
  } else {
    std::fprintf(stderr,
                 "export: %lld produtos, %lld imagens, %lld bytes em %.2f s "
                 "-> %s\n",
                 static_cast<long long>(report->products),
                 static_cast<long long>(report->images),
                 static_cast<long long>(report->bytes), report->elapsed_seconds,
                 where.c_str());
  }
  return kExitOk;
}

}  // namespace

CommandRunner add_export_command(CLI::App& app) {
  auto args = std::make_shared<ExportArgs>();
  CLI::App* command = app.add_subcommand(
      "export",
      "One row per product: Carteira fields, photos per view, coverage, "
      "image statuses, AI attributes, image URLs (csv, xlsx or jsonl)");
  add_bank_options(*command, args->bank);
  command->add_option("--format", args->format, "csv, xlsx or jsonl")
      ->required()
      ->check(CLI::IsMember({"csv", "xlsx", "jsonl"}));
  command->add_option("--collection", args->collection,
                      "Only this collection (by name)");
  command->add_option("--brand", args->brand, "Only this brand (by name)");
  command->add_option("--output,-o", args->output,
                      "File to write (default -: stdout); written whole or "
                      "not at all");
  command->add_option("--url-base", args->url_base,
                      "Origin of the image server (https://img.example.com); "
                      "default: paths only (/images/ID?size=...)");
  command->add_option("--url-size", args->url_size,
                      "Size in the image URLs: original or a preset name");
  command->add_flag("--sign", args->sign,
                    "Sign the image URLs with the keys in IMAGEBANK_URL_KEYS "
                    "(id:secret,...)");
  command
      ->add_option("--url-expires", args->url_expires_hours,
                   "Hours the signed URLs stay valid (default 168)")
      ->check(CLI::Range(0.01, 24.0 * 366));
  command
      ->add_option("--views", args->views,
                   "Views every product needs (default front,back,detail)")
      ->delimiter(',');
  command
      ->add_option("--columns", args->columns,
                   "Only these columns, in this order (csv, xlsx)")
      ->delimiter(',');
  command
      ->add_option("--csv-delimiter", args->delimiter,
                   "CSV separator: , (default), ; (Excel in Brazil) or tab")
      ->check(CLI::IsMember({",", ";", "tab"}));
  command->add_flag("--bom", args->bom,
                    "CSV: start with a UTF-8 byte order mark (Excel)");
  command->add_flag("--json", args->json,
                    "The result as one JSON line on stdout (with --output)");
  return [args]() { return run_export(*args); };
}

}  // namespace imagebank::cli
