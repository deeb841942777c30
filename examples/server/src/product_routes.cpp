// Products as the Carteira made them, with what the bank holds of them:
// a filtered list in keyset pages (CatalogStore::query_products, filtered
// in SQL), and one product with its photos and SKU history.
#include "product_routes.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <map>

#include "api_support.hpp"
#include "image_routes.hpp"

namespace imagebank::server {
namespace {

boost::json::object product_json(const Product& p) {
  boost::json::object fields;
  for (const CarteiraFieldMember& f : kCarteiraFieldTable) {
    fields[f.name] = p.fields.*f.member;
  }
  boost::json::object extra;
  for (const auto& [name, value] : p.extra) extra[name] = value;
  boost::json::value import_id = nullptr;
  if (p.carteira_import_id != 0) import_id = p.carteira_import_id;
  return {{"id", p.id},
          {"collection_id", p.collection_id},
          {"sku", p.sku},
          {"sku_base", p.sku_base},
          {"fields", std::move(fields)},
          {"extra", std::move(extra)},
          {"carteira_import_id", std::move(import_id)},
          {"created_ms", p.created_ms},
          {"updated_ms", p.updated_ms}};
}

boost::json::array views_json(const std::vector<ViewPhotos>& views) {
  boost::json::array out;
  for (const ViewPhotos& v : views) {
    out.push_back({{"view", v.view}, {"photos", v.photos}});
  }
  return out;
}

boost::json::object summary_json(const ProductSummary& s) {
  boost::json::object out = product_json(s.product);
  out["photo_count"] = s.photos;
  out["views"] = views_json(s.views);
  return out;
}

Result<ProductQuery> product_query(const Request& request, Bank& bank) {
  IMAGEBANK_RETURN_IF_ERROR(
      check_query(request, {"collection", "brand", "sku", "has_photo",
                            "missing_view", "after", "limit"}));
  ProductQuery query;
  query.limit = kDefaultPageLimit;
  if (auto v = query_value(request, "collection")) {
    IMAGEBANK_ASSIGN_OR_RETURN(Collection c, bank.collection(*v));
    query.collection_id = c.id;
  }
  if (auto v = query_value(request, "brand")) {
    IMAGEBANK_ASSIGN_OR_RETURN(query.brand_id,
                               brand_id_by_name(bank.catalog(), *v));
  }
  if (auto v = query_value(request, "sku")) query.sku_prefix = *v;
  if (auto v = query_value(request, "has_photo")) {
    IMAGEBANK_ASSIGN_OR_RETURN(query.has_photo,
                               parse_query_bool(*v, "has_photo"));
  }
  if (auto v = query_value(request, "missing_view")) {
    const std::vector<std::string>& views = default_required_views();
    if (std::find(views.begin(), views.end(), *v) == views.end()) {
      std::string known;
      for (const std::string& view : views) {
        known += known.empty() ? "" : ", ";
        known += view;
      }
      return invalid_argument_error("bad missing_view '" + v->substr(0, 40) +
                                    "' (" + known + ")");
    }
    query.missing_view = *v;
  }
  if (auto v = query_value(request, "after")) {
    IMAGEBANK_ASSIGN_OR_RETURN(query.after_id, parse_row_id(*v, "cursor"));
  }
  if (auto v = query_value(request, "limit")) {
    IMAGEBANK_ASSIGN_OR_RETURN(query.limit, parse_page_limit(*v));
  }
  return query;
}

Result<Response> list(Request& request, Bank& bank, Auth& auth) {
  IMAGEBANK_RETURN_IF_ERROR(auth.require(request, ApiScope::kRead).status());
  IMAGEBANK_ASSIGN_OR_RETURN(ProductQuery query, product_query(request, bank));
  IMAGEBANK_ASSIGN_OR_RETURN(Page<ProductSummary> page,
                             bank.catalog().query_products(query));
  boost::json::array items;
  for (const ProductSummary& s : page.items) items.push_back(summary_json(s));
  return json_response(200, page_json(std::move(items), page.next_after));
}

// Every image linked to the product, by id (a product has a handful).
Result<std::vector<ImageRecord>> product_images(CatalogStore& catalog,
                                                RowId product_id) {
  std::vector<ImageRecord> out;
  ImageQuery query;
  query.product_id = product_id;
  query.limit = 1000;
  for (;;) {
    IMAGEBANK_ASSIGN_OR_RETURN(Page<ImageRecord> page,
                               catalog.list_images(query));
    for (ImageRecord& img : page.items) out.push_back(std::move(img));
    if (page.next_after == 0) return out;
    query.after_id = page.next_after;
  }
}

Result<Response> one(Request& request, Bank& bank, ImageService& images,
                     Auth& auth) {
  IMAGEBANK_RETURN_IF_ERROR(auth.require(request, ApiScope::kRead).status());
  IMAGEBANK_ASSIGN_OR_RETURN(RowId id, path_row_id(request, "product id"));
  IMAGEBANK_RETURN_IF_ERROR(check_query(request, {}));
  CatalogStore& catalog = bank.catalog();
  IMAGEBANK_ASSIGN_OR_RETURN(Product product, catalog.get_product(id));
  IMAGEBANK_ASSIGN_OR_RETURN(std::vector<ImageRecord> linked,
                             product_images(catalog, id));
  IMAGEBANK_ASSIGN_OR_RETURN(std::vector<SkuHistory> history,
                             catalog.sku_history(SkuSubject::kProduct, id));

  // By view name (byte order, as query_products counts them), images by id.
  std::map<std::string, boost::json::array> by_view;
  std::map<std::string, std::int64_t> counted;
  std::int64_t photo_count = 0;
  for (const ImageRecord& img : linked) {
    IMAGEBANK_ASSIGN_OR_RETURN(boost::json::object urls,
                               image_urls(img.id, images, auth));
    by_view[img.view].push_back({{"id", img.id},
                                 {"status", image_status_name(img.status)},
                                 {"original_name", img.original_name},
                                 {"sequence", img.sequence},
                                 {"width", img.width},
                                 {"height", img.height},
                                 {"urls", std::move(urls)}});
    if (img.status != ImageStatus::kRejected) {
      ++counted[img.view];
      ++photo_count;
    }
  }
  std::vector<ViewPhotos> views;
  for (const auto& [view, n] : counted) views.push_back(ViewPhotos{view, n});
  boost::json::array photos;
  for (auto& [view, list] : by_view) {
    photos.push_back({{"view", view}, {"images", std::move(list)}});
  }
  boost::json::array sku_history;
  for (const SkuHistory& h : history) {
    sku_history.push_back({{"old_sku", h.old_sku},
                           {"new_sku", h.new_sku},
                           {"actor", h.actor},
                           {"reason", h.reason},
                           {"at_ms", h.at_ms}});
  }
  boost::json::object body = product_json(product);
  body["photo_count"] = photo_count;
  body["views"] = views_json(views);
  body["photos"] = std::move(photos);
  body["sku_history"] = std::move(sku_history);
  return json_response(200, body);
}

}  // namespace

Status add_product_routes(Router& router, Bank& bank, ImageService& images,
                          Auth& auth) {
  IMAGEBANK_RETURN_IF_ERROR(
      router.add("GET", "/api/v1/products",
                 [&bank, &auth](Request& r) { return list(r, bank, auth); }));
  return router.add("GET", "/api/v1/products/{id}",
                    [&bank, &images, &auth](Request& r) {
                      return one(r, bank, images, auth);
                    });
}

}  // namespace imagebank::server
