#include "imagebank/variants/variants.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

#include "imagebank/image/probe.hpp"

namespace imagebank {
namespace {

Preset make_preset(const char* name, std::uint32_t w, std::uint32_t h,
                   Fit fit) {
  Preset p;
  p.name = name;
  p.geometry.width = w;
  p.geometry.height = h;
  p.geometry.fit = fit;
  return p;
}

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 32) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

// The size a preset resizes the whole picture to before any crop or pad:
// what it needs from its source.
Size content_size(std::uint32_t width, std::uint32_t height,
                  const Geometry& g) {
  if (g.fit != Fit::kCover || g.width == 0 || g.height == 0) {
    Geometry fit = g;
    fit.fit = Fit::kFit;
    Result<Size> s = fitted_size(width, height, fit);
    return s.ok() ? *s : Size{width, height};
  }
  const double scale =
      std::max(double(g.width) / width, double(g.height) / height);
  const double capped = g.upscale ? scale : std::min(scale, 1.0);
  return {std::max<std::uint32_t>(1, std::uint32_t(width * capped + 0.5)),
          std::max<std::uint32_t>(1, std::uint32_t(height * capped + 0.5))};
}

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

const std::vector<Preset>& default_presets() {
  static const std::vector<Preset> presets = {
      make_preset("thumbnail", 300, 300, Fit::kCover),
      make_preset("small", 480, 0, Fit::kFit),
      make_preset("grid", 500, 500, Fit::kCover),
      make_preset("detail", 1200, 1200, Fit::kFit),
      make_preset("header", 1600, 600, Fit::kCover),
      make_preset("zoom", 2400, 2400, Fit::kFit),
  };
  return presets;
}

Result<Preset> find_preset(std::string_view name) {
  for (const Preset& p : default_presets()) {
    if (p.name == name) return p;
  }
  return not_found_error("no preset named '" + std::string(name) +
                         "' (thumbnail, small, grid, detail, header, zoom)");
}

Status validate_preset(const Preset& preset) {
  if (!valid_name(preset.name)) {
    return invalid_argument_error("preset name '" + preset.name +
                                  "' must be 1-32 of [a-z0-9_-]");
  }
  const Geometry& g = preset.geometry;
  if (g.width == 0 && g.height == 0) {
    return invalid_argument_error("preset '" + preset.name +
                                  "' needs a width or a height");
  }
  if ((g.fit == Fit::kCover || g.fit == Fit::kPad) &&
      (g.width == 0 || g.height == 0)) {
    return invalid_argument_error(
        "preset '" + preset.name +
        "': cover and pad need both width and height");
  }
  if (g.width > 16384 || g.height > 16384) {
    return invalid_argument_error("preset '" + preset.name +
                                  "' is larger than 16384 px");
  }
  return ok_status();
}

EncodeOptions VariantOptions::default_encode_options(Format format) {
  EncodeOptions o;
  o.format = format;
  switch (format) {
    case Format::kJpeg:
      o.quality = 80;
      o.progressive = true;
      o.optimize_coding = true;
      break;
    case Format::kWebp:
      o.quality = 80;
      o.effort = 4;
      break;
    case Format::kAvif:
      // One shared quality for the catalog; speed 8 as imgproxy settled on
      // (benchmarks/README.md has the speed/size table behind it).
      o.quality = 60;
      o.speed = 8;
      o.threads = 1;  // parallelism comes from encoding variants side by side
      break;
    default:
      break;
  }
  return o;
}

const EncodeOptions& VariantOptions::encode_options(Format format) const {
  switch (format) {
    case Format::kWebp:
      return webp;
    case Format::kAvif:
      return avif;
    case Format::kPng:
      return png;
    default:
      return jpeg;
  }
}

Result<std::string> variant_key(std::string_view sha256_hex,
                                std::string_view preset, Format format,
                                const EncodeOptions& settings) {
  const bool hex =
      sha256_hex.size() == 64 &&
      std::all_of(sha256_hex.begin(), sha256_hex.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      });
  if (!hex) {
    return invalid_argument_error(
        "sha256 must be 64 lowercase hex digits, got '" +
        std::string(sha256_hex.substr(0, 80)) + "'");
  }
  if (!valid_name(preset)) {
    return invalid_argument_error("bad preset name '" + std::string(preset) +
                                  "'");
  }
  EncodeOptions o = settings;
  o.format = format;
  char tag[16];
  std::snprintf(tag, sizeof tag, "%012llx",
                static_cast<unsigned long long>(fnv1a(encoder_fingerprint(o)) &
                                                0xFFFFFFFFFFFFull));
  return "variants/" + std::string(sha256_hex) + "/" + std::string(preset) +
         "." + tag + "." + std::string(file_extension(format));
}

Result<std::vector<Variant>> make_variants(const Source& source,
                                           const VariantOptions& options,
                                           VariantReport* report) {
  if (options.presets.empty() || options.formats.empty()) {
    return invalid_argument_error("make_variants needs presets and formats");
  }
  for (const Preset& p : options.presets) {
    IMAGEBANK_RETURN_IF_ERROR(validate_preset(p));
  }
  for (Format f : options.formats) {
    if (!format_info(f).can_encode) {
      return invalid_argument_error("cannot make variants in format " +
                                    std::string(format_name(f)));
    }
  }
  // The header first: the display size decides what the largest preset
  // needs, which decides the shrink-on-load factor.
  IMAGEBANK_ASSIGN_OR_RETURN(const ImageInfo info,
                             probe(source, options.limits));
  const std::uint32_t dw = info.display_width();
  const std::uint32_t dh = info.display_height();
  std::vector<Size> needs;
  Size largest{0, 0};
  for (const Preset& p : options.presets) {
    needs.push_back(content_size(dw, dh, p.geometry));
    largest.width = std::max(largest.width, needs.back().width);
    largest.height = std::max(largest.height, needs.back().height);
  }
  DecodeOptions decode_options;
  decode_options.limits = options.limits;
  decode_options.target_width = largest.width;
  decode_options.target_height = largest.height;
  DecodeReport decoded_report;
  IMAGEBANK_ASSIGN_OR_RETURN(const Image decoded,
                             decode(source, decode_options, &decoded_report));

  ResizeOptions resize_options;
  resize_options.filter = options.filter;
  resize_options.pool = options.pool;

  // Largest first; each preset resizes from the smallest full-picture
  // intermediate (an earlier `fit` output) that is at least twice what it
  // needs, else from the decoded image.
  std::vector<std::size_t> order(options.presets.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) {
                     return std::uint64_t{needs[a].width} * needs[a].height >
                            std::uint64_t{needs[b].width} * needs[b].height;
                   });
  std::vector<Image> resized(options.presets.size());
  std::vector<const Image*> intermediates;
  for (std::size_t i : order) {
    const Preset& preset = options.presets[i];
    const Image* from = &decoded;
    for (const Image* candidate : intermediates) {
      if (candidate->width() >= 2 * needs[i].width &&
          candidate->height() >= 2 * needs[i].height &&
          candidate->width() < from->width()) {
        from = candidate;
      }
    }
    // An intermediate has the original's aspect and is at least twice what
    // this preset needs, so the geometry gives the same size from it.
    Result<Image> out = fit_to(*from, preset.geometry, resize_options);
    if (!out.ok()) {
      return out.status().with_context(source.name() + ": preset " +
                                       preset.name);
    }
    resized[i] = std::move(out).value();
    if (preset.geometry.fit == Fit::kFit) intermediates.push_back(&resized[i]);
  }
  if (report != nullptr) {
    report->info = info;
    // What the pixel data needed of the decoding policy, beyond the header.
    report->info.tolerated |= decoded_report.info.tolerated;
    report->picture = intermediates.empty() ? decoded : *intermediates.back();
  }

  const std::size_t nf = options.formats.size();
  std::vector<Variant> variants(options.presets.size() * nf);
  std::vector<Status> errors(variants.size());
  ThreadPool& pool = options.pool ? *options.pool : ThreadPool::shared();
  pool.parallel_for(variants.size(), [&](std::size_t k) {
    const std::size_t i = k / nf;
    const Format format = options.formats[k % nf];
    EncodeOptions eo = options.encode_options(format);
    eo.format = format;
    Result<std::vector<std::byte>> bytes = encode(resized[i], eo);
    if (!bytes.ok()) {
      errors[k] = bytes.status();
      return;
    }
    Variant& v = variants[k];
    v.preset = options.presets[i].name;
    v.format = format;
    v.width = resized[i].width();
    v.height = resized[i].height();
    v.data = std::move(bytes).value();
  });
  for (std::size_t k = 0; k < errors.size(); ++k) {
    if (!errors[k].ok()) {
      return errors[k].with_context(
          source.name() + ": " + options.presets[k / nf].name + "." +
          std::string(file_extension(options.formats[k % nf])));
    }
  }
  return variants;
}

Result<std::vector<Variant>> make_variants(std::span<const std::byte> bytes,
                                           const VariantOptions& options,
                                           VariantReport* report) {
  return make_variants(*Source::memory(bytes), options, report);
}

}  // namespace imagebank
