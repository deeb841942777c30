// Internal: the JPEG header read shared by probe and decode. Our marker
// processors handle APP1-APP13, APP15 and COM: they count metadata against
// Limits, keep the first EXIF block and note (or, for decode, collect) the
// ICC profile, so libjpeg never buffers unbounded marker data.
#pragma once

#include <cstdint>
#include <vector>

#include "../decode_formats.hpp"
#include "jpeg_io.hpp"

namespace imagebank::detail {

struct JpegHeaderState : JpegState {
  using JpegState::JpegState;
  // Set before reading to keep the ICC profile bytes.
  bool collect_icc = false;

  std::uint64_t metadata_bytes = 0;
  bool icc = false;
  bool have_exif = false;
  std::vector<std::byte> exif;  // the APP1 payload, "Exif\0\0" included
  // ICC chunks by sequence number (1-based in the file).
  std::vector<std::vector<std::byte>> icc_chunks;

  // The ICC profile reassembled in sequence order; empty when absent or
  // when its chunks are inconsistent (a broken profile is ignored, not
  // fatal).
  std::vector<std::byte> icc_profile() const;
  // EXIF orientation 1-8 (1 without EXIF).
  int orientation() const;
};

// Installs the marker processors and runs jpeg_read_header. False (with
// state->failure set) when libjpeg or a processor failed.
bool jpeg_read_header_guarded(JpegHeaderState* state);

// jpeg_calc_output_dimensions under a setjmp: false (with state->failure
// set) when libjpeg rejects the scaling or colour settings.
bool jpeg_calc_output_guarded(JpegState* state);

// A pixel decode's state: the header's, plus the guards every JPEG decode
// runs under (the scan limit and the deadline, which stop progressive-JPEG
// CPU bombs). Each decoder derives its own state from this one.
struct JpegDecodeState : JpegHeaderState {
  JpegDecodeState(const Source& source, const Limits& limits,
                  const Deadline& deadline_in)
      : JpegHeaderState(source, limits), deadline(&deadline_in) {}
  const Deadline* deadline;
  jpeg_progress_mgr progress{};
  // The last failure was the deadline's: reported with its own code
  // (deadline_exceeded), not as a limit.
  bool deadline_hit = false;

  // The Status of the failed decode (no file name).
  Status decode_failure() const {
    return deadline_hit ? deadline->status() : failure_status();
  }
};

// The start of every JPEG pixel decode: creates the decompressor, reads
// the header, installs the guards (libjpeg's progress monitor runs
// jpeg_check_guards) and asks for the reference ISLOW IDCT at 1/`shrink`
// scale. False (with state->failure set) when libjpeg failed.
bool jpeg_begin_decode(JpegDecodeState* state, int shrink);

// Fails the decode (longjmp, see jpeg_io.hpp) past the scan limit or the
// deadline. libjpeg calls it as its progress monitor; decoders also call it
// where libjpeg does not (buffered-image mode, between scanlines).
void jpeg_check_guards(j_common_ptr cinfo);

}  // namespace imagebank::detail
