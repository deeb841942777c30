// JPEG decode with libjpeg-turbo: shrink-on-load through libjpeg's DCT
// scaling, a scan limit and deadline enforced from the progress monitor
// (progressive-JPEG CPU bombs), and CMYK/YCCK converted to sRGB (through the
// embedded CMYK profile when there is one).
#include <lcms2.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>

#include "jpeg_header.hpp"

namespace imagebank::detail {
namespace {

struct DecodeState : JpegDecodeState {
  using JpegDecodeState::JpegDecodeState;
  Image* image = nullptr;
  std::unique_ptr<std::uint8_t[]> cmyk_row;
  cmsHTRANSFORM cmyk_transform = nullptr;
  bool adobe_inverted = false;
  ~DecodeState() {
    if (cmyk_transform) cmsDeleteTransform(cmyk_transform);
  }
};

void cmyk_row_to_rgb(DecodeState* state, const std::uint8_t* cmyk,
                     std::uint8_t* rgb, std::uint32_t width) {
  if (state->cmyk_transform) {
    cmsDoTransform(state->cmyk_transform, cmyk, rgb, width);
    return;
  }
  // Without a profile: the naive conversion. Adobe writes the samples
  // inverted (0 = full ink).
  for (std::uint32_t x = 0; x < width; ++x) {
    const std::uint8_t* p = cmyk + 4 * x;
    for (int i = 0; i < 3; ++i) {
      const unsigned c = state->adobe_inverted ? p[i] : 255u - p[i];
      const unsigned k = state->adobe_inverted ? p[3] : 255u - p[3];
      rgb[3 * x + i] = static_cast<std::uint8_t>((c * k + 127) / 255);
    }
  }
}

// Everything between setjmp and the return keeps only trivially
// destructible locals (see jpeg_io.hpp).
bool run_decode(DecodeState* state) {
  if (setjmp(state->jump)) return false;
  j_decompress_ptr c = &state->cinfo;
  jpeg_start_decompress(c);
  const bool cmyk = c->out_color_space == JCS_CMYK;
  while (c->output_scanline < c->output_height) {
    if ((c->output_scanline & 63) == 0) {
      jpeg_check_guards(reinterpret_cast<j_common_ptr>(c));
    }
    std::uint8_t* row = state->image->row(c->output_scanline);
    JSAMPROW rows[1] = {cmyk ? state->cmyk_row.get() : row};
    if (jpeg_read_scanlines(c, rows, 1) != 1) {
      jpeg_fail(state, JpegState::Failure::kTruncated,
                "truncated: the JPEG scan data ends early");
    }
    if (cmyk)
      cmyk_row_to_rgb(state, state->cmyk_row.get(), row, c->output_width);
  }
  jpeg_finish_decompress(c);
  return true;
}

}  // namespace

Result<RawDecode> decode_jpeg(const Source& source, const ImageInfo& info,
                              int shrink, const DecodeOptions& options,
                              const Deadline& deadline) {
  DecodeState state(source, options.limits, deadline);
  state.collect_icc = options.to_srgb || info.channels == 4;
  if (!jpeg_begin_decode(&state, shrink)) return state.failure_status();
  jpeg_decompress_struct& c = state.cinfo;
  int channels = 3;
  switch (c.num_components) {
    case 1:
      c.out_color_space = JCS_GRAYSCALE;
      channels = 1;
      break;
    case 4:
      c.out_color_space = JCS_CMYK;
      break;
    default:
      c.out_color_space = JCS_RGB;
  }
  if (!jpeg_calc_output_guarded(&state)) return state.failure_status();
  IMAGEBANK_ASSIGN_OR_RETURN(
      Image image,
      Image::create(c.output_width, c.output_height, channels, options.limits));
  state.image = &image;
  RawDecode out;
  std::vector<std::byte> icc = state.icc_profile();
  if (c.num_components == 4) {
    state.cmyk_row.reset(new std::uint8_t[std::size_t{c.output_width} * 4]);
    state.adobe_inverted = c.saw_Adobe_marker != 0;
    if (!icc.empty()) {
      cmsHPROFILE in = cmsOpenProfileFromMem(
          icc.data(), static_cast<cmsUInt32Number>(icc.size()));
      // Compared as numbers: a profile's signature need not be one the
      // enum names (image/color.cpp).
      if (in && static_cast<std::uint32_t>(cmsGetColorSpace(in)) ==
                    static_cast<std::uint32_t>(cmsSigCmykData)) {
        cmsHPROFILE srgb = cmsCreate_sRGBProfile();
        state.cmyk_transform = cmsCreateTransform(
            in, state.adobe_inverted ? TYPE_CMYK_8_REV : TYPE_CMYK_8, srgb,
            TYPE_RGB_8, INTENT_PERCEPTUAL, 0);
        cmsCloseProfile(srgb);
      }
      if (in) cmsCloseProfile(in);
    }
    out.cmyk_converted = true;
    icc.clear();  // consumed (or unusable for RGB output)
  }
  if (!run_decode(&state)) return state.decode_failure();
  out.image = std::move(image);
  out.tolerated = state.tolerated;
  out.icc = std::move(icc);
  return out;
}

}  // namespace imagebank::detail
