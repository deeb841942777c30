// Cross-SKU conflicts for review: the list (open ones, or all) in keyset
// pages, and a reviewer's resolution of one (relink, discard or dismiss,
// with the key's name as the reviewer).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cmath>

#include "api_routes.hpp"
#include "api_support.hpp"

namespace imagebank::server {
namespace {

boost::json::value id_or_null(const std::optional<RowId>& id) {
  if (!id) return nullptr;
  return *id;
}

boost::json::object conflict_json(const SkuConflict& c) {
  return {{"id", c.id},
          {"kind", conflict_kind_name(c.kind)},
          {"state", conflict_state_name(c.state)},
          {"image_id", id_or_null(c.image_id)},
          {"image_name", c.image_name},
          {"image_sku", c.image_sku},
          {"other_image_id", id_or_null(c.other_image_id)},
          {"other_name", c.other_name},
          {"other_sku", c.other_sku},
          {"batch_id", id_or_null(c.batch_id)},
          {"collection_id", id_or_null(c.collection_id)},
          {"distance", c.distance},
          {"resolved_by", c.resolved_by},
          {"resolved_sku", c.resolved_sku},
          {"resolved_ms", c.resolved_ms},
          {"created_ms", c.created_ms}};
}

Result<Response> list(Request& request, Bank& bank, Auth& auth) {
  IMAGEBANK_RETURN_IF_ERROR(auth.require(request, ApiScope::kRead).status());
  IMAGEBANK_RETURN_IF_ERROR(
      check_query(request, {"state", "collection", "batch", "after", "limit"}));
  ConflictListOptions o;
  o.limit = kDefaultPageLimit;
  if (auto v = query_value(request, "state")) {
    if (*v != "open" && *v != "all") {
      return invalid_argument_error("state must be open or all, not '" +
                                    v->substr(0, 40) + "'");
    }
    o.open_only = *v == "open";
  }
  if (auto v = query_value(request, "collection")) o.collection = *v;
  if (auto v = query_value(request, "batch")) {
    IMAGEBANK_ASSIGN_OR_RETURN(o.batch_id, parse_row_id(*v, "batch"));
  }
  if (auto v = query_value(request, "after")) {
    IMAGEBANK_ASSIGN_OR_RETURN(o.after_id, parse_row_id(*v, "cursor"));
  }
  if (auto v = query_value(request, "limit")) {
    IMAGEBANK_ASSIGN_OR_RETURN(o.limit, parse_page_limit(*v));
  }
  IMAGEBANK_ASSIGN_OR_RETURN(Page<SkuConflict> page, bank.conflicts(o));
  boost::json::array items;
  for (const SkuConflict& c : page.items) items.push_back(conflict_json(c));
  return json_response(200, page_json(std::move(items), page.next_after));
}

Result<std::string> string_field(const boost::json::value& v,
                                 std::string_view name) {
  if (!v.is_string()) {
    return invalid_argument_error("\"" + std::string(name) +
                                  "\" must be a string");
  }
  return std::string(v.get_string().data(), v.get_string().size());
}

Result<ConflictResolution> resolution(const boost::json::object& body) {
  ConflictResolution r;
  std::optional<std::string> action;
  for (const auto& field : body) {
    const std::string_view key(field.key().data(), field.key().size());
    const boost::json::value& v = field.value();
    if (key == "action") {
      IMAGEBANK_ASSIGN_OR_RETURN(action, string_field(v, "action"));
    } else if (key == "sku") {
      IMAGEBANK_ASSIGN_OR_RETURN(r.sku, string_field(v, "sku"));
    } else if (key == "image_id") {
      if (v.is_null()) continue;
      std::int64_t id = 0;
      if (v.is_int64()) {
        id = v.get_int64();
      } else if (v.is_double() &&
                 std::trunc(v.get_double()) == v.get_double() &&
                 std::abs(v.get_double()) <= 9007199254740991.0) {
        id = static_cast<std::int64_t>(v.get_double());
      } else if (!v.is_uint64()) {
        return invalid_argument_error(
            "\"image_id\" must be a positive integer or null");
      }
      if (id <= 0) {
        return invalid_argument_error("\"image_id\" must be positive");
      }
      r.discard_image_id = id;
    } else {
      return invalid_argument_error(
          "unknown field '" + std::string(key.substr(0, 40)) +
          "' (a resolution takes \"action\", \"sku\" and \"image_id\")");
    }
  }
  if (!action) {
    return invalid_argument_error(
        "\"action\" is required: relink, discard or dismiss");
  }
  if (*action == "relink") {
    r.action = ConflictState::kRelinked;
  } else if (*action == "discard") {
    r.action = ConflictState::kDiscarded;
  } else if (*action == "dismiss") {
    r.action = ConflictState::kDismissed;
  } else {
    return invalid_argument_error(
        "\"action\" must be relink, discard or "
        "dismiss, not '" +
        action->substr(0, 40) + "'");
  }
  if (r.action == ConflictState::kRelinked && r.sku.empty()) {
    return invalid_argument_error(
        "relink needs \"sku\": the SKU the photo "
        "belongs to");
  }
  if (r.action != ConflictState::kRelinked && !r.sku.empty()) {
    return invalid_argument_error("\"sku\" is for relink only");
  }
  if (r.action != ConflictState::kDiscarded && r.discard_image_id) {
    return invalid_argument_error("\"image_id\" is for discard only");
  }
  return r;
}

Result<Response> resolve(Request& request, Bank& bank, Auth& auth) {
  IMAGEBANK_ASSIGN_OR_RETURN(ApiKeyRecord key,
                             auth.require(request, ApiScope::kReview));
  IMAGEBANK_ASSIGN_OR_RETURN(RowId id, path_row_id(request, "conflict id"));
  IMAGEBANK_RETURN_IF_ERROR(check_query(request, {}));
  IMAGEBANK_ASSIGN_OR_RETURN(boost::json::object body,
                             json_object_body(request));
  IMAGEBANK_ASSIGN_OR_RETURN(ConflictResolution r, resolution(body));
  r.actor = key.name;
  IMAGEBANK_ASSIGN_OR_RETURN(ConflictResolved done,
                             bank.resolve_conflict(id, r));
  boost::json::object out = conflict_json(done.conflict);
  out["discarded_image_id"] =
      done.discarded ? boost::json::value(done.discarded->id) : nullptr;
  return json_response(200, out);
}

}  // namespace

Status add_conflict_routes(Router& router, Bank& bank, Auth& auth) {
  IMAGEBANK_RETURN_IF_ERROR(
      router.add("GET", "/api/v1/conflicts",
                 [&bank, &auth](Request& r) { return list(r, bank, auth); }));
  return router.add(
      "POST", "/api/v1/conflicts/{id}/resolve",
      [&bank, &auth](Request& r) { return resolve(r, bank, auth); },
      json_body());
}

}  // namespace imagebank::server
