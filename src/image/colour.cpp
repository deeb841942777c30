// sRGB <-> CIELAB and CIEDE2000 through lcms2.
//
// A whole picture in CIELAB is the analyzer's hot path: lcms2's own
// double-precision transform takes ~200 ns a pixel and its 16-bit one is
// off by up to 0.8 unit. So sRGB -> Lab is evaluated here from lcms2's sRGB
// profile itself (its tone curve and its D50-adapted colorants) with two
// tables, a few ns a pixel and within 0.003 of lcms2's transform (the tests
// compare them). Lab -> sRGB is rare and goes through lcms2 directly.
#include "imagebank/image/colour.hpp"

#include <lcms2.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace imagebank {
namespace {

constexpr int kFSteps = 4096;  // the cube-root table's intervals over [0, 1]

struct SrgbToLab {
  double linear[256];     // the sRGB tone curve, 8-bit code -> linear
  double m[3][3];         // linear RGB -> XYZ / white (D50), rows X Y Z
  double f[kFSteps + 2];  // CIELAB's f(t) on a grid, for interpolation

  SrgbToLab() {
    cmsHPROFILE srgb = cmsCreate_sRGBProfile();
    const cmsTagSignature trc[3] = {cmsSigRedTRCTag, cmsSigGreenTRCTag,
                                    cmsSigBlueTRCTag};
    const cmsTagSignature colorant[3] = {
        cmsSigRedColorantTag, cmsSigGreenColorantTag, cmsSigBlueColorantTag};
    // The three curves of lcms2's sRGB are the same; the red one serves.
    const auto* curve =
        static_cast<const cmsToneCurve*>(cmsReadTag(srgb, trc[0]));
    for (int v = 0; v < 256; ++v) {
      linear[v] = cmsEvalToneCurveFloat(curve, static_cast<float>(v / 255.0));
    }
    const cmsCIEXYZ* white = cmsD50_XYZ();
    for (int c = 0; c < 3; ++c) {
      const auto* xyz =
          static_cast<const cmsCIEXYZ*>(cmsReadTag(srgb, colorant[c]));
      m[0][c] = xyz->X / white->X;
      m[1][c] = xyz->Y / white->Y;
      m[2][c] = xyz->Z / white->Z;
    }
    cmsCloseProfile(srgb);
    for (int i = 0; i <= kFSteps + 1; ++i) f[i] = exact_f(double(i) / kFSteps);
  }

  static double exact_f(double t) {
    constexpr double kEpsilon = 216.0 / 24389.0;
    constexpr double kKappa = 24389.0 / 27.0;
    return t > kEpsilon ? std::cbrt(t) : (kKappa * t + 16.0) / 116.0;
  }

  double table_f(double t) const {
    t = std::clamp(t, 0.0, 1.0) * kFSteps;
    const int i = static_cast<int>(t);
    const double frac = t - i;
    return f[i] + (f[i + 1] - f[i]) * frac;
  }

  Lab operator()(std::uint8_t r8, std::uint8_t g8, std::uint8_t b8) const {
    const double r = linear[r8], g = linear[g8], b = linear[b8];
    const double fx = table_f(m[0][0] * r + m[0][1] * g + m[0][2] * b);
    const double fy = table_f(m[1][0] * r + m[1][1] * g + m[1][2] * b);
    const double fz = table_f(m[2][0] * r + m[2][1] * g + m[2][2] * b);
    return {116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)};
  }
};

const SrgbToLab& to_lab() {
  static const SrgbToLab table;
  return table;
}

// Lab (double) -> sRGB 8-bit, made once; cmsFLAGS_NOCACHE makes
// cmsDoTransform safe to call from several threads at once.
struct LabToSrgb {
  cmsHTRANSFORM transform = nullptr;
  LabToSrgb() {
    cmsHPROFILE lab = cmsCreateLab4Profile(nullptr);
    cmsHPROFILE srgb = cmsCreate_sRGBProfile();
    transform =
        cmsCreateTransform(lab, TYPE_Lab_DBL, srgb, TYPE_RGB_8,
                           INTENT_RELATIVE_COLORIMETRIC, cmsFLAGS_NOCACHE);
    cmsCloseProfile(lab);
    cmsCloseProfile(srgb);
  }
  ~LabToSrgb() {
    if (transform) cmsDeleteTransform(transform);
  }
  LabToSrgb(const LabToSrgb&) = delete;
  LabToSrgb& operator=(const LabToSrgb&) = delete;
};

}  // namespace

Lab srgb_to_lab(Rgb8 rgb) { return to_lab()(rgb[0], rgb[1], rgb[2]); }

std::vector<Lab> srgb_to_lab(std::span<const std::uint8_t> rgb) {
  const SrgbToLab& table = to_lab();
  std::vector<Lab> out(rgb.size() / 3);
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = table(rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]);
  }
  return out;
}

Rgb8 lab_to_srgb(const Lab& lab) {
  static const LabToSrgb convert;
  if (!std::isfinite(lab.l) || !std::isfinite(lab.a) || !std::isfinite(lab.b)) {
    return {0, 0, 0};
  }
  const cmsCIELab in{std::clamp(lab.l, 0.0, 100.0),
                     std::clamp(lab.a, -128.0, 127.0),
                     std::clamp(lab.b, -128.0, 127.0)};
  Rgb8 out{};
  cmsDoTransform(convert.transform, &in, out.data(), 1);
  return out;
}

double ciede2000(const Lab& x, const Lab& y) {
  const cmsCIELab p{x.l, x.a, x.b};
  const cmsCIELab q{y.l, y.a, y.b};
  return cmsCIE2000DeltaE(&p, &q, 1.0, 1.0, 1.0);
}

std::string rgb_hex(Rgb8 rgb) {
  char text[8];
  std::snprintf(text, sizeof text, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
  return text;
}

}  // namespace imagebank
