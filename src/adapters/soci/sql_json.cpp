#include "adapters/soci/sql_json.hpp"

#include <boost/json.hpp>

namespace imagebank::sql {
namespace json = boost::json;
namespace {

Result<json::value> parse(std::string_view text, std::string_view what) {
  boost::system::error_code ec;
  json::value value =
      json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec) {
    return corrupt_data_error(std::string("stored ") + std::string(what) +
                              " is not valid JSON: " + ec.message());
  }
  return value;
}

}  // namespace

std::string to_json(const std::map<std::string, std::string>& values) {
  json::object object;
  for (const auto& [key, value] : values) object[key] = value;
  return json::serialize(object);
}

std::string to_json(const std::vector<std::string>& values) {
  json::array array;
  for (const auto& value : values) array.emplace_back(value);
  return json::serialize(array);
}

std::string to_json(const std::array<double, 4>& values) {
  json::array array;
  for (double value : values) array.emplace_back(value);
  return json::serialize(array);
}

Result<std::map<std::string, std::string>> map_from_json(
    std::string_view text) {
  if (text.empty()) return std::map<std::string, std::string>{};
  IMAGEBANK_ASSIGN_OR_RETURN(json::value value, parse(text, "attributes"));
  if (!value.is_object())
    return corrupt_data_error("stored attributes are not a JSON object");
  std::map<std::string, std::string> out;
  for (const auto& [key, item] : value.as_object()) {
    if (!item.is_string()) {
      return corrupt_data_error("stored attribute '" + std::string(key) +
                                "' is not a string");
    }
    out.emplace(std::string(key), std::string(item.as_string()));
  }
  return out;
}

Result<std::vector<std::string>> list_from_json(std::string_view text) {
  if (text.empty()) return std::vector<std::string>{};
  IMAGEBANK_ASSIGN_OR_RETURN(json::value value, parse(text, "list"));
  if (!value.is_array())
    return corrupt_data_error("stored list is not a JSON array");
  std::vector<std::string> out;
  for (const auto& item : value.as_array()) {
    if (!item.is_string())
      return corrupt_data_error("stored list has a non-string item");
    out.emplace_back(item.as_string());
  }
  return out;
}

Result<std::array<double, 4>> box_from_json(std::string_view text) {
  IMAGEBANK_ASSIGN_OR_RETURN(json::value value, parse(text, "box"));
  if (!value.is_array() || value.as_array().size() != 4) {
    return corrupt_data_error("stored box is not an array of 4 numbers");
  }
  std::array<double, 4> out{};
  for (std::size_t i = 0; i < 4; ++i) {
    const auto& item = value.as_array()[i];
    if (!item.is_number())
      return corrupt_data_error("stored box has a non-number");
    out[i] = item.to_number<double>();
  }
  return out;
}

std::string to_json(const std::vector<VisionColor>& colors) {
  json::array array;
  for (const VisionColor& c : colors) {
    array.emplace_back(
        json::object{{"name", c.name}, {"hex", c.hex}, {"share", c.share}});
  }
  return json::serialize(array);
}

Result<std::vector<VisionColor>> colors_from_json(std::string_view text) {
  if (text.empty()) return std::vector<VisionColor>{};
  IMAGEBANK_ASSIGN_OR_RETURN(json::value value, parse(text, "colors"));
  if (!value.is_array()) {
    return corrupt_data_error("stored colors are not a JSON array");
  }
  std::vector<VisionColor> out;
  for (const auto& item : value.as_array()) {
    const json::object* o = item.if_object();
    const json::value* name = o ? o->if_contains("name") : nullptr;
    const json::value* hex = o ? o->if_contains("hex") : nullptr;
    const json::value* share = o ? o->if_contains("share") : nullptr;
    if (!name || !name->is_string() || !hex || !hex->is_string() || !share ||
        !share->is_number()) {
      return corrupt_data_error("stored colors hold a malformed colour");
    }
    out.push_back(VisionColor{std::string(name->as_string()),
                              std::string(hex->as_string()),
                              share->to_number<double>()});
  }
  return out;
}

std::string to_json(const std::optional<PhotoQuality>& quality) {
  if (!quality) return "";
  const PhotoQuality& q = *quality;
  return json::serialize(json::object{
      {"background_hex", q.background_hex},
      {"white_border_share", q.white_border_share},
      {"border_uniformity", q.border_uniformity},
      {"white_background", q.white_background},
      {"foreground_share", q.foreground_share},
      {"sharpness", q.sharpness},
      {"clipped_highlights", q.clipped_highlights},
      {"clipped_shadows", q.clipped_shadows},
  });
}

Result<std::optional<PhotoQuality>> quality_from_json(std::string_view text) {
  if (text.empty()) return std::optional<PhotoQuality>();
  IMAGEBANK_ASSIGN_OR_RETURN(json::value value, parse(text, "quality"));
  const json::object* o = value.if_object();
  if (!o) return corrupt_data_error("stored quality is not a JSON object");
  PhotoQuality q;
  bool ok = true;
  const auto number = [&](const char* key, double& into) {
    const json::value* v = o->if_contains(key);
    if (!v || !v->is_number()) {
      ok = false;
      return;
    }
    into = v->to_number<double>();
  };
  number("white_border_share", q.white_border_share);
  number("border_uniformity", q.border_uniformity);
  number("foreground_share", q.foreground_share);
  number("sharpness", q.sharpness);
  number("clipped_highlights", q.clipped_highlights);
  number("clipped_shadows", q.clipped_shadows);
  const json::value* hex = o->if_contains("background_hex");
  const json::value* white = o->if_contains("white_background");
  if (!ok || !hex || !hex->is_string() || !white || !white->is_bool()) {
    return corrupt_data_error("stored quality is missing a field");
  }
  q.background_hex = std::string(hex->as_string());
  q.white_background = white->as_bool();
  return std::optional<PhotoQuality>(q);
}

}  // namespace imagebank::sql
