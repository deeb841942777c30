// Responsive variants: one upload → every size and format a storefront needs.
//
// make_variants() decodes once (shrinking on load to what the largest preset
// needs), resizes the presets largest first so that smaller ones are
// cascaded from a larger intermediate when it is at least twice their size,
// and encodes all (preset, format) outputs in parallel on a ThreadPool. The
// same input, presets, settings and library versions give the same bytes.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/core/result.hpp"
#include "imagebank/core/thread_pool.hpp"
#include "imagebank/image/decode.hpp"
#include "imagebank/image/encode.hpp"
#include "imagebank/image/format.hpp"
#include "imagebank/image/resize.hpp"

namespace imagebank {

struct Preset {
  std::string name;  // [a-z0-9_-]{1,32}: it becomes part of file names
  Geometry geometry;
};

// thumbnail 300x300 cover, small 480 wide fit, grid 500x500 cover,
// detail 1200x1200 fit, header 1600x600 cover, zoom 2400 fit.
const std::vector<Preset>& default_presets();
// A default preset by name; not_found for others.
Result<Preset> find_preset(std::string_view name);
// invalid_argument when the name or geometry cannot be used.
Status validate_preset(const Preset& preset);

struct VariantOptions {
  std::vector<Preset> presets = default_presets();
  std::vector<Format> formats = {Format::kAvif, Format::kWebp, Format::kJpeg};
  // Encoder settings per format; `format` inside each is overwritten.
  EncodeOptions jpeg = default_encode_options(Format::kJpeg);
  EncodeOptions webp = default_encode_options(Format::kWebp);
  EncodeOptions avif = default_encode_options(Format::kAvif);
  EncodeOptions png = default_encode_options(Format::kPng);
  Filter filter = Filter::kLanczos3;
  Limits limits;
  // nullptr: ThreadPool::shared().
  ThreadPool* pool = nullptr;

  const EncodeOptions& encode_options(Format format) const;
  // The settings imagebank ships with for each format.
  static EncodeOptions default_encode_options(Format format);
};

struct Variant {
  std::string preset;
  Format format = Format::kJpeg;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::vector<std::byte> data;
};

// What make_variants() saw on the way (as DecodeReport is for decode()),
// for callers that also hash the picture: they need not decode the file a
// second time.
struct VariantReport {
  ImageInfo info;  // the header, as probe() reports it
  // The smallest whole picture it resized from: upright, sRGB, neither
  // cropped nor padded (the last `fit` output, largest first, or the decoded
  // image when every preset crops or pads).
  Image picture;
};

// Variants in the order (preset order) x (format order) of the options;
// `report`, when not null, is filled on success.
// Errors: those of decode() (naming the source), invalid_argument for a bad
// preset or format, internal when an encoder fails.
Result<std::vector<Variant>> make_variants(const Source& source,
                                           const VariantOptions& options = {},
                                           VariantReport* report = nullptr);
Result<std::vector<Variant>> make_variants(std::span<const std::byte> bytes,
                                           const VariantOptions& options = {},
                                           VariantReport* report = nullptr);

// The one storage key of a variant, used by ingest, the server and tools:
// "variants/<sha256>/<preset>.<settings>.<ext>", where <settings> is 12 hex
// digits of a hash of the encoder fingerprint (settings and codec versions),
// so that changing either gives new keys. `settings.format` is ignored.
// invalid_argument for a sha256 that is not 64 lowercase hex digits or a
// bad preset name.
Result<std::string> variant_key(std::string_view sha256_hex,
                                std::string_view preset, Format format,
                                const EncodeOptions& settings);

}  // namespace imagebank
