// JPEG as Pillow decodes it, straight to "L" rows: no orientation, no ICC,
// CMYK through Pillow's "CMYK;I" unpacker and cmyk2rgb. The limits, scan
// cap, deadline and truncation checks are those of decode().
#include <algorithm>
#include <memory>
#include <string>

#include "../grey_internal.hpp"
#include "jpeg_header.hpp"

namespace imagebank::detail {
namespace {

struct LumaJpegState : JpegDecodeState {
  using JpegDecodeState::JpegDecodeState;
  GreyRowSink* sink = nullptr;
  std::unique_ptr<std::uint8_t[]> samples;  // a batch of decoded rows
  std::unique_ptr<std::uint8_t[]> luma;     // the same rows as "L"
};

// Rows per jpeg_read_scanlines batch (and per call of the sink).
constexpr std::size_t kBatch = 16;

// Pillow opens every 4-component JPEG as Adobe-inverted CMYK ("CMYK;I":
// each sample complemented) and converts CMYK to RGB as
// 255 - K - C (255 - K) / 255, rounded its own way.
void cmyk_to_luma(const std::uint8_t* in, std::size_t width,
                  std::uint8_t* out) {
  auto channel = [](unsigned c, unsigned nk) {
    const unsigned t = c * nk + 128;
    const int v = static_cast<int>(nk) - static_cast<int>(((t >> 8) + t) >> 8);
    return static_cast<unsigned>(v <= 0 ? 0 : v < 256 ? v : 255);
  };
  for (std::size_t x = 0; x < width; ++x) {
    const std::uint8_t* p = in + 4 * x;
    const unsigned nk = p[3];  // 255 - (255 - k)
    out[x] = pillow_luma(channel(255u - p[0], nk), channel(255u - p[1], nk),
                         channel(255u - p[2], nk));
  }
}

// Only trivially destructible locals between setjmp and return (see
// jpeg_io.hpp); the sink is called between libjpeg calls, never from one.
bool run_decode(LumaJpegState* state) {
  if (setjmp(state->jump)) return false;
  j_decompress_ptr c = &state->cinfo;
  jpeg_start_decompress(c);
  const std::size_t width = c->output_width;
  const int components = c->output_components;
  const J_COLOR_SPACE space = c->out_color_space;
  const std::size_t row_bytes = width * static_cast<std::size_t>(components);
  JSAMPROW rows[kBatch];
  while (c->output_scanline < c->output_height) {
    jpeg_check_guards(reinterpret_cast<j_common_ptr>(c));
    const std::size_t want =
        std::min<std::size_t>(kBatch, c->output_height - c->output_scanline);
    for (std::size_t i = 0; i < want; ++i) {
      rows[i] = state->samples.get() + i * row_bytes;
    }
    std::size_t got = 0;
    while (got < want) {
      const JDIMENSION n = jpeg_read_scanlines(
          c, rows + got, static_cast<JDIMENSION>(want - got));
      if (n == 0) {
        jpeg_fail(state, JpegState::Failure::kTruncated,
                  "truncated: the JPEG scan data ends early");
      }
      got += n;
    }
    const std::uint8_t* src = state->samples.get();
    if (space == JCS_GRAYSCALE) {
      state->sink->rows(src, got, row_bytes);
      continue;
    }
    if (space == JCS_CMYK) {
      cmyk_to_luma(src, got * width, state->luma.get());
    } else {
      // The batch's rows are contiguous in both buffers.
      rgbx_to_pillow_luma(src, got * width, state->luma.get());
    }
    state->sink->rows(state->luma.get(), got, width);
  }
  jpeg_finish_decompress(c);
  return true;
}

}  // namespace

Status decode_jpeg_pillow_grey(const Source& source, const Limits& limits,
                               const Deadline& deadline, GreyRowSink& sink) {
  LumaJpegState state(source, limits, deadline);
  if (!jpeg_begin_decode(&state, 1)) return state.failure_status();
  jpeg_decompress_struct& c = state.cinfo;
  c.do_fancy_upsampling = TRUE;
  switch (c.num_components) {
    case 1:
      c.out_color_space = JCS_GRAYSCALE;
      break;
    case 3:
      c.out_color_space = JCS_EXT_RGBX;
      break;
    case 4:
      c.out_color_space = JCS_CMYK;
      break;
    default:
      return unsupported_format_error("JPEG with " +
                                      std::to_string(c.num_components) +
                                      " components (Pillow opens 1, 3 or 4)");
  }
  if (!jpeg_calc_output_guarded(&state)) return state.failure_status();
  IMAGEBANK_RETURN_IF_ERROR(sink.begin(c.output_width, c.output_height));
  const std::size_t row_bytes = std::size_t{c.output_width} *
                                static_cast<std::size_t>(c.output_components);
  state.samples.reset(new (std::nothrow) std::uint8_t[row_bytes * kBatch]);
  state.luma.reset(new (std::nothrow)
                       std::uint8_t[std::size_t{c.output_width} * kBatch]);
  if (!state.samples || !state.luma) {
    return limit_exceeded_error("out of memory");
  }
  state.sink = &sink;
  if (!run_decode(&state)) return state.decode_failure();
  return ok_status();
}

}  // namespace imagebank::detail
