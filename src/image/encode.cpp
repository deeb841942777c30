// encode(): option checks and dispatch to the per-format encoders, the
// fingerprint of encoder settings, and the ICC and EXIF blocks the encoders
// share.
#include "imagebank/image/encode.hpp"

#include <lcms2.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

#include "codecs.hpp"
#include "encode_internal.hpp"

namespace imagebank {
namespace detail {
namespace {

// Longer notices are almost certainly a mistake (a licence text pasted in);
// the limit also keeps the JPEG APP1 segment far below its 64 KiB maximum.
constexpr std::size_t kMaxCopyrightBytes = 2000;

// ICC header field offsets (ICC.1:2010, 7.2).
constexpr std::size_t kIccDateOffset = 24;
constexpr std::size_t kIccHeaderSize = 128;

struct ProfileHandle {
  cmsHPROFILE h = nullptr;
  ~ProfileHandle() {
    if (h) cmsCloseProfile(h);
  }
};

struct CurveHandle {
  cmsToneCurve* c = nullptr;
  ~CurveHandle() {
    if (c) cmsFreeToneCurve(c);
  }
};

// The sRGB gray profile: D65 white and the sRGB piecewise curve (IEC
// 61966-2-1), which is what browsers assume for untagged gray images.
cmsHPROFILE create_srgb_gray_profile() {
  const cmsFloat64Number params[5] = {2.4, 1.0 / 1.055, 0.055 / 1.055,
                                      1.0 / 12.92, 0.04045};
  CurveHandle curve{cmsBuildParametricToneCurve(nullptr, 4, params)};
  if (!curve.c) return nullptr;
  const cmsCIExyY d65 = {0.3127, 0.3290, 1.0};
  cmsHPROFILE profile = cmsCreateGrayProfile(&d65, curve.c);
  if (!profile) return nullptr;
  // lcms2 names it "gray built-in"; say what it is.
  cmsMLU* desc = cmsMLUalloc(nullptr, 1);
  const bool named = desc && cmsMLUsetASCII(desc, "en", "US", "sRGB gray") &&
                     cmsWriteTag(profile, cmsSigProfileDescriptionTag, desc);
  if (desc) cmsMLUfree(desc);
  if (!named) {
    cmsCloseProfile(profile);
    return nullptr;
  }
  return profile;
}

std::vector<std::byte> build_profile(bool gray) {
  ProfileHandle profile{gray ? create_srgb_gray_profile()
                             : cmsCreate_sRGBProfile()};
  if (!profile.h) return {};
  cmsUInt32Number size = 0;
  if (!cmsSaveProfileToMem(profile.h, nullptr, &size) ||
      size < kIccHeaderSize) {
    return {};
  }
  std::vector<std::byte> bytes(size);
  if (!cmsSaveProfileToMem(profile.h, bytes.data(), &size)) return {};
  bytes.resize(size);
  // lcms2 stamps the current time into the header, which would make every
  // process write different bytes. 2024-01-01 00:00:00, big-endian uint16s.
  // The profile ID (MD5) is left zero ("not computed"), so nothing else
  // depends on the date.
  constexpr std::array<std::uint8_t, 12> kFixedDate = {0x07, 0xE8, 0, 1, 0, 1,
                                                       0,    0,    0, 0, 0, 0};
  for (std::size_t i = 0; i < kFixedDate.size(); ++i) {
    bytes[kIccDateOffset + i] = std::byte{kFixedDate[i]};
  }
  return bytes;
}

void put_be16(std::vector<std::byte>& out, std::uint32_t v) {
  out.push_back(std::byte(v >> 8));
  out.push_back(std::byte(v & 0xFF));
}
void put_be32(std::vector<std::byte>& out, std::uint32_t v) {
  put_be16(out, v >> 16);
  put_be16(out, v & 0xFFFF);
}

// FNV-1a: a stable, dependency-free digest for the fingerprint.
std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

Status check_range(std::string_view name, int value, int lo, int hi) {
  if (value >= lo && value <= hi) return ok_status();
  return invalid_argument_error(std::string(name) + " must be " +
                                std::to_string(lo) + "-" + std::to_string(hi) +
                                ", got " + std::to_string(value));
}

Status check_options(const EncodeOptions& options) {
  // Every field is checked whatever the format: a value out of range is a
  // caller bug even where the format ignores it.
  IMAGEBANK_RETURN_IF_ERROR(check_range("quality", options.quality, 1, 100));
  IMAGEBANK_RETURN_IF_ERROR(check_range("effort", options.effort, 0, 6));
  IMAGEBANK_RETURN_IF_ERROR(check_range("speed", options.speed, 0, 10));
  IMAGEBANK_RETURN_IF_ERROR(
      check_range("compression_level", options.compression_level, 0, 9));
  if (options.threads < 0) {
    return invalid_argument_error("threads must be >= 0, got " +
                                  std::to_string(options.threads));
  }
  if (options.subsampling != ChromaSubsampling::k420 &&
      options.subsampling != ChromaSubsampling::k444) {
    return invalid_argument_error("subsampling must be k420 or k444");
  }
  if (options.copyright.size() > kMaxCopyrightBytes) {
    return invalid_argument_error(
        "copyright must be at most " + std::to_string(kMaxCopyrightBytes) +
        " bytes, got " + std::to_string(options.copyright.size()));
  }
  if (options.copyright.find('\0') != std::string::npos) {
    // EXIF ASCII ends at the first NUL; the rest would be silently lost.
    return invalid_argument_error("copyright must not contain a NUL byte");
  }
  return ok_status();
}

}  // namespace

Result<std::span<const std::byte>> srgb_icc_profile(bool gray) {
  // Built on first use and kept: the bytes never change within a process.
  static std::once_flag once;
  static std::vector<std::byte> rgb;
  static std::vector<std::byte> gray_profile;
  std::call_once(once, [] {
    rgb = build_profile(false);
    gray_profile = build_profile(true);
  });
  const std::vector<std::byte>& profile = gray ? gray_profile : rgb;
  if (profile.empty()) {
    return internal_error(std::string("lcms2 could not create the sRGB ") +
                          (gray ? "gray " : "") + "ICC profile");
  }
  return std::span<const std::byte>(profile);
}

std::vector<std::byte> exif_copyright_tiff(std::string_view copyright) {
  // TIFF header (8) + IFD0: entry count (2), one entry (12), next-IFD offset
  // (4) = 26; the string follows unless it fits in the entry's 4 bytes.
  constexpr std::uint32_t kIfdOffset = 8;
  constexpr std::uint32_t kDataOffset = kIfdOffset + 2 + 12 + 4;
  const auto count = static_cast<std::uint32_t>(copyright.size() + 1);
  std::vector<std::byte> out;
  out.reserve(kDataOffset + count);
  out.push_back(std::byte{'M'});
  out.push_back(std::byte{'M'});
  put_be16(out, 42);
  put_be32(out, kIfdOffset);
  put_be16(out, 1);       // one entry
  put_be16(out, 0x8298);  // Copyright
  put_be16(out, 2);       // ASCII
  put_be32(out, count);
  std::vector<std::byte> text;
  for (const char c : copyright) text.push_back(std::byte(c));
  text.push_back(std::byte{0});
  if (count <= 4) {
    // Values of up to 4 bytes live in the entry itself, left-justified.
    text.resize(4, std::byte{0});
    out.insert(out.end(), text.begin(), text.end());
    put_be32(out, 0);  // no IFD1
  } else {
    put_be32(out, kDataOffset);
    put_be32(out, 0);  // no IFD1
    out.insert(out.end(), text.begin(), text.end());
  }
  return out;
}

Result<EncodeMetadata> encode_metadata(const EncodeOptions& options,
                                       bool gray) {
  EncodeMetadata meta;
  if (options.keep_srgb_icc) {
    IMAGEBANK_ASSIGN_OR_RETURN(meta.icc, srgb_icc_profile(gray));
  }
  if (!options.copyright.empty()) {
    meta.exif = exif_copyright_tiff(options.copyright);
  }
  return meta;
}

}  // namespace detail

Result<std::vector<std::byte>> encode(const Image& image,
                                      const EncodeOptions& options) {
  if (image.empty()) {
    return invalid_argument_error("cannot encode an empty image");
  }
  IMAGEBANK_RETURN_IF_ERROR(detail::check_options(options));
  const detail::Codec& codec = detail::codec(options.format);
  if (codec.encode == nullptr) {
    return invalid_argument_error(
        "cannot encode to " + std::string(format_name(options.format)) +
        ": only jpeg, png, webp and avif are written");
  }
  return codec.encode(image, options);
}

std::string encoder_fingerprint(const EncodeOptions& options) {
  const detail::Codec& codec = detail::codec(options.format);
  if (codec.encoder_settings == nullptr) {
    return std::string(format_name(options.format)) + ":unsupported";
  }
  std::string settings = codec.encoder_settings(options);
  std::string library = codec.encoder_version();
  if (options.keep_srgb_icc) {
    settings += ":icc";
    // The profile bytes come from lcms2 and may change with it.
    const int v = cmsGetEncodedCMMversion();
    library += "|lcms2 " + std::to_string(v / 1000) + "." +
               std::to_string(v % 1000 / 10);
  }
  if (!options.copyright.empty()) {
    char digest[17];
    std::snprintf(
        digest, sizeof digest, "%016llx",
        static_cast<unsigned long long>(detail::fnv1a(options.copyright)));
    settings += ":c";
    settings += digest;
  }
  // Bumped whenever imagebank changes what it feeds the codecs (fixed
  // settings such as WebP `exact` or the AVIF alpha quantizer), which the
  // options and library versions above cannot show.
  constexpr int kEncoderRevision = 1;
  return settings + "|" + library + "|imagebank-enc r" +
         std::to_string(kEncoderRevision);
}

}  // namespace imagebank
