// imagebank carteira FILE [--json] [--sheet NAME]...: reads a Carteira de
// Compras (.xlsx, .xls or CSV). With --json: one line per row
// {"type":"row",...}, one per issue {"type":"issue",...} and a final
// {"type":"summary",...}; otherwise a summary and the issues as text.
#include <CLI/CLI.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <charconv>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/bank_options.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "imagebank/carteira/carteira.hpp"

namespace imagebank::cli {
namespace {

struct CarteiraCommandOptions {
  std::string file;
  bool json = false;
  CarteiraOptions read;
  // --import: upsert the products into a bank's collection.
  bool import = false;
  BankLocation bank;
  std::string brand, collection, season;
};

std::string json_string(std::string_view text) {
  return boost::json::serialize(boost::json::value(text));
}

// Numbers as Python's json.dumps writes them (12.5, 129.0): Boost.JSON
// would print 1.25E1.
std::string json_number(double d) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  std::string out(buf, ec == std::errc() ? end : buf);
  if (out.find_first_of(".en") == std::string::npos) out += ".0";
  return out;
}

std::string json_value(const FieldValue& value) {
  struct Visitor {
    std::string operator()(const std::string& s) const {
      return json_string(s);
    }
    std::string operator()(std::int64_t n) const { return std::to_string(n); }
    std::string operator()(double d) const { return json_number(d); }
    std::string operator()(const Date& d) const { return json_string(d.iso()); }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
  };
  return std::visit(Visitor{}, value);
}

// {"type":"row","sheet","row","fields":{...},"extra":{...}}, written by hand
// for the number format above.
std::string row_json(const CarteiraRow& row) {
  std::string line = "{\"type\":\"row\",\"sheet\":" + json_string(row.sheet) +
                     ",\"row\":" + std::to_string(row.row) + ",\"fields\":{";
  bool first = true;
  for (const auto& [field, value] : row.fields) {
    if (!first) line += ',';
    first = false;
    line += json_string(field_name(field)) + ":" + json_value(value);
  }
  line += "},\"extra\":{";
  first = true;
  for (const auto& [header, text] : row.extra) {
    if (!first) line += ',';
    first = false;
    line += json_string(header) + ":" + json_string(text);
  }
  return line + "}}";
}

std::size_t count(const Carteira& c, IssueSeverity severity) {
  std::size_t n = 0;
  for (const CarteiraIssue& i : c.issues) n += i.severity == severity ? 1 : 0;
  return n;
}

std::string plural(std::size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

int run_carteira(const CarteiraCommandOptions& options) {
  Output out(options.json);
  const Result<Carteira> result = read_carteira(options.file, options.read);
  if (!result.ok()) {
    out.failure(options.file, result.status());
    return out.exit_status();
  }
  const Carteira& c = *result;
  const std::size_t skus = c.skus().size();
  const std::size_t errors = count(c, IssueSeverity::kError);
  const std::size_t warnings = count(c, IssueSeverity::kWarning);
  const std::size_t infos = count(c, IssueSeverity::kInfo);
  if (out.json()) {
    for (const CarteiraRow& row : c.rows) out.text(row_json(row));
    for (const CarteiraIssue& issue : c.issues) {
      boost::json::object o;
      o["type"] = "issue";
      o["sheet"] = issue.sheet;
      o["row"] = issue.row;
      o["severity"] = severity_name(issue.severity);
      o["message"] = issue.message;
      out.record(o);
    }
    boost::json::object counts;
    counts["error"] = errors;
    counts["warning"] = warnings;
    counts["info"] = infos;
    boost::json::array sheets;
    for (const std::string& s : c.sheets) sheets.emplace_back(s);
    boost::json::object o;
    o["type"] = "summary";
    o["path"] = options.file;
    o["sheets"] = std::move(sheets);
    o["rows"] = c.rows.size();
    o["skus"] = skus;
    o["issues"] = std::move(counts);
    out.record(o);
    return out.exit_status();
  }
  std::string sheets;
  for (const std::string& s : c.sheets) {
    sheets += (sheets.empty() ? "" : ", ") + s;
  }
  out.text(options.file + ": " + plural(c.sheets.size(), "sheet") + " (" +
           sheets + "), " + plural(c.rows.size(), "row") + ", " +
           plural(skus, "SKU") + "; issues: " + plural(errors, "error") + ", " +
           plural(warnings, "warning") + ", " + std::to_string(infos) +
           " info");
  for (const CarteiraIssue& issue : c.issues) {
    std::string where =
        issue.sheet.empty() ? std::string("file") : "'" + issue.sheet + "'";
    if (issue.row > 0) where += " row " + std::to_string(issue.row);
    std::string severity(severity_name(issue.severity));
    severity.resize(7, ' ');
    out.text("  " + severity + " " + where + ": " + issue.message);
  }
  return out.exit_status();
}

int run_import(const CarteiraCommandOptions& options) {
  Output out(options.json);
  auto bank = open_bank(options.bank);
  if (!bank.ok()) {
    out.failure("bank", bank.status());
    return kExitSomeFailed;
  }
  CarteiraImportOptions import;
  import.brand = options.brand;
  import.collection = options.collection;
  import.season = options.season;
  import.read = options.read;
  auto result = (*bank)->import_carteira(options.file, import);
  if (!result.ok()) {
    out.failure(options.file, result.status());
    return out.exit_status();
  }
  const CarteiraImport& r = result->record;
  if (out.json()) {
    out.record({{"type", "import"},
                {"path", options.file},
                {"brand", options.brand},
                {"collection", options.collection},
                {"rows", r.rows},
                {"issues", r.issues},
                {"products_created", r.products_created},
                {"products_updated", r.products_updated}});
  } else {
    out.text(options.file + ": imported into " + options.brand + " / " +
             options.collection + ": " +
             plural(static_cast<std::size_t>(r.products_created), "product") +
             " created, " + std::to_string(r.products_updated) + " updated (" +
             plural(static_cast<std::size_t>(r.rows), "row") + ", " +
             plural(static_cast<std::size_t>(r.issues), "issue") + ")");
  }
  return out.exit_status();
}

}  // namespace

CommandRunner add_carteira_command(CLI::App& app) {
  auto options = std::make_shared<CarteiraCommandOptions>();
  CLI::App* cmd = app.add_subcommand("carteira",
                                     "Read a Carteira de Compras (.xlsx, .ods, "
                                     ".xls or CSV) into canonical rows");
  cmd->add_option("FILE", options->file, "The spreadsheet")->required();
  cmd->add_flag("--json", options->json,
                "One JSON object per row, per issue, then a summary");
  cmd->add_option("--sheet", options->read.sheets,
                  "Read only this sheet (repeatable; case and accents "
                  "ignored)");
  cmd->add_option("--max-rows", options->read.limits.max_rows,
                  "Most rows read from the file")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option_function<double>(
         "--max-file-mb",
         [options](double mb) {
           options->read.limits.max_file_bytes =
               static_cast<std::uint64_t>(mb * 1e6);
         },
         "Largest file accepted, in MB (default 50)")
      ->check(CLI::PositiveNumber);
  auto* import = cmd->add_flag(
      "--import", options->import,
      "Upsert the products into a bank (needs --brand and --collection)");
  cmd->add_option("--brand", options->brand, "Brand of the imported collection")
      ->needs(import);
  cmd->add_option("--collection", options->collection,
                  "Collection to import into")
      ->needs(import);
  cmd->add_option("--season", options->season, "Season of the collection")
      ->needs(import);
  add_bank_options(*cmd, options->bank);
  return [options] {
    if (options->import) {
      if (options->brand.empty() || options->collection.empty()) {
        std::fprintf(
            stderr,
            "imagebank carteira --import needs --brand and --collection\n");
        return kExitUsage;
      }
      return run_import(*options);
    }
    return run_carteira(*options);
  };
}

}  // namespace imagebank::cli
