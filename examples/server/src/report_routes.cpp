// The catalog's reports (what `imagebank report` prints) as JSON, or as CSV
// a spreadsheet opens with its accents intact (?format=csv).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdio>
#include <map>

#include "api_routes.hpp"
#include "api_support.hpp"

namespace imagebank::server {
namespace {

// missing-photos holds its answer in memory: beyond this many products it
// says `truncated` (a header for CSV) instead of growing without bound.
constexpr std::size_t kMaxMissingProducts = 100'000;

struct ReportAsk {
  std::optional<std::string> collection;
  bool csv = false;
};

Result<ReportAsk> report_ask(const Request& request,
                             std::initializer_list<std::string_view> allowed) {
  IMAGEBANK_RETURN_IF_ERROR(check_query(request, allowed));
  ReportAsk ask;
  ask.collection = query_value(request, "collection");
  if (auto format = query_value(request, "format")) {
    if (*format == "csv") {
      ask.csv = true;
    } else if (*format != "json") {
      return invalid_argument_error("bad format '" + format->substr(0, 20) +
                                    "' (json or csv)");
    }
  }
  return ask;
}

std::string percent(std::int64_t part, std::int64_t whole) {
  if (whole == 0) return "0.0";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f",
                100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

Result<Response> status_report(Request& request, Bank& bank, Auth& auth) {
  IMAGEBANK_RETURN_IF_ERROR(auth.require(request, ApiScope::kRead).status());
  IMAGEBANK_ASSIGN_OR_RETURN(ReportAsk ask,
                             report_ask(request, {"collection", "format"}));
  IMAGEBANK_ASSIGN_OR_RETURN(std::vector<ImageCount> counts,
                             bank.status_counts(ask.collection));
  if (ask.csv) {
    std::string csv = csv_record({"brand", "collection", "status", "images"});
    for (const ImageCount& c : counts) {
      csv += csv_record({c.brand, c.collection,
                         std::string(image_status_name(c.status)),
                         std::to_string(c.images)});
    }
    return csv_response(csv, "status.csv");
  }
  boost::json::array items;
  std::int64_t total = 0;
  for (const ImageCount& c : counts) {
    total += c.images;
    items.push_back({{"brand", c.brand},
                     {"collection", c.collection},
                     {"status", image_status_name(c.status)},
                     {"images", c.images}});
  }
  return json_response(
      200, boost::json::object{{"items", std::move(items)}, {"total", total}});
}

Result<Response> coverage_report(Request& request, Bank& bank, Auth& auth) {
  IMAGEBANK_RETURN_IF_ERROR(auth.require(request, ApiScope::kRead).status());
  IMAGEBANK_ASSIGN_OR_RETURN(ReportAsk ask,
                             report_ask(request, {"collection", "format"}));
  const std::vector<std::string>& views = default_required_views();
  IMAGEBANK_ASSIGN_OR_RETURN(std::vector<Coverage> coverage,
                             bank.coverage(ask.collection, views));
  if (ask.csv) {
    std::vector<std::string> header = {"brand", "collection", "products",
                                       "products_with_photo",
                                       "coverage_percent"};
    for (const std::string& v : views) header.push_back("with_" + v);
    std::string csv = csv_record(header);
    for (const Coverage& c : coverage) {
      std::vector<std::string> cells = {
          c.brand, c.collection, std::to_string(c.products),
          std::to_string(c.products_with_photo),
          percent(c.products_with_photo, c.products)};
      for (const ViewCoverage& v : c.views) {
        cells.push_back(std::to_string(v.products_with_view));
      }
      csv += csv_record(cells);
    }
    return csv_response(csv, "coverage.csv");
  }
  boost::json::array items;
  for (const Coverage& c : coverage) {
    boost::json::object by_view;
    for (const ViewCoverage& v : c.views) {
      by_view[v.view] = v.products_with_view;
    }
    items.push_back({{"collection_id", c.collection_id},
                     {"brand", c.brand},
                     {"collection", c.collection},
                     {"products", c.products},
                     {"products_with_photo", c.products_with_photo},
                     {"views", std::move(by_view)}});
  }
  return json_response(200, boost::json::object{{"items", std::move(items)}});
}

Result<Response> missing_report(Request& request, Bank& bank, Auth& auth) {
  IMAGEBANK_RETURN_IF_ERROR(auth.require(request, ApiScope::kRead).status());
  IMAGEBANK_ASSIGN_OR_RETURN(ReportAsk ask,
                             report_ask(request, {"collection", "format"}));
  IMAGEBANK_ASSIGN_OR_RETURN(
      std::vector<Product> missing,
      bank.missing_photos(ask.collection, kMaxMissingProducts + 1));
  const bool truncated = missing.size() > kMaxMissingProducts;
  if (truncated) missing.resize(kMaxMissingProducts);
  std::map<RowId, std::string> names;
  IMAGEBANK_ASSIGN_OR_RETURN(std::vector<Collection> collections,
                             bank.collections());
  for (const Collection& c : collections) names[c.id] = c.name;
  if (ask.csv) {
    // Every Carteira field, in the Carteira's order, after the SKU.
    std::vector<std::string> header = {"collection", "sku"};
    for (const CarteiraFieldMember& f : kCarteiraFieldTable) {
      header.emplace_back(f.name);
    }
    std::string csv = csv_record(header);
    for (const Product& p : missing) {
      std::vector<std::string> cells = {names[p.collection_id], p.sku};
      for (const CarteiraFieldMember& f : kCarteiraFieldTable) {
        cells.push_back(p.fields.*f.member);
      }
      csv += csv_record(cells);
    }
    Response r = csv_response(csv, "missing-photos.csv");
    if (truncated) r.headers.set("X-Imagebank-Truncated", "true");
    return r;
  }
  boost::json::array items;
  for (const Product& p : missing) {
    boost::json::object item{{"product_id", p.id},
                             {"collection_id", p.collection_id},
                             {"collection", names[p.collection_id]},
                             {"sku", p.sku},
                             {"sku_base", p.sku_base}};
    for (const CarteiraFieldMember& f : kCarteiraFieldTable) {
      item[f.name] = p.fields.*f.member;
    }
    items.push_back(std::move(item));
  }
  return json_response(200, boost::json::object{{"items", std::move(items)},
                                                {"truncated", truncated}});
}

}  // namespace

Status add_report_routes(Router& router, Bank& bank, Auth& auth) {
  IMAGEBANK_RETURN_IF_ERROR(router.add(
      "GET", "/api/v1/reports/status",
      [&bank, &auth](Request& r) { return status_report(r, bank, auth); }));
  IMAGEBANK_RETURN_IF_ERROR(router.add(
      "GET", "/api/v1/reports/coverage",
      [&bank, &auth](Request& r) { return coverage_report(r, bank, auth); }));
  return router.add(
      "GET", "/api/v1/reports/missing-photos",
      [&bank, &auth](Request& r) { return missing_report(r, bank, auth); });
}

}  // namespace imagebank::server
