#include "web_api_routes.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api_support.hpp"
#include "image_routes.hpp"
#include "imagebank/sku/filename.hpp"

namespace imagebank::server {
namespace {

boost::json::object key_json(const ApiKeyRecord& k) {
  boost::json::array scopes;
  for (ApiScope s : k.scopes) scopes.emplace_back(api_scope_name(s));
  boost::json::value revoked = nullptr;
  if (k.revoked_ms) revoked = *k.revoked_ms;
  return {{"id", k.id},
          {"name", k.name},
          {"prefix", k.prefix},
          {"scopes", std::move(scopes)},
          {"created_ms", k.created_ms},
          {"revoked_ms", std::move(revoked)}};
}

Result<Response> me(Request& request, Auth& auth) {
  IMAGEBANK_ASSIGN_OR_RETURN(ApiKeyRecord key,
                             auth.require(request, ApiScope::kRead));
  IMAGEBANK_RETURN_IF_ERROR(check_query(request, {}));
  return json_response(200, key_json(key));
}

Result<Response> list_keys(Request& request, Bank& bank, Auth& auth) {
  IMAGEBANK_RETURN_IF_ERROR(auth.require(request, ApiScope::kAdmin).status());
  IMAGEBANK_RETURN_IF_ERROR(check_query(request, {}));
  IMAGEBANK_ASSIGN_OR_RETURN(std::vector<ApiKeyRecord> keys,
                             bank.api_keys().list());
  boost::json::array items;
  for (const ApiKeyRecord& k : keys) items.push_back(key_json(k));
  return json_response(200, boost::json::object{{"items", std::move(items)}});
}

Result<Response> create_key(Request& request, Bank& bank, Auth& auth) {
  IMAGEBANK_RETURN_IF_ERROR(auth.require(request, ApiScope::kAdmin).status());
  IMAGEBANK_RETURN_IF_ERROR(check_query(request, {}));
  IMAGEBANK_ASSIGN_OR_RETURN(boost::json::object body,
                             json_object_body(request));
  std::string name;
  std::string scope_list;
  bool have_scopes = false;
  for (const auto& field : body) {
    const std::string_view key(field.key().data(), field.key().size());
    const boost::json::value& v = field.value();
    if (key == "name") {
      if (!v.is_string()) {
        return invalid_argument_error("\"name\" must be a string");
      }
      name = std::string(v.get_string().data(), v.get_string().size());
    } else if (key == "scopes") {
      if (!v.is_array() || v.get_array().empty()) {
        return invalid_argument_error(
            "\"scopes\" must be a non-empty array of read, upload, review, "
            "admin");
      }
      for (const boost::json::value& s : v.get_array()) {
        if (!s.is_string()) {
          return invalid_argument_error("\"scopes\" holds a non-string");
        }
        if (!scope_list.empty()) scope_list += ',';
        scope_list +=
            std::string_view(s.get_string().data(), s.get_string().size());
      }
      have_scopes = true;
    } else {
      return invalid_argument_error("unknown field '" +
                                    std::string(key.substr(0, 40)) +
                                    "' (a key takes \"name\" and \"scopes\")");
    }
  }
  if (name.empty()) return invalid_argument_error("\"name\" is required");
  if (!have_scopes) return invalid_argument_error("\"scopes\" is required");
  IMAGEBANK_ASSIGN_OR_RETURN(std::vector<ApiScope> scopes,
                             parse_api_scopes(scope_list));
  IMAGEBANK_ASSIGN_OR_RETURN(NewApiKey made,
                             bank.api_keys().create(name, scopes));
  Response r = json_response(
      201, boost::json::object{{"key", made.key},
                               {"record", key_json(made.record)}});
  r.headers.set("Location", "/api/v1/keys/" + made.record.prefix);
  r.headers.set("Cache-Control", "no-store");
  return r;
}

Result<Response> revoke_key(Request& request, Bank& bank, Auth& auth) {
  IMAGEBANK_ASSIGN_OR_RETURN(ApiKeyRecord caller,
                             auth.require(request, ApiScope::kAdmin));
  IMAGEBANK_RETURN_IF_ERROR(check_query(request, {}));
  const std::string prefix(*request.path_params.find("prefix"));
  if (prefix == caller.prefix) {
    return conflict_error("a key cannot revoke itself (" + prefix + ")");
  }
  IMAGEBANK_ASSIGN_OR_RETURN(ApiKeyRecord revoked,
                             bank.api_keys().revoke(prefix.substr(0, 64)));
  return json_response(200, key_json(revoked));
}

// ?ids=1,2,3: distinct positive ids, 1..kMaxIdsPerRequest of them, in the
// order given.
Result<std::vector<RowId>> id_list(const Request& request) {
  IMAGEBANK_RETURN_IF_ERROR(check_query(request, {"ids"}));
  const auto text = query_value(request, "ids");
  if (!text) return invalid_argument_error("\"ids\" is required: ids=1,2,3");
  std::vector<RowId> ids;
  std::set<RowId> seen;
  std::string_view rest(*text);
  while (true) {
    const auto comma = rest.find(',');
    IMAGEBANK_ASSIGN_OR_RETURN(RowId id,
                               parse_row_id(rest.substr(0, comma), "ids"));
    if (seen.insert(id).second) ids.push_back(id);
    if (ids.size() > kMaxIdsPerRequest) {
      return invalid_argument_error("at most " +
                                    std::to_string(kMaxIdsPerRequest) +
                                    " ids in one request");
    }
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  return ids;
}

// The newest BlurHash the analyzers stored for the image, or null.
Result<boost::json::value> blurhash_of(CatalogStore& catalog, RowId image_id) {
  IMAGEBANK_ASSIGN_OR_RETURN(std::vector<AiAnalysis> analyses,
                             catalog.ai_analyses(image_id));
  for (auto it = analyses.rbegin(); it != analyses.rend(); ++it) {
    if (it->error.ok() && !it->blurhash.empty()) {
      return boost::json::value(it->blurhash);
    }
  }
  return boost::json::value(nullptr);
}

Result<boost::json::object> image_card(CatalogStore& catalog,
                                       const ImageRecord& img,
                                       ImageService& images, Auth& auth) {
  IMAGEBANK_ASSIGN_OR_RETURN(boost::json::object urls,
                             image_urls(img.id, images, auth));
  IMAGEBANK_ASSIGN_OR_RETURN(boost::json::value hash,
                             blurhash_of(catalog, img.id));
  return boost::json::object{{"id", img.id},
                             {"view", img.view},
                             {"status", image_status_name(img.status)},
                             {"width", img.width},
                             {"height", img.height},
                             {"blurhash", std::move(hash)},
                             {"urls", std::move(urls)}};
}

Result<Response> image_url_list(Request& request, Bank& bank,
                                ImageService& images, Auth& auth) {
  IMAGEBANK_RETURN_IF_ERROR(auth.require(request, ApiScope::kRead).status());
  IMAGEBANK_ASSIGN_OR_RETURN(std::vector<RowId> ids, id_list(request));
  CatalogStore& catalog = bank.catalog();
  boost::json::array items;
  for (RowId id : ids) {
    IMAGEBANK_ASSIGN_OR_RETURN(ImageRecord img, catalog.get_image(id));
    IMAGEBANK_ASSIGN_OR_RETURN(boost::json::object card,
                               image_card(catalog, img, images, auth));
    items.push_back(std::move(card));
  }
  return json_response(200, boost::json::object{{"items", std::move(items)}});
}

// Rank of a view as a cover: the front first, then the others by name.
int view_rank(const std::string& view) {
  if (view == "front") return 0;
  if (view.empty()) return 2;
  return 1;
}

Result<Response> covers(Request& request, Bank& bank, ImageService& images,
                        Auth& auth) {
  IMAGEBANK_RETURN_IF_ERROR(auth.require(request, ApiScope::kRead).status());
  IMAGEBANK_ASSIGN_OR_RETURN(std::vector<RowId> ids, id_list(request));
  CatalogStore& catalog = bank.catalog();
  boost::json::array items;
  for (RowId id : ids) {
    IMAGEBANK_RETURN_IF_ERROR(catalog.get_product(id).status());
    ImageQuery query;
    query.product_id = id;
    query.limit = 50;  // a product has a handful; the cover is among them
    IMAGEBANK_ASSIGN_OR_RETURN(Page<ImageRecord> page,
                               catalog.list_images(query));
    const ImageRecord* best = nullptr;
    for (const ImageRecord& img : page.items) {
      if (img.status == ImageStatus::kRejected) continue;
      if (best == nullptr || view_rank(img.view) < view_rank(best->view)) {
        best = &img;
      }
    }
    boost::json::value cover = nullptr;
    if (best != nullptr) {
      IMAGEBANK_ASSIGN_OR_RETURN(boost::json::object card,
                                 image_card(catalog, *best, images, auth));
      cover = std::move(card);
    }
    items.push_back(
        boost::json::object{{"product_id", id}, {"image", std::move(cover)}});
  }
  return json_response(200, boost::json::object{{"items", std::move(items)}});
}

// What the upload page shows before sending: each name's SKU as the
// ingest will read it (the default grammar), and with a collection the
// products of that SKU.
Result<Response> sku_parse(Request& request, Bank& bank, Auth& auth) {
  IMAGEBANK_RETURN_IF_ERROR(auth.require(request, ApiScope::kRead).status());
  IMAGEBANK_RETURN_IF_ERROR(check_query(request, {}));
  IMAGEBANK_ASSIGN_OR_RETURN(boost::json::object body,
                             json_object_body(request));
  std::string_view collection_name;
  std::string_view brand_name;
  const boost::json::array* names = nullptr;
  for (const auto& field : body) {
    const std::string_view key(field.key().data(), field.key().size());
    const boost::json::value& v = field.value();
    if (key == "names" && v.is_array()) {
      names = &v.get_array();
    } else if ((key == "collection" || key == "brand") &&
               (v.is_string() || v.is_null())) {
      const std::string_view text =
          v.is_string()
              ? std::string_view(v.get_string().data(), v.get_string().size())
              : std::string_view();
      (key == "brand" ? brand_name : collection_name) = text;
    } else {
      return invalid_argument_error(
          "bad field '" + std::string(key.substr(0, 40)) +
          "' (\"names\": an array of file names, \"collection\" and "
          "\"brand\": names)");
    }
  }
  if (names == nullptr) {
    return invalid_argument_error("\"names\" is required");
  }
  // The collection: by name, or by name within the brand (a name two
  // brands share is a conflict without one).
  std::optional<RowId> collection;
  if (!collection_name.empty() && brand_name.empty()) {
    IMAGEBANK_ASSIGN_OR_RETURN(Collection c, bank.collection(collection_name));
    collection = c.id;
  } else if (!collection_name.empty()) {
    IMAGEBANK_ASSIGN_OR_RETURN(RowId brand,
                               brand_id_by_name(bank.catalog(), brand_name));
    IMAGEBANK_ASSIGN_OR_RETURN(std::vector<Collection> all, bank.collections());
    for (const Collection& c : all) {
      if (c.brand_id == brand && c.name == collection_name) collection = c.id;
    }
    if (!collection) {
      return not_found_error(
          "no collection '" + std::string(collection_name.substr(0, 100)) +
          "' of brand '" + std::string(brand_name.substr(0, 100)) + "'");
    }
  }
  if (names->size() > kMaxNamesPerParse) {
    return invalid_argument_error("at most " +
                                  std::to_string(kMaxNamesPerParse) +
                                  " names in one request");
  }
  const SkuParser parser;
  std::map<std::string, boost::json::array> products_of;  // by sku_base
  boost::json::array items;
  for (const boost::json::value& v : *names) {
    if (!v.is_string()) {
      return invalid_argument_error("\"names\" holds a non-string");
    }
    const std::string_view name(v.get_string().data(), v.get_string().size());
    if (name.size() > kMaxParseNameBytes) {
      return invalid_argument_error("a name in \"names\" is longer than " +
                                    std::to_string(kMaxParseNameBytes) +
                                    " bytes");
    }
    boost::json::object item{{"name", name}};
    auto parsed = parser.parse(name);
    if (!parsed.ok()) {
      item["error"] = parsed.status().message();
      items.push_back(std::move(item));
      continue;
    }
    item["sku_base"] = parsed->sku_base;
    item["sequence"] = parsed->sequence;
    item["view"] = parsed->view;
    item["confidence"] = parsed->confidence;
    item["reason"] = sku_reason_name(parsed->reason);
    item["from_folder"] = parsed->from_folder;
    if (collection && !parsed->sku_base.empty()) {
      auto found = products_of.find(parsed->sku_base);
      if (found == products_of.end()) {
        IMAGEBANK_ASSIGN_OR_RETURN(
            std::vector<Product> products,
            bank.catalog().products_by_sku_base(*collection, parsed->sku_base));
        boost::json::array ids;
        for (const Product& p : products) {
          ids.push_back({{"id", p.id}, {"sku", p.sku}});
        }
        found = products_of.emplace(parsed->sku_base, std::move(ids)).first;
      }
      item["products"] = found->second;
    } else {
      item["products"] = boost::json::array();
    }
    items.push_back(std::move(item));
  }
  return json_response(200, boost::json::object{{"items", std::move(items)}});
}

}  // namespace

Status add_web_api_routes(Router& router, Bank& bank, ImageService& images,
                          Auth& auth) {
  IMAGEBANK_RETURN_IF_ERROR(router.add(
      "GET", "/api/v1/me", [&auth](Request& r) { return me(r, auth); }));
  IMAGEBANK_RETURN_IF_ERROR(router.add(
      "GET", "/api/v1/keys",
      [&bank, &auth](Request& r) { return list_keys(r, bank, auth); }));
  IMAGEBANK_RETURN_IF_ERROR(router.add(
      "POST", "/api/v1/keys",
      [&bank, &auth](Request& r) { return create_key(r, bank, auth); },
      json_body()));
  IMAGEBANK_RETURN_IF_ERROR(router.add(
      "DELETE", "/api/v1/keys/{prefix}",
      [&bank, &auth](Request& r) { return revoke_key(r, bank, auth); }));
  IMAGEBANK_RETURN_IF_ERROR(router.add(
      "GET", "/api/v1/image-urls", [&bank, &images, &auth](Request& r) {
        return image_url_list(r, bank, images, auth);
      }));
  IMAGEBANK_RETURN_IF_ERROR(router.add(
      "POST", "/api/v1/sku-parse",
      [&bank, &auth](Request& r) { return sku_parse(r, bank, auth); },
      json_body()));
  return router.add("GET", "/api/v1/product-covers",
                    [&bank, &images, &auth](Request& r) {
                      return covers(r, bank, images, auth);
                    });
}

}  // namespace imagebank::server
