// Images as rows: a filtered list in keyset pages, and the review's changes
// to one image (its workflow status, the product it shows).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cmath>

#include "api_routes.hpp"
#include "api_support.hpp"

namespace imagebank::server {
namespace {

Result<ImageQuery> image_query(const Request& request, Bank& bank) {
  IMAGEBANK_RETURN_IF_ERROR(check_query(
      request, {"status", "collection", "brand", "sku", "product", "batch",
                "unmatched", "near_duplicate", "after", "limit"}));
  ImageQuery query;
  query.limit = kDefaultPageLimit;
  if (auto v = query_value(request, "status")) {
    IMAGEBANK_ASSIGN_OR_RETURN(query.status, parse_image_status(*v));
  }
  if (auto v = query_value(request, "collection")) {
    IMAGEBANK_ASSIGN_OR_RETURN(Collection c, bank.collection(*v));
    query.collection_id = c.id;
  }
  if (auto v = query_value(request, "sku")) query.sku_base = *v;
  if (auto v = query_value(request, "product")) {
    IMAGEBANK_ASSIGN_OR_RETURN(query.product_id, parse_row_id(*v, "product"));
  }
  if (auto v = query_value(request, "batch")) {
    IMAGEBANK_ASSIGN_OR_RETURN(query.batch_id, parse_row_id(*v, "batch"));
  }
  if (auto v = query_value(request, "brand")) {
    IMAGEBANK_ASSIGN_OR_RETURN(query.brand_id,
                               brand_id_by_name(bank.catalog(), *v));
  }
  if (auto v = query_value(request, "near_duplicate")) {
    IMAGEBANK_ASSIGN_OR_RETURN(query.near_duplicate,
                               parse_query_bool(*v, "near_duplicate"));
  }
  if (auto v = query_value(request, "unmatched")) {
    IMAGEBANK_ASSIGN_OR_RETURN(bool unmatched,
                               parse_query_bool(*v, "unmatched"));
    query.linked = !unmatched;
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
  IMAGEBANK_ASSIGN_OR_RETURN(ImageQuery query, image_query(request, bank));
  IMAGEBANK_ASSIGN_OR_RETURN(Page<ImageRecord> page,
                             bank.catalog().list_images(query));
  boost::json::array items;
  for (const ImageRecord& img : page.items) items.push_back(image_json(img));
  return json_response(200, page_json(std::move(items), page.next_after));
}

// What a PATCH asks for, checked whole before anything is written.
struct ImageChange {
  std::optional<ImageStatus> status;
  bool link = false;
  std::optional<RowId> product_id;  // with link: nullopt unlinks
};

Result<ImageChange> image_change(const boost::json::object& body) {
  ImageChange change;
  for (const auto& field : body) {
    const std::string_view key(field.key().data(), field.key().size());
    const boost::json::value& v = field.value();
    if (key == "status") {
      if (!v.is_string()) {
        return invalid_argument_error("\"status\" must be a string");
      }
      const auto& s = v.get_string();
      IMAGEBANK_ASSIGN_OR_RETURN(
          change.status,
          parse_image_status(std::string_view(s.data(), s.size())));
    } else if (key == "product_id") {
      change.link = true;
      if (v.is_null()) continue;
      std::int64_t id = 0;
      if (v.is_int64()) {
        id = v.get_int64();
      } else if (v.is_double() &&
                 std::trunc(v.get_double()) == v.get_double() &&
                 std::abs(v.get_double()) <= 9007199254740991.0) {
        // JSON has one number type: 12.0 is the integer 12 (JSON Schema
        // says so too); 12.5 is not an id.
        id = static_cast<std::int64_t>(v.get_double());
      } else if (!v.is_uint64()) {
        return invalid_argument_error(
            "\"product_id\" must be a positive integer or null");
      }
      if (id <= 0) {
        return invalid_argument_error("\"product_id\" must be positive");
      }
      change.product_id = id;
    } else {
      return invalid_argument_error(
          "unknown field '" + std::string(key.substr(0, 40)) +
          "' (an image takes \"status\" and \"product_id\")");
    }
  }
  if (!change.status && !change.link) {
    return invalid_argument_error(
        "nothing to change: give \"status\" and/or \"product_id\"");
  }
  return change;
}

Result<Response> patch(Request& request, Bank& bank, Auth& auth) {
  IMAGEBANK_ASSIGN_OR_RETURN(ApiKeyRecord key,
                             auth.require(request, ApiScope::kReview));
  IMAGEBANK_ASSIGN_OR_RETURN(RowId id, path_row_id(request, "image id"));
  IMAGEBANK_RETURN_IF_ERROR(check_query(request, {}));
  IMAGEBANK_ASSIGN_OR_RETURN(boost::json::object body,
                             json_object_body(request));
  IMAGEBANK_ASSIGN_OR_RETURN(ImageChange change, image_change(body));
  CatalogStore& catalog = bank.catalog();
  IMAGEBANK_ASSIGN_OR_RETURN(ImageRecord image, catalog.get_image(id));
  // Refuse what would fail before writing anything, so a request that
  // asks for both changes does not end half done.
  if (change.status && *change.status != image.status &&
      !is_allowed_transition(image.status, *change.status)) {
    return conflict_error("image " + std::to_string(id) + " is " +
                          std::string(image_status_name(image.status)) +
                          " and cannot become " +
                          std::string(image_status_name(*change.status)));
  }
  if (change.product_id) {
    if (auto product = catalog.get_product(*change.product_id); !product.ok()) {
      if (product.status().code() != ErrorCode::kNotFound) {
        return product.status();
      }
      // A well-formed request naming a product that does not exist.
      return not_found_error("no product " +
                             std::to_string(*change.product_id));
    }
  }
  if (change.link) {
    IMAGEBANK_ASSIGN_OR_RETURN(
        image, catalog.link_image(id, change.product_id, key.name, "api"));
  }
  if (change.status && *change.status != image.status) {
    // Still `conflict` when another request moved it in the meantime.
    IMAGEBANK_ASSIGN_OR_RETURN(image,
                               catalog.set_image_status(id, *change.status));
  }
  return json_response(200, image_json(image));
}

}  // namespace

Status add_image_list_routes(Router& router, Bank& bank, Auth& auth) {
  IMAGEBANK_RETURN_IF_ERROR(
      router.add("GET", "/api/v1/images",
                 [&bank, &auth](Request& r) { return list(r, bank, auth); }));
  return router.add(
      "PATCH", "/api/v1/images/{id}",
      [&bank, &auth](Request& r) { return patch(r, bank, auth); }, json_body());
}

}  // namespace imagebank::server
