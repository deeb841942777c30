// The fast grey view of a JPEG: the least work that still gives a faithful
// small grey image. libjpeg decodes straight to luma at the shrink-on-load
// scale (no chroma IDCT, upsampling or colour conversion) and, for a
// progressive file at 1/8, stops once the luma DC is complete: at 1/8 a
// pixel is its block's DC, so the AC scans (most of the file) are never
// decoded.
#include <algorithm>
#include <cstdio>
#include <cstring>

#include "../grey_internal.hpp"
#include "jpeg_header.hpp"

namespace imagebank::detail {
namespace {

struct FastJpegState : JpegDecodeState {
  using JpegDecodeState::JpegDecodeState;
  Image* image = nullptr;
};

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
      jpeg_fail(state, JpegState::Failure::kTruncated,
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
    jpeg_check_guards(reinterpret_cast<j_common_ptr>(c));
    const int r = jpeg_consume_input(c);
    if (r == JPEG_REACHED_EOI) break;
    if (r == JPEG_SUSPENDED) {
      jpeg_fail(state, JpegState::Failure::kTruncated,
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

}  // namespace

Result<Image> decode_jpeg_fast_grey(const Source& source, const Limits& limits,
                                    int shrink, const Deadline& deadline) {
  FastJpegState state(source, limits, deadline);
  if (!jpeg_begin_decode(&state, shrink)) return state.failure_status();
  jpeg_decompress_struct& c = state.cinfo;
  c.out_color_space = JCS_GRAYSCALE;
  // Block smoothing guesses the missing AC terms from neighbouring DCs: work
  // wasted at 1/8, where only the DC is used.
  c.do_block_smoothing = FALSE;
  if (!jpeg_calc_output_guarded(&state)) return state.failure_status();
  IMAGEBANK_ASSIGN_OR_RETURN(
      Image image, Image::create(c.output_width, c.output_height, 1, limits));
  state.image = &image;
  // Progressive only: a multi-scan sequential file has no coef_bits.
  const bool dc_only = shrink == 8 && c.progressive_mode;
  if (!run_decode(&state, dc_only)) return state.decode_failure();
  return image;
}

}  // namespace imagebank::detail
