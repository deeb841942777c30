#include "imagebank/catalog/vision.hpp"

#include <cmath>
#include <set>
#include <string>

namespace imagebank {

namespace {

bool in_unit(double v) { return std::isfinite(v) && v >= 0.0 && v <= 1.0; }

bool is_hex_color(std::string_view hex) {
  if (hex.empty()) return true;
  if (hex.size() != 7 || hex[0] != '#') return false;
  for (char c : hex.substr(1)) {
    const bool digit = c >= '0' && c <= '9';
    const bool lower = c >= 'a' && c <= 'f';
    if (!digit && !lower) return false;
  }
  return true;
}

Status check_colors(const std::vector<VisionColor>& colors,
                    const std::string& where) {
  for (std::size_t i = 0; i < colors.size(); ++i) {
    const VisionColor& c = colors[i];
    const std::string at = where + "colors[" + std::to_string(i) + "]";
    if (c.name.empty()) return corrupt_data_error(at + " has no name");
    if (!is_hex_color(c.hex)) {
      return corrupt_data_error(at + ".hex '" + c.hex +
                                "' is not #rrggbb in lowercase");
    }
    if (!in_unit(c.share)) {
      return corrupt_data_error(at + ".share is outside 0..1");
    }
  }
  return ok_status();
}

}  // namespace

Status validate_vision_result(const VisionResult& result) {
  if (result.provider.empty()) {
    return corrupt_data_error("the vision result names no provider");
  }
  if (result.model.empty()) {
    return corrupt_data_error("the vision result from " + result.provider +
                              " names no model");
  }
  const std::string who = result.provider + " (" + result.model + "): ";
  if (!in_unit(result.confidence)) {
    return corrupt_data_error(who + "confidence is outside 0..1");
  }
  std::set<std::string_view> seen;
  for (const std::string& tag : result.tags) {
    if (tag.empty()) return corrupt_data_error(who + "an empty tag");
    if (!seen.insert(tag).second) {
      return corrupt_data_error(who + "the tag '" + tag + "' twice");
    }
  }
  if (Status s = check_colors(result.colors, who); !s.ok()) return s;
  if (result.items.size() > static_cast<std::size_t>(kMaxImageItems)) {
    return corrupt_data_error(who + std::to_string(result.items.size()) +
                              " items, more than " +
                              std::to_string(kMaxImageItems));
  }
  for (std::size_t i = 0; i < result.items.size(); ++i) {
    const VisionItem& item = result.items[i];
    const std::string at = who + "items[" + std::to_string(i) + "]";
    const auto& b = item.box;
    const bool inside = in_unit(b[0]) && in_unit(b[1]) && in_unit(b[2]) &&
                        in_unit(b[3]) && b[2] > 0 && b[3] > 0 &&
                        b[0] + b[2] <= 1.0 + 1e-9 && b[1] + b[3] <= 1.0 + 1e-9;
    if (!inside) {
      return corrupt_data_error(at + ".box is not inside the picture");
    }
    if (!in_unit(item.confidence)) {
      return corrupt_data_error(at + ".confidence is outside 0..1");
    }
    if (Status s = check_colors(item.colors, at + "."); !s.ok()) return s;
  }
  if (result.input_tokens < 0 || result.output_tokens < 0) {
    return corrupt_data_error(who + "a negative token count");
  }
  if (result.quality) {
    const PhotoQuality& q = *result.quality;
    if (!is_hex_color(q.background_hex) || !in_unit(q.white_border_share) ||
        !in_unit(q.border_uniformity) || !in_unit(q.foreground_share) ||
        !in_unit(q.clipped_highlights) || !in_unit(q.clipped_shadows) ||
        !std::isfinite(q.sharpness) || q.sharpness < 0) {
      return corrupt_data_error(who + "a photo-quality figure out of range");
    }
  }
  return ok_status();
}

std::string_view main_color(const VisionResult& result) noexcept {
  return result.colors.empty() ? std::string_view()
                               : std::string_view(result.colors.front().name);
}

VisionAnalyzer::~VisionAnalyzer() = default;

std::vector<Result<VisionResult>> VisionAnalyzer::analyze_batch(
    std::span<const VisionImage> images, const VisionRequest& request) {
  std::vector<Result<VisionResult>> out;
  out.reserve(images.size());
  for (const VisionImage& image : images) {
    out.push_back(analyze(image, request));
  }
  return out;
}

}  // namespace imagebank
