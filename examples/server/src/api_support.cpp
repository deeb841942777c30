#include "api_support.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <system_error>

namespace imagebank::server {
namespace {

// Client text quoted in an error: short, so an error never echoes a body.
std::string clip(std::string_view text) {
  constexpr std::size_t kMax = 40;
  if (text.size() <= kMax) return std::string(text);
  return std::string(text.substr(0, kMax)) + "...";
}

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

}  // namespace

Result<RowId> parse_row_id(std::string_view text, std::string_view what) {
  RowId id = 0;
  const char* end = text.data() + text.size();
  // from_chars takes a leading '-' but no '+' or space; digits only here.
  const bool digits =
      !text.empty() && std::all_of(text.begin(), text.end(),
                                   [](char c) { return c >= '0' && c <= '9'; });
  if (digits) {
    const auto [stop, ec] = std::from_chars(text.data(), end, id);
    if (ec == std::errc() && stop == end && id > 0) return id;
  }
  return invalid_argument_error("bad " + std::string(what) + " '" + clip(text) +
                                "' (a positive integer)");
}

Result<RowId> path_row_id(const Request& request, std::string_view what) {
  const auto id = request.path_params.find("id");
  return parse_row_id(id ? *id : std::string_view(), what);
}

Status check_query(const Request& request,
                   std::initializer_list<std::string_view> allowed) {
  const auto& entries = request.query.entries();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::string& name = entries[i].first;
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      std::string known;
      for (std::string_view a : allowed) {
        known += known.empty() ? "" : ", ";
        known += a;
      }
      return invalid_argument_error("unknown query parameter '" + clip(name) +
                                    "' (known: " + known + ")");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (entries[j].first == name) {
        return invalid_argument_error("query parameter '" + name +
                                      "' given twice");
      }
    }
  }
  return Status();
}

std::optional<std::string> query_value(const Request& request,
                                       std::string_view name) {
  const auto value = request.query.find(name);
  if (!value || value->empty()) return std::nullopt;
  return std::string(*value);
}

Result<bool> parse_query_bool(std::string_view text, std::string_view what) {
  if (text == "true" || text == "1") return true;
  if (text == "false" || text == "0") return false;
  return invalid_argument_error("bad " + std::string(what) + " '" + clip(text) +
                                "' (true or false)");
}

Result<std::size_t> parse_page_limit(std::string_view text) {
  std::size_t limit = 0;
  const char* end = text.data() + text.size();
  const auto [stop, ec] = std::from_chars(text.data(), end, limit);
  if (ec != std::errc() || stop != end || limit < 1 || limit > kMaxPageLimit) {
    return invalid_argument_error("bad limit '" + clip(text) + "' (1.." +
                                  std::to_string(kMaxPageLimit) + ")");
  }
  return limit;
}

boost::json::object page_json(boost::json::array items, RowId next_after) {
  boost::json::object body{{"items", std::move(items)}};
  if (next_after > 0) {
    body["next"] = std::to_string(next_after);
  } else {
    body["next"] = nullptr;
  }
  return body;
}

Result<boost::json::object> json_object_body(const Request& request) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(request.text_body(), ec);
  if (ec) {
    return invalid_argument_error("the body is not JSON: " + ec.message());
  }
  if (!value.is_object()) {
    return invalid_argument_error("the body must be a JSON object");
  }
  return std::move(value.as_object());
}

Result<RowId> brand_id_by_name(CatalogStore& catalog, std::string_view name) {
  IMAGEBANK_ASSIGN_OR_RETURN(std::vector<Brand> brands, catalog.brands());
  for (const Brand& b : brands) {
    if (b.name == name) return b.id;
  }
  return not_found_error("no brand named '" + std::string(name.substr(0, 100)) +
                         "'");
}

boost::json::object analysis_json(const AiAnalysis& a) {
  boost::json::array tags;
  for (const std::string& t : a.tags) tags.push_back(boost::json::value(t));
  boost::json::array colors;
  for (const VisionColor& c : a.colors) {
    colors.push_back({{"name", c.name}, {"hex", c.hex}, {"share", c.share}});
  }
  boost::json::object o{{"id", a.id},
                        {"description", a.description},
                        {"tags", std::move(tags)},
                        {"color", a.color},
                        {"colors", std::move(colors)},
                        {"material", a.material},
                        {"garment_type", a.garment_type},
                        {"style", a.style},
                        {"confidence", a.confidence},
                        {"provider", a.provider},
                        {"model", a.model},
                        {"schema_version", a.schema_version},
                        {"input_tokens", a.input_tokens},
                        {"output_tokens", a.output_tokens},
                        {"blurhash", a.blurhash},
                        {"created_ms", a.created_ms}};
  o["item_position"] = a.item_position ? boost::json::value(*a.item_position)
                                       : boost::json::value();
  if (a.quality) {
    const PhotoQuality& q = *a.quality;
    o["quality"] = {{"background_hex", q.background_hex},
                    {"white_border_share", q.white_border_share},
                    {"border_uniformity", q.border_uniformity},
                    {"white_background", q.white_background},
                    {"foreground_share", q.foreground_share},
                    {"sharpness", q.sharpness},
                    {"clipped_highlights", q.clipped_highlights},
                    {"clipped_shadows", q.clipped_shadows}};
  } else {
    o["quality"] = nullptr;
  }
  if (a.error.ok()) {
    o["error"] = nullptr;
  } else {
    o["error"] = {{"code", code_name(a.error.code())},
                  {"message", a.error.message()}};
  }
  return o;
}

boost::json::object image_json(const ImageRecord& img) {
  auto id_or_null = [](const std::optional<RowId>& id) -> boost::json::value {
    if (id) return *id;
    return nullptr;
  };
  return {{"id", img.id},
          {"sha256", img.sha256},
          {"format", img.format},
          {"width", img.width},
          {"height", img.height},
          {"bytes", img.bytes},
          {"original_name", img.original_name},
          {"sku_base", img.sku_base},
          {"sequence", img.sequence},
          {"view", img.view},
          {"status", image_status_name(img.status)},
          {"product_id", id_or_null(img.product_id)},
          {"collection_id", id_or_null(img.collection_id)},
          {"batch_id", id_or_null(img.batch_id)},
          {"created_ms", img.created_ms},
          {"updated_ms", img.updated_ms}};
}

Response json_response(int status, const boost::json::value& body) {
  return Response::json(status, boost::json::serialize(body));
}

std::string csv_record(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line += ',';
    std::string_view value = fields[i];
    std::string guarded;
    if (!value.empty() &&
        (value[0] == '=' || value[0] == '+' || value[0] == '-' ||
         value[0] == '@' || value[0] == '\t' || value[0] == '\r')) {
      guarded = "'";
      guarded += value;
      value = guarded;
    }
    if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
      line += value;
      continue;
    }
    line += '"';
    for (char c : value) {
      if (c == '"') line += '"';
      line += c;
    }
    line += '"';
  }
  line += "\r\n";
  return line;
}

Response csv_response(std::string_view records, std::string_view filename) {
  std::string body;
  body.reserve(kUtf8Bom.size() + records.size());
  body += kUtf8Bom;
  body += records;
  Response r = Response::text(200, std::move(body), "text/csv; charset=utf-8");
  std::string disposition = "attachment; filename=\"";
  disposition += filename;
  disposition += '"';
  r.headers.set("Content-Disposition", std::move(disposition));
  return r;
}

}  // namespace imagebank::server
