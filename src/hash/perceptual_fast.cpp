// Fast mode's decode: the least work that still gives a faithful small grey
// image. JPEG goes straight to luma at the shrink-on-load scale (libjpeg
// skips the chroma IDCT, upsampling and colour conversion) and, for a
// progressive file at 1/8, stops once the luma DC is complete: at 1/8 a
// pixel is its block's DC, so the AC scans (most of the file) are never
// decoded. PNG streams to grey without an RGBA copy; WebP and AVIF use the
// regular decoders (WebP shrinks on load). Colour profiles are ignored, as
// imagehash ignores them.
#include <algorithm>
#include <cstdio>
#include <cstring>

#include "image/jpeg/jpeg_header.hpp"
#include "imagebank/image/decode.hpp"
#include "pillow_decode.hpp"
#include "pillow_imagehash.hpp"

namespace imagebank::pillow {
namespace {

struct FastJpegState : detail::JpegHeaderState {
  FastJpegState(const Source& source, const Limits& limits,
                const detail::Deadline& deadline_in)
      : JpegHeaderState(source, limits), deadline(&deadline_in) {}
  const detail::Deadline* deadline;
  jpeg_progress_mgr progress{};
  Image* image = nullptr;
};

void on_progress(j_common_ptr cinfo) {
  auto* state = static_cast<FastJpegState*>(detail::jpeg_state_of(cinfo));
  auto* d = reinterpret_cast<j_decompress_ptr>(cinfo);
  if (d->input_scan_number > static_cast<int>(state->limits.jpeg_max_scans)) {
    // A char buffer: nothing with a destructor may live across the longjmp.
    char message[96];
    std::snprintf(message, sizeof message,
                  "progressive JPEG has more scans than the limit (scan %d, "
                  "limit %u)",
                  d->input_scan_number,
                  static_cast<unsigned>(state->limits.jpeg_max_scans));
    detail::jpeg_fail(state, detail::JpegState::Failure::kLimit, message);
  }
  if (state->deadline->expired()) {
    detail::jpeg_fail(state, detail::JpegState::Failure::kLimit,
                      "decode took longer than the deadline");
  }
}

bool calc_dimensions(FastJpegState* state) {
  if (setjmp(state->jump)) return false;
  jpeg_calc_output_dimensions(&state->cinfo);
  return true;
}

// True once every component the grey output reads has its DC to within
// the last bit (the usual first scan of a progressive file sends DC >> 1).
bool luma_dc_ready(j_decompress_ptr c) {
  const bool luma_only =
      c->jpeg_color_space == JCS_YCbCr || c->jpeg_color_space == JCS_GRAYSCALE;
  const int needed = luma_only ? 1 : c->num_components;
  for (int ci = 0; ci < needed; ++ci) {
    const int bits = c->coef_bits[ci][0];
    if (bits < 0 || bits > 1) return false;
  }
  return true;
}

void read_rows(FastJpegState* state) {
  j_decompress_ptr c = &state->cinfo;
  while (c->output_scanline < c->output_height) {
    JSAMPROW row[1] = {state->image->row(c->output_scanline)};
    if (jpeg_read_scanlines(c, row, 1) != 1) {
      detail::jpeg_fail(state, detail::JpegState::Failure::kTruncated,
                        "truncated: the JPEG scan data ends early");
    }
  }
}

// Only trivially destructible locals between setjmp and return (see
// jpeg_io.hpp).
bool run_decode(FastJpegState* state, bool dc_only) {
  if (setjmp(state->jump)) return false;
  j_decompress_ptr c = &state->cinfo;
  if (!dc_only) {
    jpeg_start_decompress(c);
    read_rows(state);
    jpeg_finish_decompress(c);
    return true;
  }
  c->buffered_image = TRUE;
  jpeg_start_decompress(c);
  for (;;) {
    // In buffered-image mode libjpeg never calls the progress monitor, and
    // a file can postpone its luma DC past any number of scans: check the
    // scan limit and the deadline here, once per consumed iMCU row.
    on_progress(reinterpret_cast<j_common_ptr>(c));
    const int r = jpeg_consume_input(c);
    if (r == JPEG_REACHED_EOI) break;
    if (r == JPEG_SUSPENDED) {
      detail::jpeg_fail(state, detail::JpegState::Failure::kTruncated,
                        "truncated: the JPEG scan data ends early");
    }
    if (r == JPEG_SCAN_COMPLETED && luma_dc_ready(c)) break;
  }
  jpeg_start_output(c, c->input_scan_number);
  read_rows(state);
  jpeg_finish_output(c);
  // The remaining scans are left unread.
  return true;
}

Result<Image> jpeg_grey(const Source& source, const Limits& limits, int shrink,
                        const detail::Deadline& deadline) {
  FastJpegState state(source, limits, deadline);
  if (!detail::jpeg_state_create(&state) ||
      !detail::jpeg_read_header_guarded(&state)) {
    return state.failure_status();
  }
  jpeg_decompress_struct& c = state.cinfo;
  state.progress.progress_monitor = on_progress;
  c.progress = &state.progress;
  c.scale_num = 1;
  c.scale_denom = static_cast<unsigned>(shrink);
  c.dct_method = JDCT_ISLOW;
  c.out_color_space = JCS_GRAYSCALE;
  // Block smoothing guesses the missing AC terms from neighbouring DCs: work
  // wasted at 1/8, where only the DC is used.
  c.do_block_smoothing = FALSE;
  if (!calc_dimensions(&state)) return state.failure_status();
  IMAGEBANK_ASSIGN_OR_RETURN(
      Image image, Image::create(c.output_width, c.output_height, 1, limits));
  state.image = &image;
  // Progressive only: a multi-scan sequential file has no coef_bits.
  const bool dc_only = shrink == 8 && c.progressive_mode;
  if (!run_decode(&state, dc_only)) return state.failure_status();
  return image;
}

class GreyCollector final : public LumaSink {
 public:
  explicit GreyCollector(const Limits& limits) : limits_(limits) {}
  Status begin(std::uint32_t width, std::uint32_t height) override {
    IMAGEBANK_ASSIGN_OR_RETURN(image_,
                               Image::create(width, height, 1, limits_));
    return ok_status();
  }
  void rows(const std::uint8_t* rows, std::size_t count,
            std::size_t stride) override {
    for (std::size_t i = 0; i < count && next_ < image_.height(); ++i) {
      std::memcpy(image_.row(next_++), rows + i * stride, image_.width());
    }
  }
  Image take() { return std::move(image_); }

 private:
  Limits limits_;
  Image image_;
  std::uint32_t next_ = 0;
};

Result<Image> grey_of(Image image, const Limits& limits) {
  if (image.channels() == 1) return image;
  IMAGEBANK_ASSIGN_OR_RETURN(
      Image grey, Image::create(image.width(), image.height(), 1, limits));
  for (std::uint32_t y = 0; y < image.height(); ++y) {
    row_to_luma(image.row(y), image.channels(), image.width(), grey.row(y));
  }
  return grey;
}

}  // namespace

Result<Image> decode_grey_fast(const Source& source, const ImageInfo& info,
                               const Limits& limits, std::uint32_t target) {
  const detail::Deadline deadline(limits.decode_deadline);
  int shrink = 1;
  if (info.format == Format::kJpeg || info.format == Format::kWebp) {
    shrink = shrink_on_load_factor(info.width, info.height, info.orientation,
                                   target, target);
  }
  if (info.format == Format::kJpeg && info.channels != 4) {
    return jpeg_grey(source, limits, shrink, deadline);
  }
  if (info.format == Format::kPng) {
    GreyCollector grey(limits);
    IMAGEBANK_RETURN_IF_ERROR(decode_png_luma(source, info, limits, deadline,
                                              grey, /*pillow_16bit=*/false));
    return grey.take();
  }
  DecodeOptions options;
  options.limits = limits;
  options.auto_orient = false;
  options.to_srgb = false;
  Result<detail::RawDecode> raw = internal_error("unreachable");
  switch (info.format) {
    case Format::kJpeg:  // CMYK: converted to RGB by the regular decoder
      raw = detail::decode_jpeg(source, info, shrink, options, deadline);
      break;
    case Format::kWebp:
      raw = detail::decode_webp(source, info, shrink, options, deadline);
      break;
    case Format::kAvif:
      raw = detail::decode_avif(source, info, options, deadline);
      break;
    default:
      return unsupported_format_error("cannot decode " +
                                      std::string(format_name(info.format)));
  }
  if (!raw.ok()) return raw.status();
  if (deadline.expired()) return deadline.status();
  return grey_of(std::move(raw->image), limits);
}

}  // namespace imagebank::pillow
