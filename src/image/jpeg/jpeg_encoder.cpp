// JPEG encode with the libjpeg API of libjpeg-turbo (rather than TurboJPEG)
// for control over progression, Huffman optimisation, sampling factors and
// the markers written.
//
// JPEG has no alpha. Gray+alpha and RGBA are composited over white, the
// convention of product shots on a white page, so a cut-out keeps its white
// background instead of showing whatever colour hid under transparent
// pixels. Gray is written as a one-component (grayscale) JPEG.
//
// libjpeg reports errors by longjmp out of error_exit (see jpeg_io.hpp for
// the decoder's side of the same rule): the functions that call into
// libjpeg after setjmp keep only trivially destructible locals, and C++
// objects live in EncodeState.

// jpeglib.h needs size_t and FILE declared first.
// clang-format off
#include <csetjmp>
#include <cstddef>
#include <cstdio>
#include <jpeglib.h>
// clang-format on

#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <string>

#include "../encode_internal.hpp"

namespace imagebank::detail {
namespace {

// Output is gathered in chunks of this size and appended to the result.
constexpr std::size_t kChunk = 64 * 1024;

struct EncodeState {
  jpeg_compress_struct cinfo{};
  jpeg_error_mgr err{};
  jpeg_destination_mgr dest{};
  std::jmp_buf jump{};
  bool created = false;

  std::unique_ptr<JOCTET[]> chunk{new (std::nothrow) JOCTET[kChunk]};
  std::vector<std::byte> out;
  bool out_of_memory = false;
  std::string message;

  EncodeState() = default;
  EncodeState(const EncodeState&) = delete;
  EncodeState& operator=(const EncodeState&) = delete;
  ~EncodeState() {
    if (created) jpeg_destroy_compress(&cinfo);
  }
};

EncodeState* state_of(j_common_ptr cinfo) {
  return static_cast<EncodeState*>(cinfo->client_data);
}

[[noreturn]] void on_error_exit(j_common_ptr cinfo) {
  EncodeState* state = state_of(cinfo);
  char text[JMSG_LENGTH_MAX];
  (*cinfo->err->format_message)(cinfo, text);
  state->message.assign(text);
  std::longjmp(state->jump, 1);
}

// The compressor's warnings concern nothing we pass it; stay silent rather
// than let libjpeg print to stderr.
void on_emit_message(j_common_ptr, int) {}

// Appends `n` bytes of the chunk to the output. No C++ object of a frame
// that longjmp unwinds may be alive, so the allocation (which may throw)
// happens here and only a flag crosses back.
bool append_chunk(EncodeState* state, std::size_t n) noexcept {
  try {
    const auto* p = reinterpret_cast<const std::byte*>(state->chunk.get());
    state->out.insert(state->out.end(), p, p + n);
    return true;
  } catch (const std::bad_alloc&) {
    state->out_of_memory = true;
    state->message = "out of memory for the JPEG output";
    return false;
  }
}

void on_init_destination(j_compress_ptr cinfo) {
  EncodeState* state = state_of(reinterpret_cast<j_common_ptr>(cinfo));
  state->dest.next_output_byte = state->chunk.get();
  state->dest.free_in_buffer = kChunk;
}

boolean on_empty_output_buffer(j_compress_ptr cinfo) {
  EncodeState* state = state_of(reinterpret_cast<j_common_ptr>(cinfo));
  // libjpeg asks for a flush only when the buffer is full, whatever
  // free_in_buffer says.
  if (!append_chunk(state, kChunk)) std::longjmp(state->jump, 1);
  state->dest.next_output_byte = state->chunk.get();
  state->dest.free_in_buffer = kChunk;
  return TRUE;
}

void on_term_destination(j_compress_ptr cinfo) {
  EncodeState* state = state_of(reinterpret_cast<j_common_ptr>(cinfo));
  if (!append_chunk(state, kChunk - state->dest.free_in_buffer)) {
    std::longjmp(state->jump, 1);
  }
}

// (c * a + 255 * (255 - a)) / 255, rounded: straight alpha over white.
inline std::uint8_t over_white(std::uint32_t c, std::uint32_t a) {
  return static_cast<std::uint8_t>((c * a + 255 * (255 - a) + 127) / 255);
}

// The row as libjpeg takes it: the image row itself, or the row composited
// over white into `scratch` when the image has alpha.
JSAMPROW input_row(const Image& image, std::uint32_t y, JSAMPLE* scratch) {
  const std::uint8_t* src = image.row(y);
  const std::uint32_t w = image.width();
  switch (image.channels()) {
    case 2:
      for (std::uint32_t x = 0; x < w; ++x) {
        scratch[x] = over_white(src[2 * x], src[2 * x + 1]);
      }
      return scratch;
    case 4:
      for (std::uint32_t x = 0; x < w; ++x) {
        const std::uint8_t* p = src + 4 * x;
        scratch[3 * x] = over_white(p[0], p[3]);
        scratch[3 * x + 1] = over_white(p[1], p[3]);
        scratch[3 * x + 2] = over_white(p[2], p[3]);
      }
      return scratch;
    default:
      // libjpeg takes rows as non-const but never writes to them.
      return const_cast<JSAMPROW>(src);
  }
}

// Everything that calls into libjpeg. Returns false after a longjmp, with
// state->message saying why.
bool compress(EncodeState* state, const Image& image,
              const EncodeOptions& options, const EncodeMetadata& meta,
              const std::vector<JOCTET>& app1, JSAMPLE* scratch) {
  if (setjmp(state->jump)) return false;
  jpeg_compress_struct* cinfo = &state->cinfo;
  jpeg_create_compress(cinfo);
  state->created = true;
  cinfo->dest = &state->dest;

  const bool gray = image.channels() <= 2;
  cinfo->image_width = image.width();
  cinfo->image_height = image.height();
  cinfo->input_components = gray ? 1 : 3;
  cinfo->in_color_space = gray ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(cinfo);
  cinfo->dct_method = JDCT_ISLOW;
  // Baseline-compatible quantisation tables: every decoder takes them.
  jpeg_set_quality(cinfo, options.quality, TRUE);
  cinfo->optimize_coding = options.optimize_coding ? TRUE : FALSE;
  if (!gray) {
    // Chroma components keep 1x1; the luma factor sets the subsampling.
    const int luma = options.subsampling == ChromaSubsampling::k444 ? 1 : 2;
    cinfo->comp_info[0].h_samp_factor = luma;
    cinfo->comp_info[0].v_samp_factor = luma;
  }
  // After the sampling factors: the scan script depends on the components.
  if (options.progressive) jpeg_simple_progression(cinfo);

  jpeg_start_compress(cinfo, TRUE);
  // EXIF (APP1) before ICC (APP2), both after the JFIF APP0 libjpeg wrote.
  if (!app1.empty()) {
    jpeg_write_marker(cinfo, JPEG_APP0 + 1, app1.data(),
                      static_cast<unsigned int>(app1.size()));
  }
  if (!meta.icc.empty()) {
    jpeg_write_icc_profile(cinfo,
                           reinterpret_cast<const JOCTET*>(meta.icc.data()),
                           static_cast<unsigned int>(meta.icc.size()));
  }
  while (cinfo->next_scanline < cinfo->image_height) {
    JSAMPROW row = input_row(image, cinfo->next_scanline, scratch);
    jpeg_write_scanlines(cinfo, &row, 1);
  }
  jpeg_finish_compress(cinfo);
  return true;
}

}  // namespace

Result<std::vector<std::byte>> encode_jpeg(const Image& image,
                                           const EncodeOptions& options) {
  if (image.width() > JPEG_MAX_DIMENSION ||
      image.height() > JPEG_MAX_DIMENSION) {
    return invalid_argument_error(
        "image of " + std::to_string(image.width()) + "x" +
        std::to_string(image.height()) + " is too large for JPEG (max " +
        std::to_string(JPEG_MAX_DIMENSION) + " per side)");
  }
  const bool gray = image.channels() <= 2;
  IMAGEBANK_ASSIGN_OR_RETURN(const EncodeMetadata meta,
                             encode_metadata(options, gray));
  std::vector<JOCTET> app1;
  if (!meta.exif.empty()) {
    app1.reserve(kExifJpegPrefix.size() + meta.exif.size());
    for (const char c : kExifJpegPrefix) app1.push_back(static_cast<JOCTET>(c));
    for (const std::byte b : meta.exif) app1.push_back(static_cast<JOCTET>(b));
  }
  std::unique_ptr<JSAMPLE[]> scratch;
  if (image.has_alpha()) {
    scratch.reset(new (std::nothrow) JSAMPLE[std::size_t{image.width()} * 3]);
    if (!scratch) return limit_exceeded_error("out of memory for JPEG rows");
  }

  EncodeState state;
  if (!state.chunk) return limit_exceeded_error("out of memory for JPEG");
  state.cinfo.err = jpeg_std_error(&state.err);
  state.err.error_exit = on_error_exit;
  state.err.emit_message = on_emit_message;
  state.cinfo.client_data = &state;
  state.dest.init_destination = on_init_destination;
  state.dest.empty_output_buffer = on_empty_output_buffer;
  state.dest.term_destination = on_term_destination;
  if (!compress(&state, image, options, meta, app1, scratch.get())) {
    if (state.out_of_memory) return limit_exceeded_error(state.message);
    return internal_error("libjpeg failed to encode: " + state.message);
  }
  return std::move(state.out);
}

// The settings that change a JPEG's bytes, for encoder_fingerprint().
std::string jpeg_encoder_settings(const EncodeOptions& options) {
  return "jpeg:q" + std::to_string(options.quality) + ":p" +
         (options.progressive ? "1" : "0") + ":" +
         (options.subsampling == ChromaSubsampling::k444 ? "444" : "420") +
         ":o" + (options.optimize_coding ? "1" : "0");
}

std::string jpeg_encoder_version() {
#ifdef LIBJPEG_TURBO_VERSION_NUMBER
  // The version the library was built against: libjpeg-turbo has no run-time
  // query, and its soname changes with any incompatible release.
  constexpr int v = LIBJPEG_TURBO_VERSION_NUMBER;
  return "libjpeg-turbo " + std::to_string(v / 1000000) + "." +
         std::to_string(v / 1000 % 1000) + "." + std::to_string(v % 1000);
#else
  return "libjpeg " + std::to_string(JPEG_LIB_VERSION);
#endif
}

}  // namespace imagebank::detail
