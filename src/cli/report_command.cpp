// imagebank report status|coverage|missing-photos|colors|conflicts [--bank
// DIR | --db URI --storage URI] [--collection NAME] [--views LIST]
// [--disagreements] [--all] [--batch ID] [--csv | --json]: the catalog's
// reports. missing-photos is the "SKUs sem foto" list; colors puts the AI's
// main colour next to the Carteira's `cor`; conflicts lists the photos filed
// under two SKUs (conflicts_command.cpp).
#include <CLI/CLI.hpp>
#include <boost/json/object.hpp>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/bank_options.hpp"
#include "cli/commands.hpp"
#include "cli/conflicts_report.hpp"
#include "cli/output.hpp"
#include "imagebank/bank/bank.hpp"

namespace imagebank::cli {
namespace {

struct ReportOptions {
  std::string report;
  BankLocation bank;
  std::string collection;
  std::vector<std::string> views;
  bool disagreements = false;
  ConflictsReportOptions conflicts;
  bool csv = false;
  bool json = false;
};

// A CSV cell: quoted when needed; a leading = + - @ is neutralised so a
// spreadsheet never runs a SKU or product name as a formula.
std::string csv_cell(std::string_view text) {
  std::string value(text);
  if (!value.empty() &&
      (value[0] == '=' || value[0] == '+' || value[0] == '-' ||
       value[0] == '@' || value[0] == '\t' || value[0] == '\r')) {
    value.insert(value.begin(), '\'');
  }
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

void csv_line(const std::vector<std::string>& cells) {
  std::string line;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) line += ',';
    line += csv_cell(cells[i]);
  }
  line += "\r\n";
  std::fwrite(line.data(), 1, line.size(), stdout);
}

std::string percent(std::int64_t part, std::int64_t whole) {
  if (whole == 0) return "0.0";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f",
                100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

int run_status(Bank& bank, const ReportOptions& o, Output& out) {
  std::optional<std::string> collection;
  if (!o.collection.empty()) collection = o.collection;
  auto counts = bank.status_counts(collection);
  if (!counts.ok()) {
    out.failure("report status", counts.status());
    return out.exit_status();
  }
  if (o.csv) csv_line({"brand", "collection", "status", "images"});
  std::int64_t total = 0;
  for (const ImageCount& c : *counts) {
    total += c.images;
    const std::string status(image_status_name(c.status));
    if (o.csv) {
      csv_line({c.brand, c.collection, status, std::to_string(c.images)});
    } else if (out.json()) {
      out.record({{"type", "status"},
                  {"brand", c.brand},
                  {"collection", c.collection},
                  {"status", status},
                  {"images", c.images}});
    } else {
      out.text((c.collection.empty() ? std::string("(no collection)")
                                     : c.brand + " / " + c.collection) +
               "  " + status + ": " + std::to_string(c.images));
    }
  }
  if (!o.csv && !out.json()) out.text("total images: " + std::to_string(total));
  return out.exit_status();
}

int run_coverage(Bank& bank, const ReportOptions& o, Output& out) {
  std::optional<std::string> collection;
  if (!o.collection.empty()) collection = o.collection;
  const std::vector<std::string>& views =
      o.views.empty() ? default_required_views() : o.views;
  auto coverage = bank.coverage(collection, views);
  if (!coverage.ok()) {
    out.failure("report coverage", coverage.status());
    return out.exit_status();
  }
  if (o.csv) {
    std::vector<std::string> header = {"brand", "collection", "products",
                                       "products_with_photo",
                                       "coverage_percent"};
    for (const auto& v : views) header.push_back("with_" + v);
    csv_line(header);
  }
  for (const Coverage& c : *coverage) {
    if (o.csv) {
      std::vector<std::string> cells = {
          c.brand, c.collection, std::to_string(c.products),
          std::to_string(c.products_with_photo),
          percent(c.products_with_photo, c.products)};
      for (const auto& v : c.views)
        cells.push_back(std::to_string(v.products_with_view));
      csv_line(cells);
    } else if (out.json()) {
      boost::json::object views_json;
      for (const auto& v : c.views) views_json[v.view] = v.products_with_view;
      out.record({{"type", "coverage"},
                  {"brand", c.brand},
                  {"collection", c.collection},
                  {"products", c.products},
                  {"products_with_photo", c.products_with_photo},
                  {"views", views_json}});
    } else {
      std::string line = c.brand + " / " + c.collection + ": " +
                         std::to_string(c.products_with_photo) + " of " +
                         std::to_string(c.products) +
                         " products have a photo (" +
                         percent(c.products_with_photo, c.products) + "%)";
      for (const auto& v : c.views) {
        line += "; " + v.view + " " + std::to_string(v.products_with_view);
      }
      out.text(line);
    }
  }
  return out.exit_status();
}

int run_missing(Bank& bank, const ReportOptions& o, Output& out) {
  std::optional<std::string> collection;
  if (!o.collection.empty()) collection = o.collection;
  auto missing = bank.missing_photos(collection);
  if (!missing.ok()) {
    out.failure("report missing-photos", missing.status());
    return out.exit_status();
  }
  std::map<RowId, std::string> names;
  if (auto all = bank.collections(); all.ok()) {
    for (const Collection& c : *all) names[c.id] = c.name;
  }
  // Every Carteira field, in the Carteira's order, after the SKU.
  if (o.csv) {
    std::vector<std::string> header = {"collection", "sku"};
    for (const CarteiraFieldMember& f : kCarteiraFieldTable) {
      header.emplace_back(f.name);
    }
    csv_line(header);
  }
  for (const Product& p : *missing) {
    const std::string& cname = names[p.collection_id];
    if (o.csv) {
      std::vector<std::string> cells = {cname, p.sku};
      for (const CarteiraFieldMember& f : kCarteiraFieldTable) {
        cells.push_back(p.fields.*f.member);
      }
      csv_line(cells);
    } else if (out.json()) {
      boost::json::object record{
          {"type", "missing_photo"}, {"collection", cname}, {"sku", p.sku}};
      for (const CarteiraFieldMember& f : kCarteiraFieldTable) {
        record[f.name] = p.fields.*f.member;
      }
      out.record(record);
    } else {
      out.text(p.sku + "  " + p.fields.nome_peca + "  (" + cname + ")");
    }
  }
  if (!o.csv && !out.json()) {
    out.text(std::to_string(missing->size()) + " products without photos");
  }
  return out.exit_status();
}

int run_colors(Bank& bank, const ReportOptions& o, Output& out) {
  std::optional<std::string> collection;
  if (!o.collection.empty()) collection = o.collection;
  auto rows = bank.color_review(collection, o.disagreements);
  if (!rows.ok()) {
    out.failure("report colors", rows.status());
    return out.exit_status();
  }
  if (o.csv) {
    csv_line({"sku", "product_id", "image_id", "image", "view", "carteira_cor",
              "ai_color", "agreement", "provider", "model"});
  }
  std::map<std::string, std::int64_t> tally;
  for (const ColorReview& r : *rows) {
    ++tally[r.agreement.empty() ? "unknown" : r.agreement];
    if (o.csv) {
      csv_line({r.sku, std::to_string(r.product_id), std::to_string(r.image_id),
                r.image_name, r.view, r.carteira_color, r.ai_color, r.agreement,
                r.provider, r.model});
    } else if (out.json()) {
      out.record({{"type", "color_review"},
                  {"sku", r.sku},
                  {"product_id", r.product_id},
                  {"image_id", r.image_id},
                  {"image", r.image_name},
                  {"view", r.view},
                  {"carteira_cor", r.carteira_color},
                  {"ai_color", r.ai_color},
                  {"agreement", r.agreement},
                  {"provider", r.provider},
                  {"model", r.model}});
    } else {
      char line[512];
      std::snprintf(line, sizeof line, "%-14s %-24s carteira %-16s ai %-16s %s",
                    r.sku.c_str(), r.image_name.c_str(),
                    r.carteira_color.empty() ? "-" : r.carteira_color.c_str(),
                    r.ai_color.c_str(),
                    r.agreement.empty() ? "-" : r.agreement.c_str());
      out.text(line);
    }
  }
  if (!o.csv && !out.json()) {
    std::string summary = std::to_string(rows->size()) + " photos:";
    for (const auto& [k, n] : tally) {
      summary += " " + k + " " + std::to_string(n);
    }
    out.text(summary);
  }
  return out.exit_status();
}

}  // namespace

CommandRunner add_report_command(CLI::App& app) {
  auto options = std::make_shared<ReportOptions>();
  CLI::App* command =
      app.add_subcommand("report",
                         "Catalog reports: image counts by status, photo "
                         "coverage, SKUs without photos, cross-SKU "
                         "conflicts");
  command
      ->add_option("report", options->report,
                   "status, coverage, missing-photos, colors or conflicts")
      ->required()
      ->check(CLI::IsMember(
          {"status", "coverage", "missing-photos", "colors", "conflicts"}));
  add_bank_options(*command, options->bank);
  command->add_option("--collection", options->collection,
                      "Only this collection (by name)");
  command
      ->add_option(
          "--views", options->views,
          "Views every product needs (coverage; default front,back,detail)")
      ->delimiter(',');
  command->add_flag("--disagreements", options->disagreements,
                    "colors: only photos whose AI colour differs");
  command->add_flag("--all", options->conflicts.all,
                    "conflicts: resolved ones too");
  command->add_option("--batch", options->conflicts.batch,
                      "conflicts: only those of this batch");
  auto* csv = command->add_flag("--csv", options->csv,
                                "CSV on stdout (for spreadsheets)");
  command->add_flag("--json", options->json, "One JSON object per line")
      ->excludes(csv);
  return [options]() {
    Output out(options->json);
    auto bank = open_bank(options->bank);
    if (!bank.ok()) {
      out.failure("bank", bank.status());
      return kExitSomeFailed;
    }
    if (options->report == "status") return run_status(**bank, *options, out);
    if (options->report == "coverage")
      return run_coverage(**bank, *options, out);
    if (options->report == "colors") return run_colors(**bank, *options, out);
    if (options->report == "conflicts") {
      if (options->csv) {
        out.failure(
            "report conflicts",
            invalid_argument_error("conflicts has no --csv; use --json"));
        return kExitUsage;
      }
      options->conflicts.collection = options->collection;
      return run_conflicts_report(**bank, options->conflicts, out);
    }
    return run_missing(**bank, *options, out);
  };
}

}  // namespace imagebank::cli
