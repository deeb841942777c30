// probe + decode of untrusted bytes (the image targets: one per format, each
// with its own corpus and dictionary; the decoder is picked from the bytes,
// so any format's input is valid for any of them).
#pragma once

#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "imagebank/image/decode.hpp"
#include "imagebank/image/probe.hpp"

namespace imagebank::fuzz {

inline void fuzz_image(const std::uint8_t* data, std::size_t size) {
  const auto bytes = bytes_of(data, size);
  const Limits limits = small_limits();
  const auto info = probe(bytes, limits);
  if (!info.ok()) {
    return;
  }
  // The last byte picks the options, so the corpus reaches each path:
  // full size or shrink on load, orientation and ICC conversion on or off,
  // each FailOn level.
  const std::uint8_t pick = size > 0 ? data[size - 1] : 0;
  DecodeOptions options;
  options.limits = limits;
  options.limits.fail_on = static_cast<FailOn>(pick & 3);
  options.auto_orient = (pick & 4) == 0;
  options.to_srgb = (pick & 8) == 0;
  if ((pick & 16) != 0) {
    options.target_width = 64;
    options.target_height = 64;
  }
  DecodeReport report;
  const auto image = decode(bytes, options, &report);
  if (image.ok() && (image->width() == 0 || image->height() == 0)) {
    __builtin_trap();  // decode() never succeeds with an empty image
  }
}

}  // namespace imagebank::fuzz
