// Internal: libjpeg plumbing shared by the JPEG probe and decoder — an error
// manager that turns libjpeg's exits (and, by Limits, its warnings) into a
// longjmp back to our code, and a source manager that pulls from a Source.
//
// libjpeg reports errors by calling error_exit, which must not return. We
// longjmp out of it. Any function that calls into libjpeg must therefore keep
// only trivially destructible locals between its setjmp and the call; the
// helpers here follow that rule, and C++ objects live in JpegState.
#pragma once

// jpeglib.h needs size_t and FILE declared first.
// clang-format off
#include <csetjmp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <jpeglib.h>
// clang-format on

#include <memory>
#include <string>

#include "imagebank/core/limits.hpp"
#include "imagebank/core/status.hpp"
#include "imagebank/image/image_info.hpp"
#include "imagebank/image/source.hpp"

namespace imagebank::detail {

struct JpegState {
  enum class Failure { kNone, kTruncated, kIo, kLimit, kLibjpeg, kWarning };

  jpeg_decompress_struct cinfo{};
  jpeg_error_mgr err{};
  jpeg_source_mgr src{};
  std::jmp_buf jump{};
  bool created = false;

  const Source* source = nullptr;
  Limits limits;
  std::uint64_t next_read = 0;  // Source offset of the next fill
  // Read buffer, no larger than the file: probing a small file should not
  // zero 64 KiB.
  std::unique_ptr<JOCTET[]> buffer;
  std::size_t buffer_size = 0;

  // Tolerance bits: the warnings (and, at FailOn::kNone, the truncation)
  // that Limits::fail_on let through.
  std::uint32_t tolerated = 0;

  // Why the last longjmp happened.
  Failure failure = Failure::kNone;
  int libjpeg_code = 0;
  std::string message;
  Status io_status;

  JpegState(const Source& src_in, const Limits& limits_in);
  JpegState(const JpegState&) = delete;
  JpegState& operator=(const JpegState&) = delete;
  ~JpegState();

  // Offset in the Source of the next byte libjpeg will consume.
  std::uint64_t position() const {
    return next_read - static_cast<std::uint64_t>(src.bytes_in_buffer);
  }

  // Translates `failure` into a Status (no file name; the caller adds it).
  Status failure_status() const;
};

// Creates the decompressor and installs the managers. Returns false (with
// state->failure set) if libjpeg failed, e.g. out of memory.
bool jpeg_state_create(JpegState* state);

// Ends the current call into libjpeg with a failure of our own: libjpeg
// frames are unwound with longjmp. Called from callbacks only.
[[noreturn]] void jpeg_fail(JpegState* state, JpegState::Failure failure,
                            const char* message);

// Reads one byte of a marker segment inside a marker processor.
JOCTET jpeg_next_byte(j_decompress_ptr cinfo);

inline JpegState* jpeg_state_of(j_common_ptr cinfo) {
  return static_cast<JpegState*>(cinfo->client_data);
}

}  // namespace imagebank::detail
