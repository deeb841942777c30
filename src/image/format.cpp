#include "imagebank/image/format.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "byte_io.hpp"

namespace imagebank {
namespace {

using detail::starts_with;

bool brand_is(const std::byte* p, std::string_view brand) {
  return starts_with(std::span<const std::byte>(p, 4), brand);
}

// ISOBMFF files (AVIF, HEIF) open with an `ftyp` box listing brands.
Format sniff_ftyp(std::span<const std::byte> head) {
  if (head.size() < 16 || !starts_with(head.subspan(4), "ftyp")) {
    return Format::kUnknown;
  }
  std::size_t box = detail::be32(head.data());
  if (box < 16) return Format::kUnknown;
  box = std::min(box, head.size());
  bool avif = false;
  bool heif = false;
  auto check = [&](const std::byte* p) {
    if (brand_is(p, "avif") || brand_is(p, "avis")) avif = true;
    for (std::string_view b :
         {"heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1"}) {
      if (brand_is(p, b)) heif = true;
    }
  };
  check(head.data() + 8);  // major brand; +12 is the minor version
  for (std::size_t off = 16; off + 4 <= box; off += 4) check(head.data() + off);
  if (avif) return Format::kAvif;
  if (heif) return Format::kHeic;
  return Format::kUnknown;
}

bool looks_like_svg(std::span<const std::byte> head) {
  std::string_view text(reinterpret_cast<const char*>(head.data()),
                        head.size());
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return false;
  text.remove_prefix(first);
  if (text.starts_with("<svg")) return true;
  if (!text.starts_with("<?xml") && !text.starts_with("<!--") &&
      !text.starts_with("<!DOCTYPE")) {
    return false;
  }
  return text.find("<svg") != std::string_view::npos;
}

bool looks_like_bmp(std::span<const std::byte> head) {
  if (head.size() < 18 || !starts_with(head, "BM")) return false;
  // The DIB header size distinguishes the BMP variants; anything else after
  // "BM" is not a BMP.
  const std::uint32_t dib = detail::le32(head.data() + 14);
  return dib == 12 || dib == 40 || dib == 52 || dib == 56 || dib == 64 ||
         dib == 108 || dib == 124;
}

}  // namespace

Format sniff_format(std::span<const std::byte> head) noexcept {
  static constexpr unsigned char kPngSig[8] = {0x89, 'P',  'N',  'G',
                                               0x0D, 0x0A, 0x1A, 0x0A};
  static constexpr unsigned char kJxlBox[12] = {
      0, 0, 0, 0x0C, 'J', 'X', 'L', ' ', 0x0D, 0x0A, 0x87, 0x0A};
  auto matches = [&](const unsigned char* sig, std::size_t n) {
    if (head.size() < n) return false;
    for (std::size_t i = 0; i < n; ++i) {
      if (std::to_integer<unsigned char>(head[i]) != sig[i]) return false;
    }
    return true;
  };
  static constexpr unsigned char kJpegSig[3] = {0xFF, 0xD8, 0xFF};
  static constexpr unsigned char kJxlCode[2] = {0xFF, 0x0A};
  if (matches(kJpegSig, 3)) return Format::kJpeg;
  if (matches(kPngSig, 8)) return Format::kPng;
  if (head.size() >= 12 && starts_with(head, "RIFF") &&
      starts_with(head.subspan(8), "WEBP")) {
    return Format::kWebp;
  }
  if (const Format f = sniff_ftyp(head); f != Format::kUnknown) return f;
  if (starts_with(head, "GIF87a") || starts_with(head, "GIF89a")) {
    return Format::kGif;
  }
  static constexpr unsigned char kTiffLe[4] = {'I', 'I', 0x2A, 0x00};
  static constexpr unsigned char kTiffBe[4] = {'M', 'M', 0x00, 0x2A};
  static constexpr unsigned char kBigTiffLe[4] = {'I', 'I', 0x2B, 0x00};
  static constexpr unsigned char kBigTiffBe[4] = {'M', 'M', 0x00, 0x2B};
  if (matches(kTiffLe, 4) || matches(kTiffBe, 4) || matches(kBigTiffLe, 4) ||
      matches(kBigTiffBe, 4)) {
    return Format::kTiff;
  }
  if (matches(kJxlCode, 2) || matches(kJxlBox, 12)) return Format::kJxl;
  if (looks_like_bmp(head)) return Format::kBmp;
  if (looks_like_svg(head)) return Format::kSvg;
  return Format::kUnknown;
}

}  // namespace imagebank
