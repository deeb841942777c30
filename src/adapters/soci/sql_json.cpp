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

}  // namespace imagebank::sql
