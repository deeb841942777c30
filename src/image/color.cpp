// ICC → sRGB with lcms2.
#include <lcms2.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "decode_formats.hpp"
#include "imagebank/core/log.hpp"

namespace imagebank::detail {
namespace {

struct Profile {
  cmsHPROFILE h;
  ~Profile() {
    if (h) cmsCloseProfile(h);
  }
};
struct Transform {
  cmsHTRANSFORM h;
  ~Transform() {
    if (h) cmsDeleteTransform(h);
  }
};

// Profiles that already are sRGB (most camera and web files) need no work;
// recognised by their description, as libvips and browsers do in effect.
bool is_srgb(cmsHPROFILE profile) {
  char text[256] = {};
  cmsGetProfileInfoASCII(profile, cmsInfoDescription, "en", "US", text,
                         sizeof text);
  return std::strstr(text, "sRGB") != nullptr;
}

}  // namespace

bool convert_to_srgb(Image& image, std::span<const std::byte> icc) {
  if (icc.empty() || image.empty()) return false;
  Profile in{cmsOpenProfileFromMem(icc.data(),
                                   static_cast<cmsUInt32Number>(icc.size()))};
  if (!in.h) {
    log(LogLevel::kWarning, "ignoring an unreadable ICC profile");
    return false;
  }
  // As a number: the file's signature need not be one lcms2's enum names,
  // and an enum object holding another value is undefined behaviour.
  const auto space = static_cast<std::uint32_t>(cmsGetColorSpace(in.h));
  const auto rgb_data = static_cast<std::uint32_t>(cmsSigRgbData);
  const auto gray_data = static_cast<std::uint32_t>(cmsSigGrayData);
  const int c = image.channels();
  const bool rgb_image = c >= 3;
  if ((space == rgb_data) != rgb_image ||
      (space != rgb_data && space != gray_data)) {
    log(LogLevel::kWarning,
        "ignoring an ICC profile that does not match the image colour space");
    return false;
  }
  if (space == gray_data) return false;  // gray stays gray
  if (is_srgb(in.h)) return false;
  Profile out{cmsCreate_sRGBProfile()};
  const cmsUInt32Number format = c == 4 ? TYPE_RGBA_8 : TYPE_RGB_8;
  Transform t{cmsCreateTransform(in.h, format, out.h, format, INTENT_PERCEPTUAL,
                                 cmsFLAGS_COPY_ALPHA)};
  if (!t.h) {
    log(LogLevel::kWarning, "ignoring an ICC profile lcms2 cannot transform");
    return false;
  }
  // One call for the whole buffer: rows are packed, so the image is one run
  // of pixels.
  cmsDoTransform(t.h, image.data(), image.data(),
                 static_cast<cmsUInt32Number>(std::uint64_t{image.width()} *
                                              image.height()));
  return true;
}

}  // namespace imagebank::detail
