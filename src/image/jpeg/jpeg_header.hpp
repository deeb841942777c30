// Internal: the JPEG header read shared by probe and decode. Our marker
// processors handle APP1-APP13, APP15 and COM: they count metadata against
// Limits, keep the first EXIF block and note (or, for decode, collect) the
// ICC profile, so libjpeg never buffers unbounded marker data.
#pragma once

#include <cstdint>
#include <vector>

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

}  // namespace imagebank::detail
