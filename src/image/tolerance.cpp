// The names of the decoding policy's tolerance bits (image_info.hpp).
#include <array>
#include <string_view>
#include <utility>

#include "imagebank/image/image_info.hpp"

namespace imagebank {
namespace {

constexpr std::array<std::pair<Tolerance, std::string_view>, 6> kNames = {{
    {Tolerance::kJpegExtraneousBytes, "jpeg_extraneous_bytes"},
    {Tolerance::kJpegWarning, "jpeg_warning"},
    {Tolerance::kPngAncillaryCrc, "png_ancillary_crc"},
    {Tolerance::kAvifNotStrict, "avif_not_strict"},
    {Tolerance::kCorruptData, "corrupt_data"},
    {Tolerance::kTruncated, "truncated"},
}};

}  // namespace

std::vector<std::string> tolerance_names(std::uint32_t tolerated) {
  std::vector<std::string> names;
  for (const auto& [bit, name] : kNames) {
    if (tolerated & static_cast<std::uint32_t>(bit)) names.emplace_back(name);
  }
  return names;
}

std::string tolerance_text(std::uint32_t tolerated) {
  std::string text;
  for (const std::string& name : tolerance_names(tolerated)) {
    if (!text.empty()) text += ',';
    text += name;
  }
  return text;
}

}  // namespace imagebank
