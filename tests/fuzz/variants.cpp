// Fuzz target: make_variants end to end (probe, decode with shrink on load,
// resize, encode to every format) on small presets, seeded with small
// images of every format (corpus/variants).
#include "imagebank/variants/variants.hpp"

#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "imagebank/core/thread_pool.hpp"

namespace {

const imagebank::VariantOptions& options() {
  static imagebank::ThreadPool pool(1);
  static const imagebank::VariantOptions opts = [] {
    imagebank::VariantOptions o;
    imagebank::Geometry cover;
    cover.width = 32;
    cover.height = 32;
    cover.fit = imagebank::Fit::kCover;
    imagebank::Geometry fit;
    fit.width = 48;
    imagebank::Geometry pad;
    pad.width = 24;
    pad.height = 16;
    pad.fit = imagebank::Fit::kPad;
    o.presets = {{"thumb", cover}, {"small", fit}, {"pad", pad}};
    o.formats = {imagebank::Format::kJpeg, imagebank::Format::kWebp,
                 imagebank::Format::kPng, imagebank::Format::kAvif};
    o.avif.speed = 10;
    o.webp.effort = 0;
    o.png.compression_level = 1;
    o.limits = imagebank::fuzz::small_limits();
    o.pool = &pool;
    return o;
  }();
  return opts;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  imagebank::VariantReport report;
  const auto variants = imagebank::make_variants(
      imagebank::fuzz::bytes_of(data, size), options(), &report);
  if (variants.ok() && variants->size() != 12) {
    __builtin_trap();  // one variant per (preset, format)
  }
  return 0;
}
