// The catalog's reports (what `imagebank report` prints, and the
// near-duplicate pairs awaiting review) as JSON, or as CSV a spreadsheet
// opens with its accents intact (?format=csv).
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
// And near-duplicates beyond this many pairs.
constexpr std::size_t kMaxNearDuplicatePairs = 100'000;

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

// The pairs in pages of this many (the catalog's largest page).
constexpr std::size_t kPairPage = 10'000;

Result<Response> near_duplicate_report(Request& request, Bank& bank,
                                       Auth& auth) {
  IMAGEBANK_RETURN_IF_ERROR(auth.require(request, ApiScope::kRead).status());
  IMAGEBANK_ASSIGN_OR_RETURN(ReportAsk ask,
                             report_ask(request, {"collection", "format"}));
  std::optional<RowId> collection_id;
  if (ask.collection) {
    IMAGEBANK_ASSIGN_OR_RETURN(Collection c, bank.collection(*ask.collection));
    collection_id = c.id;
  }
  // Held in memory like missing-photos: past kMaxNearDuplicatePairs the
  // answer says `truncated`. A page ends with its last image whole, so the
  // count is checked after each page and the extra cut off.
  std::vector<NearDuplicatePair> pairs;
  for (RowId after = 0;;) {
    IMAGEBANK_ASSIGN_OR_RETURN(std::vector<NearDuplicatePair> page,
                               bank.catalog().near_duplicates_to_review(
                                   collection_id, after, kPairPage));
    const bool last = page.size() < kPairPage;
    if (!page.empty()) after = page.back().pair.image_id;
    for (NearDuplicatePair& p : page) pairs.push_back(std::move(p));
    if (last || pairs.size() > kMaxNearDuplicatePairs) break;
  }
  const bool truncated = pairs.size() > kMaxNearDuplicatePairs;
  if (truncated) pairs.resize(kMaxNearDuplicatePairs);
  if (ask.csv) {
    std::string csv =
        csv_record({"image_id", "image_name", "image_sku", "image_view",
                    "image_status", "other_image_id", "other_name", "other_sku",
                    "other_view", "other_status", "distance", "algorithm"});
    for (const NearDuplicatePair& p : pairs) {
      csv += csv_record({std::to_string(p.pair.image_id), p.image.original_name,
                         p.image.sku_base, p.image.view,
                         std::string(image_status_name(p.image.status)),
                         std::to_string(p.pair.other_image_id),
                         p.other.original_name, p.other.sku_base, p.other.view,
                         std::string(image_status_name(p.other.status)),
                         std::to_string(p.pair.distance), p.pair.algorithm});
    }
    Response r = csv_response(csv, "near-duplicates.csv");
    if (truncated) r.headers.set("X-Imagebank-Truncated", "true");
    return r;
  }
  boost::json::array items;
  for (const NearDuplicatePair& p : pairs) {
    items.push_back({{"image_id", p.pair.image_id},
                     {"other_image_id", p.pair.other_image_id},
                     {"distance", p.pair.distance},
                     {"algorithm", p.pair.algorithm},
                     {"image", image_json(p.image)},
                     {"other", image_json(p.other)}});
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
  IMAGEBANK_RETURN_IF_ERROR(router.add(
      "GET", "/api/v1/reports/missing-photos",
      [&bank, &auth](Request& r) { return missing_report(r, bank, auth); }));
  return router.add("GET", "/api/v1/reports/near-duplicates",
                    [&bank, &auth](Request& r) {
                      return near_duplicate_report(r, bank, auth);
                    });
}

}  // namespace imagebank::server
