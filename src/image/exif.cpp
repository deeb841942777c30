#include "exif.hpp"

#include <cstdint>

#include "byte_io.hpp"

namespace imagebank::detail {

int exif_orientation(std::span<const std::byte> tiff) noexcept {
  if (tiff.size() < 8) return 1;
  bool little;
  if (starts_with(tiff, "II")) {
    little = true;
  } else if (starts_with(tiff, "MM")) {
    little = false;
  } else {
    return 1;
  }
  const std::byte* base = tiff.data();
  auto u16 = [&](std::size_t off) {
    return little ? le16(base + off) : be16(base + off);
  };
  auto u32 = [&](std::size_t off) {
    return little ? le32(base + off) : be32(base + off);
  };
  if (u16(2) != 42) return 1;
  const std::uint64_t ifd = u32(4);
  if (ifd + 2 > tiff.size()) return 1;
  const std::uint32_t count = u16(static_cast<std::size_t>(ifd));
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::uint64_t entry = ifd + 2 + std::uint64_t{i} * 12;
    if (entry + 12 > tiff.size()) return 1;
    const auto off = static_cast<std::size_t>(entry);
    if (u16(off) != 0x0112) continue;
    const std::uint32_t type = u16(off + 2);
    // SHORT is the type the standard mandates; LONG is seen from some
    // writers and costs nothing to accept.
    std::uint32_t value;
    if (type == 3) {
      value = u16(off + 8);
    } else if (type == 4) {
      value = u32(off + 8);
    } else {
      return 1;
    }
    return value >= 1 && value <= 8 ? static_cast<int>(value) : 1;
  }
  return 1;
}

std::span<const std::byte> skip_exif_prefix(
    std::span<const std::byte> block) noexcept {
  static constexpr char kPrefix[] = {'E', 'x', 'i', 'f', '\0', '\0'};
  if (block.size() >= 6 &&
      starts_with(block, std::string_view(kPrefix, sizeof kPrefix))) {
    return block.subspan(6);
  }
  return block;
}

}  // namespace imagebank::detail
