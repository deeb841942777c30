// Internal: the one table of the formats imagebank knows (codecs.cpp), each
// row the public facts (FormatInfo) plus the entry points of the format's
// folder (src/image/<format>/). Probe, decode, encode, the grey views, the
// encoder fingerprint and the file-name facts all dispatch through it, so a
// new format is one folder and one row.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "decode_formats.hpp"
#include "imagebank/core/limits.hpp"
#include "imagebank/core/result.hpp"
#include "imagebank/image/encode.hpp"
#include "imagebank/image/format.hpp"
#include "imagebank/image/grey.hpp"
#include "imagebank/image/image_info.hpp"
#include "imagebank/image/source.hpp"

namespace imagebank::detail {

struct Codec {
  FormatInfo info;
  // Null for a format imagebank only recognises (info.can_decode false).
  // Errors carry no file name.
  Result<ImageInfo> (*probe)(const Source&, const Limits&) = nullptr;
  // `shrink` (1, 2, 4, 8) is honoured when info.shrink_on_load.
  Result<RawDecode> (*decode)(const Source&, const ImageInfo&, int shrink,
                              const DecodeOptions&, const Deadline&) = nullptr;
  // Pillow's grey view straight from the file; null: from decode's pixels.
  Status (*pillow_grey)(const Source&, const Limits&, const Deadline&,
                        GreyRowSink&) = nullptr;
  // Null unless info.can_encode. Options are checked by encode() first.
  Result<std::vector<std::byte>> (*encode)(const Image&,
                                           const EncodeOptions&) = nullptr;
  // The settings of `options` that change this encoder's bytes, e.g.
  // "jpeg:q80:p1:420:o1", and the library version, for the fingerprint.
  std::string (*encoder_settings)(const EncodeOptions&) = nullptr;
  std::string (*encoder_version)() = nullptr;
};

// The row of `format`; kUnknown's row for values outside the enum.
const Codec& codec(Format format) noexcept;
// Every row, kUnknown first, in enum order.
std::span<const Codec> codecs() noexcept;

}  // namespace imagebank::detail
