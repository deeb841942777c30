#include "jpeg_io.hpp"

#include <jerror.h>

#include <algorithm>
#include <span>

namespace imagebank::detail {
namespace {

// Most JPEG headers (tables, EXIF, ICC) fit in the first read; a larger one
// costs a few more.
constexpr std::size_t kReadChunk = 16 * 1024;

[[noreturn]] void on_error_exit(j_common_ptr cinfo) {
  JpegState* state = jpeg_state_of(cinfo);
  char text[JMSG_LENGTH_MAX];
  (*cinfo->err->format_message)(cinfo, text);
  state->failure = JpegState::Failure::kLibjpeg;
  state->libjpeg_code = cinfo->err->msg_code;
  state->message.assign(text);
  std::longjmp(state->jump, 1);
}

// What a libjpeg warning says about the file, for the decoding policy.
std::uint32_t classify_warning(int code) {
  switch (code) {
    case JWRN_EXTRANEOUS_DATA:
      return static_cast<std::uint32_t>(Tolerance::kJpegExtraneousBytes);
    case JWRN_ADOBE_XFORM:
    case JWRN_BOGUS_ICC:
    case JWRN_BOGUS_PROGRESSION:
    case JWRN_JFIF_MAJOR:
    case JWRN_NOT_SEQUENTIAL:
      return static_cast<std::uint32_t>(Tolerance::kJpegWarning);
    default:  // bad Huffman or arithmetic codes, lost markers, and any other
      return static_cast<std::uint32_t>(Tolerance::kCorruptData);
  }
}

// The least permissive level that lets a warning of this kind through.
FailOn tolerated_from(std::uint32_t kind) {
  return kind == static_cast<std::uint32_t>(Tolerance::kCorruptData)
             ? FailOn::kTruncated
             : FailOn::kError;
}

void on_emit_message(j_common_ptr cinfo, int level) {
  if (level >= 0) return;  // trace messages
  JpegState* state = jpeg_state_of(cinfo);
  cinfo->err->num_warnings++;
  const int code = cinfo->err->msg_code;
  const std::uint32_t kind = classify_warning(code);
  if (state->limits.fail_on <= tolerated_from(kind)) {
    state->tolerated |= kind;
    return;
  }
  char text[JMSG_LENGTH_MAX];
  (*cinfo->err->format_message)(cinfo, text);
  state->failure = JpegState::Failure::kWarning;
  state->libjpeg_code = code;
  state->message.assign(text);
  std::longjmp(state->jump, 1);
}

void on_init_source(j_decompress_ptr) {}
void on_term_source(j_decompress_ptr) {}

// Kept apart from on_fill so that no C++ object is alive in a frame that
// jpeg_fail unwinds.
std::size_t read_chunk(JpegState* state, bool* io_failed) {
  auto got = state->source->read_at(
      state->next_read, std::as_writable_bytes(std::span(state->buffer.get(),
                                                         state->buffer_size)));
  if (!got.ok()) {
    state->io_status = got.status();
    *io_failed = true;
    return 0;
  }
  *io_failed = false;
  return *got;
}

boolean on_fill(j_decompress_ptr cinfo) {
  JpegState* state = jpeg_state_of(reinterpret_cast<j_common_ptr>(cinfo));
  bool io_failed = false;
  const std::size_t got = read_chunk(state, &io_failed);
  if (io_failed) jpeg_fail(state, JpegState::Failure::kIo, "read failed");
  if (got == 0) {
    // libjpeg's stock managers insert a fake EOI here and carry on with a
    // grey image; a truncated upload is an error for us unless the policy
    // asks for nothing better.
    if (state->limits.fail_on != FailOn::kNone) {
      jpeg_fail(state, JpegState::Failure::kTruncated,
                "truncated: the file ends before the JPEG data does");
    }
    state->tolerated |= static_cast<std::uint32_t>(Tolerance::kTruncated);
    static const JOCTET kFakeEoi[2] = {0xFF, JPEG_EOI};
    state->src.next_input_byte = kFakeEoi;
    state->src.bytes_in_buffer = 2;
    return TRUE;
  }
  state->src.next_input_byte = state->buffer.get();
  state->src.bytes_in_buffer = got;
  state->next_read += got;
  return TRUE;
}

void on_skip(j_decompress_ptr cinfo, long count) {
  if (count <= 0) return;
  JpegState* state = jpeg_state_of(reinterpret_cast<j_common_ptr>(cinfo));
  const auto n = static_cast<std::size_t>(count);
  if (n <= state->src.bytes_in_buffer) {
    state->src.next_input_byte += n;
    state->src.bytes_in_buffer -= n;
    return;
  }
  // Random access: skipping a large marker costs no reads.
  state->next_read += n - state->src.bytes_in_buffer;
  state->src.bytes_in_buffer = 0;
  state->src.next_input_byte = state->buffer.get();
}

}  // namespace

JpegState::JpegState(const Source& src_in, const Limits& limits_in)
    : source(&src_in),
      limits(limits_in),
      buffer_size(static_cast<std::size_t>(std::max<std::uint64_t>(
          1, std::min<std::uint64_t>(kReadChunk, src_in.size())))) {
  buffer.reset(new JOCTET[buffer_size]);
}

JpegState::~JpegState() {
  if (created) jpeg_destroy_decompress(&cinfo);
}

void jpeg_fail(JpegState* state, JpegState::Failure failure,
               const char* message) {
  state->failure = failure;
  state->message.assign(message);
  std::longjmp(state->jump, 1);
}

JOCTET jpeg_next_byte(j_decompress_ptr cinfo) {
  jpeg_source_mgr* src = cinfo->src;
  if (src->bytes_in_buffer == 0) (*src->fill_input_buffer)(cinfo);
  src->bytes_in_buffer--;
  return *src->next_input_byte++;
}

bool jpeg_state_create(JpegState* state) {
  state->cinfo.err = jpeg_std_error(&state->err);
  state->err.error_exit = on_error_exit;
  state->err.emit_message = on_emit_message;
  state->cinfo.client_data = state;
  if (setjmp(state->jump)) return false;
  jpeg_create_decompress(&state->cinfo);
  state->created = true;
  state->src.init_source = on_init_source;
  state->src.fill_input_buffer = on_fill;
  state->src.skip_input_data = on_skip;
  state->src.resync_to_restart = jpeg_resync_to_restart;
  state->src.term_source = on_term_source;
  state->src.bytes_in_buffer = 0;
  state->src.next_input_byte = nullptr;
  state->cinfo.src = &state->src;
  return true;
}

Status JpegState::failure_status() const {
  switch (failure) {
    case Failure::kNone:
      return ok_status();
    case Failure::kTruncated:
      return corrupt_data_error(message);
    case Failure::kIo:
      return io_status;
    case Failure::kLimit:
      return limit_exceeded_error(message);
    case Failure::kWarning:
      // Named with the level that would have accepted it.
      return corrupt_data_error(
          "corrupt JPEG data: " + message + " (refused by fail_on=" +
          std::string(fail_on_name(limits.fail_on)) + "; fail_on=" +
          std::string(
              fail_on_name(tolerated_from(classify_warning(libjpeg_code)))) +
          " accepts it)");
    case Failure::kLibjpeg:
      switch (libjpeg_code) {
        case JERR_BAD_PRECISION:
        case JERR_SOF_UNSUPPORTED:
        case JERR_NOT_COMPILED:
        case JERR_ARITH_NOTIMPL:
          return unsupported_format_error("unsupported JPEG: " + message);
        case JERR_OUT_OF_MEMORY:
          return limit_exceeded_error("out of memory: " + message);
        default:
          return corrupt_data_error("corrupt JPEG: " + message);
      }
  }
  return internal_error("unknown JPEG failure");
}

}  // namespace imagebank::detail
