// JSON text columns of the SQL adapters (free attributes, tag lists, boxes).
// Internal. A column that does not parse is reported as corrupt_data.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/catalog/types.hpp"
#include "imagebank/core/result.hpp"

namespace imagebank::sql {

std::string to_json(const std::map<std::string, std::string>& values);
std::string to_json(const std::vector<std::string>& values);
std::string to_json(const std::array<double, 4>& values);

Result<std::map<std::string, std::string>> map_from_json(std::string_view text);
Result<std::vector<std::string>> list_from_json(std::string_view text);
Result<std::array<double, 4>> box_from_json(std::string_view text);

// Analyses: [{"name","hex","share"}...] and the photo-quality object ("" =
// none).
std::string to_json(const std::vector<VisionColor>& colors);
Result<std::vector<VisionColor>> colors_from_json(std::string_view text);
std::string to_json(const std::optional<PhotoQuality>& quality);
Result<std::optional<PhotoQuality>> quality_from_json(std::string_view text);

}  // namespace imagebank::sql
