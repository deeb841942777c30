// encode(): every format x channel count round-trips through the codec
// library's own decoder (not imagebank's, so that a shared bug cannot hide),
// options are honoured, metadata appears only when asked, output is
// reproducible, and bad input is an error.
#include "imagebank/image/encode.hpp"

#include <avif/avif.h>
#include <gtest/gtest.h>
#include <spng.h>
#include <turbojpeg.h>
#include <webp/decode.h>
#include <webp/demux.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/image/probe.hpp"

namespace imagebank {
namespace {

using Bytes = std::vector<std::byte>;

// A product-shot-like picture: a lit backdrop gradient, a shaded "product"
// (an ellipse with a radial highlight and a stripe pattern), a hard-edged
// label, and mild sensor noise. Alpha is a cut-out of the product with a
// soft edge, fully transparent elsewhere.
Image make_photo(std::uint32_t w, std::uint32_t h, int channels) {
  Image image = Image::create(w, h, channels).value();
  std::uint32_t seed = 12345;
  auto noise = [&seed] {
    seed = seed * 1664525u + 1013904223u;
    return static_cast<int>((seed >> 24) % 5) - 2;
  };
  const double cx = w * 0.5, cy = h * 0.55, rx = w * 0.3, ry = h * 0.35;
  for (std::uint32_t y = 0; y < h; ++y) {
    for (std::uint32_t x = 0; x < w; ++x) {
      const double u = static_cast<double>(x) / w;
      const double v = static_cast<double>(y) / h;
      double r = 200 - 60 * v + 20 * u, g = 190 - 40 * v, b = 170 + 50 * v;
      const double dx = (x - cx) / rx, dy = (y - cy) / ry;
      const double d = std::sqrt(dx * dx + dy * dy);  // 1 at the product edge
      if (d < 1) {
        const double light = 1 - 0.6 * std::hypot(dx + 0.3, dy + 0.3);
        const double stripe = 12 * std::sin(u * 40 + v * 10);
        r = 150 * light + 60 + stripe;
        g = 60 * light + 30 + stripe;
        b = 50 * light + 40;
      }
      if (x > w * 0.1 && x < w * 0.3 && y > h * 0.1 && y < h * 0.2) {
        r = g = b = 30;  // a dark label with hard edges
      }
      auto px = [&](double c) {
        return static_cast<std::uint8_t>(
            std::clamp(static_cast<int>(std::lround(c)) + noise(), 0, 255));
      };
      const std::uint8_t rr = px(r), gg = px(g), bb = px(b);
      // Soft edge over ~4% of the radius.
      const auto alpha = static_cast<std::uint8_t>(std::clamp(
          static_cast<int>(std::lround((1.04 - d) / 0.08 * 255)), 0, 255));
      std::uint8_t* p = image.row(y) + std::size_t{x} * channels;
      if (channels <= 2) {
        p[0] = static_cast<std::uint8_t>((77 * rr + 150 * gg + 29 * bb) >> 8);
        if (channels == 2) p[1] = alpha;
      } else {
        p[0] = rr;
        p[1] = gg;
        p[2] = bb;
        if (channels == 4) p[3] = alpha;
      }
    }
  }
  return image;
}

constexpr std::uint32_t kW = 320;
constexpr std::uint32_t kH = 240;

const Image& photo(int channels) {
  static const Image images[4] = {make_photo(kW, kH, 1), make_photo(kW, kH, 2),
                                  make_photo(kW, kH, 3), make_photo(kW, kH, 4)};
  return images[channels - 1];
}

// ---------------------------------------------------------------------------
// Decoding with the codec libraries, always to RGBA8.

struct Rgba {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::vector<std::uint8_t> px;
};

const std::uint8_t* u8(const Bytes& b) {
  return reinterpret_cast<const std::uint8_t*>(b.data());
}

std::optional<Rgba> decode_jpeg(const Bytes& bytes) {
  tjhandle tj = tjInitDecompress();
  int w = 0, h = 0, sub = 0, space = 0;
  Rgba out;
  bool ok = tjDecompressHeader3(tj, u8(bytes), bytes.size(), &w, &h, &sub,
                                &space) == 0;
  if (ok) {
    out.width = static_cast<std::uint32_t>(w);
    out.height = static_cast<std::uint32_t>(h);
    out.px.resize(std::size_t{out.width} * out.height * 4);
    ok = tjDecompress2(tj, u8(bytes), bytes.size(), out.px.data(), w, 0, h,
                       TJPF_RGBA, TJFLAG_ACCURATEDCT) == 0;
  }
  tjDestroy(tj);
  if (!ok) return std::nullopt;
  return out;
}

std::optional<Rgba> decode_png(const Bytes& bytes) {
  spng_ctx* ctx = spng_ctx_new(0);
  Rgba out;
  spng_ihdr ihdr{};
  std::size_t size = 0;
  bool ok = spng_set_png_buffer(ctx, bytes.data(), bytes.size()) == 0 &&
            spng_get_ihdr(ctx, &ihdr) == 0 &&
            spng_decoded_image_size(ctx, SPNG_FMT_RGBA8, &size) == 0;
  if (ok) {
    out.width = ihdr.width;
    out.height = ihdr.height;
    out.px.resize(size);
    ok = spng_decode_image(ctx, out.px.data(), size, SPNG_FMT_RGBA8, 0) == 0;
  }
  spng_ctx_free(ctx);
  if (!ok) return std::nullopt;
  return out;
}

std::optional<Rgba> decode_webp(const Bytes& bytes) {
  int w = 0, h = 0;
  std::uint8_t* px = WebPDecodeRGBA(u8(bytes), bytes.size(), &w, &h);
  if (!px) return std::nullopt;
  Rgba out{static_cast<std::uint32_t>(w), static_cast<std::uint32_t>(h),
           std::vector<std::uint8_t>(px, px + std::size_t(w) * h * 4)};
  WebPFree(px);
  return out;
}

// Decodes with libavif, leaving the YUV image in `*yuv_out` when given (the
// caller destroys it) for checks of its format, ICC and EXIF.
std::optional<Rgba> decode_avif(const Bytes& bytes,
                                avifImage** yuv_out = nullptr) {
  avifDecoder* dec = avifDecoderCreate();
  avifImage* yuv = avifImageCreateEmpty();
  Rgba out;
  bool ok = avifDecoderReadMemory(dec, yuv, u8(bytes), bytes.size()) ==
            AVIF_RESULT_OK;
  if (ok) {
    avifRGBImage rgb;
    avifRGBImageSetDefaults(&rgb, yuv);
    rgb.format = AVIF_RGB_FORMAT_RGBA;
    rgb.depth = 8;
    out.width = yuv->width;
    out.height = yuv->height;
    out.px.resize(std::size_t{out.width} * out.height * 4);
    rgb.pixels = out.px.data();
    rgb.rowBytes = out.width * 4;
    ok = avifImageYUVToRGB(yuv, &rgb) == AVIF_RESULT_OK;
  }
  avifDecoderDestroy(dec);
  if (yuv_out) {
    *yuv_out = yuv;
  } else {
    avifImageDestroy(yuv);
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<Rgba> decode_with_codec(Format format, const Bytes& bytes) {
  switch (format) {
    case Format::kJpeg:
      return decode_jpeg(bytes);
    case Format::kPng:
      return decode_png(bytes);
    case Format::kWebp:
      return decode_webp(bytes);
    default:
      return decode_avif(bytes);
  }
}

// The source as RGBA8: gray expanded, missing alpha opaque.
Rgba to_rgba(const Image& image) {
  Rgba out{image.width(), image.height(), {}};
  const int c = image.channels();
  const std::size_t n = std::size_t{image.width()} * image.height();
  out.px.resize(n * 4);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t* s = image.data() + i * c;
    std::uint8_t* d = out.px.data() + i * 4;
    d[0] = s[0];
    d[1] = c >= 3 ? s[1] : s[0];
    d[2] = c >= 3 ? s[2] : s[0];
    d[3] = c == 2 ? s[1] : c == 4 ? s[3] : 255;
  }
  return out;
}

Rgba over_white(const Rgba& in) {
  Rgba out = in;
  for (std::size_t i = 0; i < out.px.size(); i += 4) {
    const double a = in.px[i + 3] / 255.0;
    for (int k = 0; k < 3; ++k) {
      out.px[i + k] = static_cast<std::uint8_t>(
          std::lround(in.px[i + k] * a + 255 * (1 - a)));
    }
    out.px[i + 3] = 255;
  }
  return out;
}

// PSNR over the colour samples (alpha is compared separately).
double psnr_rgb(const Rgba& a, const Rgba& b) {
  double se = 0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < a.px.size(); i += 4) {
    for (int k = 0; k < 3; ++k, ++n) {
      const double d = double(a.px[i + k]) - double(b.px[i + k]);
      se += d * d;
    }
  }
  if (se == 0) return 99;
  return 10 * std::log10(255.0 * 255.0 * n / se);
}

bool same_alpha(const Rgba& a, const Rgba& b) {
  for (std::size_t i = 3; i < a.px.size(); i += 4) {
    if (a.px[i] != b.px[i]) return false;
  }
  return true;
}

// Equal everywhere except the colour of fully transparent pixels, which
// encoders may change.
bool same_visible(const Rgba& a, const Rgba& b) {
  for (std::size_t i = 0; i < a.px.size(); i += 4) {
    if (a.px[i + 3] != b.px[i + 3]) return false;
    if (a.px[i + 3] != 0 && std::memcmp(&a.px[i], &b.px[i], 3) != 0) {
      return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------
// Byte-level helpers.

bool contains(const Bytes& bytes, std::string_view text) {
  return std::search(bytes.begin(), bytes.end(), text.begin(), text.end(),
                     [](std::byte b, char c) {
                       return b == static_cast<std::byte>(c);
                     }) != bytes.end();
}

std::size_t find_at(const Bytes& bytes, std::string_view text) {
  return static_cast<std::size_t>(
      std::search(
          bytes.begin(), bytes.end(), text.begin(), text.end(),
          [](std::byte b, char c) { return b == static_cast<std::byte>(c); }) -
      bytes.begin());
}

std::uint32_t at(const Bytes& b, std::size_t i) {
  return std::to_integer<std::uint32_t>(b[i]);
}

// The Copyright (0x8298) of IFD0 in a TIFF block, parsed independently of
// the writer; nullopt when the block is malformed or lacks the tag.
std::optional<std::string> exif_copyright(const Bytes& tiff) {
  if (tiff.size() < 8) return std::nullopt;
  const bool le = at(tiff, 0) == 'I';
  if (!le && at(tiff, 0) != 'M') return std::nullopt;
  auto u16 = [&](std::size_t o) {
    return le ? at(tiff, o) | at(tiff, o + 1) << 8
              : at(tiff, o) << 8 | at(tiff, o + 1);
  };
  auto u32 = [&](std::size_t o) {
    return le ? u16(o) | u16(o + 2) << 16 : u16(o) << 16 | u16(o + 2);
  };
  if (u16(2) != 42) return std::nullopt;
  const std::size_t ifd = u32(4);
  if (ifd + 2 > tiff.size()) return std::nullopt;
  for (std::uint32_t i = 0; i < u16(ifd); ++i) {
    const std::size_t e = ifd + 2 + 12 * i;
    if (e + 12 > tiff.size()) return std::nullopt;
    if (u16(e) != 0x8298 || u16(e + 2) != 2) continue;
    const std::uint32_t count = u32(e + 4);
    const std::size_t off = count <= 4 ? e + 8 : u32(e + 8);
    if (count == 0 || off + count > tiff.size()) return std::nullopt;
    if (at(tiff, off + count - 1) != 0) return std::nullopt;  // NUL-ended
    std::string s;
    for (std::size_t k = 0; k + 1 < count; ++k) s += char(at(tiff, off + k));
    return s;
  }
  return std::nullopt;
}

Bytes from(const void* p, std::size_t n) {
  const auto* b = static_cast<const std::byte*>(p);
  return Bytes(b, b + n);
}

struct Metadata {
  Bytes icc;
  Bytes exif;  // TIFF, from its byte-order mark
};

// The ICC profile and EXIF block as each format's reader sees them.
Metadata metadata_of(Format format, const Bytes& bytes) {
  Metadata m;
  switch (format) {
    case Format::kJpeg: {
      // Single-segment profile: "ICC_PROFILE\0", sequence 1, count 1.
      if (contains(bytes, std::string_view("ICC_PROFILE\0\1\1", 14))) {
        const std::size_t sig = find_at(bytes, "ICC_PROFILE");
        const std::size_t seg_len =
            at(bytes, sig - 2) << 8 | at(bytes, sig - 1);
        EXPECT_EQ(at(bytes, sig - 3), 0xE2u);  // APP2
        m.icc.assign(bytes.begin() + sig + 14,
                     bytes.begin() + sig - 2 + seg_len);
      }
      const std::string_view exif_sig("Exif\0\0", 6);
      if (contains(bytes, exif_sig)) {
        const std::size_t sig = find_at(bytes, exif_sig);
        const std::size_t seg_len =
            at(bytes, sig - 2) << 8 | at(bytes, sig - 1);
        EXPECT_EQ(at(bytes, sig - 3), 0xE1u);  // APP1
        m.exif.assign(bytes.begin() + sig + 6,
                      bytes.begin() + sig - 2 + seg_len);
      }
      break;
    }
    case Format::kPng: {
      spng_ctx* ctx = spng_ctx_new(0);
      EXPECT_EQ(spng_set_png_buffer(ctx, bytes.data(), bytes.size()), 0);
      spng_iccp iccp{};
      if (spng_get_iccp(ctx, &iccp) == 0) {
        m.icc = from(iccp.profile, iccp.profile_len);
      }
      spng_exif exif{};
      if (spng_get_exif(ctx, &exif) == 0) m.exif = from(exif.data, exif.length);
      spng_ctx_free(ctx);
      break;
    }
    case Format::kWebp: {
      const WebPData data{u8(bytes), bytes.size()};
      WebPDemuxer* demux = WebPDemux(&data);
      EXPECT_NE(demux, nullptr);
      if (!demux) break;
      WebPChunkIterator it;
      if (WebPDemuxGetChunk(demux, "ICCP", 1, &it)) {
        m.icc = from(it.chunk.bytes, it.chunk.size);
        WebPDemuxReleaseChunkIterator(&it);
      }
      if (WebPDemuxGetChunk(demux, "EXIF", 1, &it)) {
        m.exif = from(it.chunk.bytes, it.chunk.size);
        WebPDemuxReleaseChunkIterator(&it);
      }
      WebPDemuxDelete(demux);
      break;
    }
    default: {
      avifImage* yuv = nullptr;
      EXPECT_TRUE(decode_avif(bytes, &yuv).has_value());
      m.icc = from(yuv->icc.data, yuv->icc.size);
      m.exif = from(yuv->exif.data, yuv->exif.size);
      avifImageDestroy(yuv);
      // Some libavif versions keep the item's 4-byte TIFF-offset prefix.
      if (m.exif.size() >= 4 && at(m.exif, 0) != 'M' && at(m.exif, 0) != 'I') {
        m.exif.erase(m.exif.begin(), m.exif.begin() + 4);
      }
      break;
    }
  }
  return m;
}

Bytes encode_ok(const Image& image, const EncodeOptions& options) {
  Result<Bytes> r = encode(image, options);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *std::move(r) : Bytes{};
}

EncodeOptions options_for(Format format, int quality = 90) {
  EncodeOptions o;
  o.format = format;
  o.quality = quality;
  return o;
}

constexpr Format kFormats[] = {Format::kJpeg, Format::kPng, Format::kWebp,
                               Format::kAvif};

std::string format_param_name(const ::testing::TestParamInfo<Format>& info) {
  return std::string(format_name(info.param));
}

// ---------------------------------------------------------------------------
// Round trips: every format x channel count.

struct RoundTripCase {
  Format format;
  int channels;
  bool lossless;  // WebP only
  int quality;
  double min_psnr;  // composited over white; 0 = bit-exact expected
};

// Thresholds sit about 1.5 dB under what libjpeg-turbo 2.1.5, libwebp 1.2.4
// and libavif 0.11.1 + aom 3.6.0 measure on this image (listed alongside).
// With alpha, both sides are composited over white first, so the (exact)
// white background lifts the figure.
constexpr RoundTripCase kRoundTrips[] = {
    {Format::kJpeg, 1, false, 90, 44},  // 45.6
    {Format::kJpeg, 2, false, 90, 46},  // 47.9
    {Format::kJpeg, 3, false, 90, 38},  // 39.8
    {Format::kJpeg, 4, false, 90, 42},  // 43.7
    {Format::kPng, 1, false, 90, 0},     {Format::kPng, 2, false, 90, 0},
    {Format::kPng, 3, false, 90, 0},     {Format::kPng, 4, false, 90, 0},
    {Format::kWebp, 1, false, 90, 44.5},  // 46.3
    {Format::kWebp, 2, false, 90, 49},    // 50.6
    {Format::kWebp, 3, false, 90, 39},    // 40.5
    {Format::kWebp, 4, false, 90, 44},    // 45.6
    {Format::kWebp, 1, true, 90, 0},     {Format::kWebp, 2, true, 90, 0},
    {Format::kWebp, 3, true, 90, 0},     {Format::kWebp, 4, true, 90, 0},
    {Format::kAvif, 1, false, 80, 45},  // 46.5
    {Format::kAvif, 2, false, 80, 49},  // 50.9
    {Format::kAvif, 3, false, 80, 39},  // 40.6
    {Format::kAvif, 4, false, 80, 44},  // 45.4
};

class EncodeRoundTrip : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(EncodeRoundTrip, ProbesAndDecodesToTheSource) {
  const RoundTripCase& c = GetParam();
  const Image& source = photo(c.channels);
  EncodeOptions options = options_for(c.format, c.quality);
  options.lossless = c.lossless;
  const Bytes bytes = encode_ok(source, options);
  ASSERT_FALSE(bytes.empty());

  const bool alpha = c.channels % 2 == 0;
  int channels = c.channels;  // what the format stores
  if (c.format == Format::kJpeg) channels = c.channels <= 2 ? 1 : 3;
  if (c.format == Format::kWebp) channels = alpha ? 4 : 3;
  Result<ImageInfo> info = probe(std::span<const std::byte>(bytes));
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->format, c.format);
  EXPECT_EQ(info->width, kW);
  EXPECT_EQ(info->height, kH);
  EXPECT_EQ(info->channels, channels);
  EXPECT_EQ(info->has_alpha, alpha && c.format != Format::kJpeg);
  EXPECT_EQ(info->bit_depth, 8);
  EXPECT_EQ(info->orientation, 1);
  EXPECT_FALSE(info->icc);
  EXPECT_EQ(info->frames, 1u);
  EXPECT_EQ(info->bytes, bytes.size());

  const std::optional<Rgba> decoded = decode_with_codec(c.format, bytes);
  ASSERT_TRUE(decoded.has_value());
  ASSERT_EQ(decoded->width, kW);
  ASSERT_EQ(decoded->height, kH);
  const Rgba expected = to_rgba(source);
  if (c.min_psnr == 0) {
    if (c.format == Format::kPng) {
      EXPECT_TRUE(decoded->px == expected.px);
    } else {
      EXPECT_TRUE(same_visible(*decoded, expected));
    }
    return;
  }
  const double psnr = psnr_rgb(over_white(*decoded), over_white(expected));
  RecordProperty("psnr_x100", static_cast<int>(psnr * 100));
  RecordProperty("bytes", static_cast<int>(bytes.size()));
  EXPECT_GT(psnr, c.min_psnr) << bytes.size() << " bytes";
  // Alpha: dropped by JPEG, lossless in WebP (libwebp's default) and AVIF
  // (our choice).
  if (c.format != Format::kJpeg) {
    EXPECT_TRUE(same_alpha(*decoded, expected));
  } else {
    for (std::size_t i = 3; i < decoded->px.size(); i += 4) {
      ASSERT_EQ(decoded->px[i], 255);
    }
  }
}

std::string round_trip_name(
    const ::testing::TestParamInfo<RoundTripCase>& info) {
  const RoundTripCase& c = info.param;
  return std::string(format_name(c.format)) + (c.lossless ? "_lossless" : "") +
         "_" + std::to_string(c.channels) + "ch";
}

INSTANTIATE_TEST_SUITE_P(Encode, EncodeRoundTrip,
                         ::testing::ValuesIn(kRoundTrips), round_trip_name);

// ---------------------------------------------------------------------------
// Per-format properties.

class EncodeFormat : public ::testing::TestWithParam<Format> {};

TEST_P(EncodeFormat, IsDeterministic) {
  EncodeOptions options = options_for(GetParam());
  options.keep_srgb_icc = true;
  options.copyright = "(c) Marca Ltda";
  for (int channels : {1, 4}) {
    const Bytes a = encode_ok(photo(channels), options);
    const Bytes b = encode_ok(photo(channels), options);
    EXPECT_FALSE(a.empty());
    EXPECT_TRUE(a == b) << channels << " channels";
  }
}

TEST_P(EncodeFormat, WritesNoMetadataByDefault) {
  for (int channels = 1; channels <= 4; ++channels) {
    const Bytes bytes = encode_ok(photo(channels), options_for(GetParam()));
    Result<ImageInfo> info = probe(std::span<const std::byte>(bytes));
    ASSERT_TRUE(info.ok()) << info.status();
    EXPECT_FALSE(info->icc);
    for (const char* marker : {"Exif", "EXIF", "eXIf", "ICC_PROFILE", "iCCP",
                               "ICCP", "XMP", "http://ns.adobe.com", "tEXt",
                               "zTXt", "iTXt", "tIME", "rICC", "prof"}) {
      EXPECT_FALSE(contains(bytes, marker)) << marker << ", " << channels;
    }
    const Metadata m = metadata_of(GetParam(), bytes);
    EXPECT_TRUE(m.icc.empty());
    EXPECT_TRUE(m.exif.empty());
  }
}

TEST_P(EncodeFormat, EmbedsSrgbIccWhenAsked) {
  EncodeOptions options = options_for(GetParam());
  options.keep_srgb_icc = true;
  for (int channels = 1; channels <= 4; ++channels) {
    const Bytes bytes = encode_ok(photo(channels), options);
    Result<ImageInfo> info = probe(std::span<const std::byte>(bytes));
    ASSERT_TRUE(info.ok()) << info.status();
    EXPECT_TRUE(info->icc) << channels;
    const Metadata m = metadata_of(GetParam(), bytes);
    ASSERT_GE(m.icc.size(), 128u) << channels;
    EXPECT_LT(m.icc.size(), 1024u);  // lcms2's compact v4 profile
    EXPECT_EQ(std::memcmp(m.icc.data() + 36, "acsp", 4), 0);
    // Gray encodings (not WebP, which has none) carry a gray profile.
    const bool gray = channels <= 2 && GetParam() != Format::kWebp;
    EXPECT_EQ(std::memcmp(m.icc.data() + 16, gray ? "GRAY" : "RGB ", 4), 0)
        << channels;
    // The creation date is pinned (2024-01-01) for reproducible output.
    const unsigned char date[12] = {0x07, 0xE8, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0};
    EXPECT_EQ(std::memcmp(m.icc.data() + 24, date, 12), 0);
    EXPECT_TRUE(m.exif.empty());
  }
}

TEST_P(EncodeFormat, EmbedsCopyrightAsExif) {
  for (const std::string& copyright :
       {std::string("(c) 2024 Marca Ltda. Todos os direitos reservados."),
        std::string("\xC2\xA9 Sa\xC3\xBA"), std::string("abc")}) {
    EncodeOptions options = options_for(GetParam());
    options.copyright = copyright;
    for (int channels : {1, 3, 4}) {
      const Bytes bytes = encode_ok(photo(channels), options);
      EXPECT_TRUE(contains(bytes, copyright));
      Result<ImageInfo> info = probe(std::span<const std::byte>(bytes));
      ASSERT_TRUE(info.ok()) << info.status();
      EXPECT_EQ(info->orientation, 1);
      EXPECT_FALSE(info->icc);
      const Metadata m = metadata_of(GetParam(), bytes);
      EXPECT_EQ(exif_copyright(m.exif), copyright) << channels;
      EXPECT_TRUE(m.icc.empty());
      // Still decodes.
      EXPECT_TRUE(decode_with_codec(GetParam(), bytes).has_value());
    }
  }
}

TEST_P(EncodeFormat, EmbedsIccAndCopyrightTogether) {
  EncodeOptions options = options_for(GetParam());
  options.keep_srgb_icc = true;
  options.copyright = "Marca";
  const Bytes bytes = encode_ok(photo(3), options);
  Result<ImageInfo> info = probe(std::span<const std::byte>(bytes));
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_TRUE(info->icc);
  const Metadata m = metadata_of(GetParam(), bytes);
  EXPECT_FALSE(m.icc.empty());
  EXPECT_EQ(exif_copyright(m.exif), "Marca");
}

TEST_P(EncodeFormat, EncodesTinyAndOddSizedImages) {
  for (auto [w, h] : {std::pair{1u, 1u}, {1u, 17u}, {33u, 1u}, {7u, 5u}}) {
    for (int channels = 1; channels <= 4; ++channels) {
      Image image = Image::create(w, h, channels).value();
      for (std::size_t i = 0; i < image.size_bytes(); ++i) {
        image.data()[i] = static_cast<std::uint8_t>(i * 37);
      }
      const Bytes bytes = encode_ok(image, options_for(GetParam()));
      Result<ImageInfo> info = probe(std::span<const std::byte>(bytes));
      ASSERT_TRUE(info.ok()) << info.status() << " " << w << "x" << h;
      EXPECT_EQ(info->width, w);
      EXPECT_EQ(info->height, h);
      const std::optional<Rgba> decoded = decode_with_codec(GetParam(), bytes);
      ASSERT_TRUE(decoded.has_value());
      EXPECT_EQ(decoded->width, w);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Encode, EncodeFormat, ::testing::ValuesIn(kFormats),
                         format_param_name);

class EncodeLossy : public ::testing::TestWithParam<Format> {};

TEST_P(EncodeLossy, HigherQualityIsLargerAndCloser) {
  const Image& source = photo(3);
  const Bytes low = encode_ok(source, options_for(GetParam(), 30));
  const Bytes high = encode_ok(source, options_for(GetParam(), 90));
  EXPECT_LT(low.size(), high.size());
  const Rgba expected = to_rgba(source);
  const double psnr_low =
      psnr_rgb(decode_with_codec(GetParam(), low).value(), expected);
  const double psnr_high =
      psnr_rgb(decode_with_codec(GetParam(), high).value(), expected);
  EXPECT_LT(psnr_low, psnr_high);
}

INSTANTIATE_TEST_SUITE_P(Encode, EncodeLossy,
                         ::testing::Values(Format::kJpeg, Format::kWebp,
                                           Format::kAvif),
                         format_param_name);

// ---------------------------------------------------------------------------
// JPEG specifics.

struct Sof {
  int marker = 0;             // 0xC0 baseline, 0xC2 progressive
  std::vector<int> sampling;  // per component, (h << 4) | v
};

Sof find_sof(const Bytes& b) {
  Sof sof;
  std::size_t i = 2;  // after SOI
  while (i + 4 <= b.size() && at(b, i) == 0xFF) {
    const std::uint32_t marker = at(b, i + 1);
    const std::uint32_t len = at(b, i + 2) << 8 | at(b, i + 3);
    if (marker == 0xC0 || marker == 0xC1 || marker == 0xC2) {
      sof.marker = static_cast<int>(marker);
      const std::uint32_t n = at(b, i + 9);
      for (std::uint32_t k = 0; k < n; ++k) {
        sof.sampling.push_back(static_cast<int>(at(b, i + 11 + 3 * k)));
      }
      return sof;
    }
    i += 2 + len;
  }
  return sof;
}

// The marker types before the first scan: only what libjpeg needs plus JFIF.
std::vector<int> header_markers(const Bytes& b) {
  std::vector<int> markers;
  std::size_t i = 2;
  while (i + 4 <= b.size() && at(b, i) == 0xFF) {
    const std::uint32_t marker = at(b, i + 1);
    markers.push_back(static_cast<int>(marker));
    if (marker == 0xDA) break;
    i += 2 + (at(b, i + 2) << 8 | at(b, i + 3));
  }
  return markers;
}

TEST(Encode, JpegHonoursProgressive) {
  EncodeOptions options = options_for(Format::kJpeg);
  for (bool progressive : {false, true}) {
    options.progressive = progressive;
    for (int channels : {1, 3}) {
      const Bytes bytes = encode_ok(photo(channels), options);
      Result<ImageInfo> info = probe(std::span<const std::byte>(bytes));
      ASSERT_TRUE(info.ok()) << info.status();
      EXPECT_EQ(info->progressive, progressive);
      EXPECT_EQ(find_sof(bytes).marker, progressive ? 0xC2 : 0xC0);
    }
  }
}

TEST(Encode, JpegHonoursChromaSubsampling) {
  EncodeOptions options = options_for(Format::kJpeg);
  options.subsampling = ChromaSubsampling::k420;
  EXPECT_EQ(find_sof(encode_ok(photo(3), options)).sampling,
            (std::vector<int>{0x22, 0x11, 0x11}));
  options.subsampling = ChromaSubsampling::k444;
  const Bytes full = encode_ok(photo(3), options);
  EXPECT_EQ(find_sof(full).sampling, (std::vector<int>{0x11, 0x11, 0x11}));
  // Gray has one component whatever is asked.
  EXPECT_EQ(find_sof(encode_ok(photo(1), options)).sampling,
            (std::vector<int>{0x11}));
  // 4:4:4 keeps more colour detail.
  options.subsampling = ChromaSubsampling::k420;
  const Bytes sub = encode_ok(photo(3), options);
  const Rgba expected = to_rgba(photo(3));
  EXPECT_GT(psnr_rgb(decode_jpeg(full).value(), expected),
            psnr_rgb(decode_jpeg(sub).value(), expected));
}

TEST(Encode, JpegWritesOnlyJfifAndCodingMarkers) {
  EncodeOptions options = options_for(Format::kJpeg);
  options.progressive = false;
  const std::vector<int> markers = header_markers(encode_ok(photo(3), options));
  ASSERT_FALSE(markers.empty());
  EXPECT_EQ(markers.front(), 0xE0);  // JFIF APP0
  for (int m : markers) {
    EXPECT_TRUE(m == 0xE0 || m == 0xDB || m == 0xC4 || m == 0xC0 || m == 0xDA)
        << std::hex << m;
  }
}

TEST(Encode, JpegOptimizedHuffmanIsSmaller) {
  EncodeOptions options = options_for(Format::kJpeg);
  options.progressive = false;
  options.optimize_coding = false;
  const Bytes plain = encode_ok(photo(3), options);
  options.optimize_coding = true;
  const Bytes optimised = encode_ok(photo(3), options);
  EXPECT_LT(optimised.size(), plain.size());
}

TEST(Encode, JpegCompositesAlphaOverWhite) {
  for (int channels : {2, 4}) {
    Image image = Image::create(16, 16, channels).value();
    for (std::size_t i = 0; i < image.size_bytes(); i += channels) {
      // Dark colour, fully transparent; the colour must not show.
      std::fill_n(image.data() + i, channels - 1, std::uint8_t{20});
      image.data()[i + channels - 1] = 0;
    }
    const std::optional<Rgba> decoded =
        decode_jpeg(encode_ok(image, options_for(Format::kJpeg)));
    ASSERT_TRUE(decoded.has_value());
    for (std::size_t i = 0; i < decoded->px.size(); ++i) {
      ASSERT_GE(decoded->px[i], 250) << channels;
    }
  }
}

TEST(Encode, AvifHonoursChromaSubsampling) {
  for (auto [sub, want] :
       {std::pair{ChromaSubsampling::k420, AVIF_PIXEL_FORMAT_YUV420},
        {ChromaSubsampling::k444, AVIF_PIXEL_FORMAT_YUV444}}) {
    EncodeOptions options = options_for(Format::kAvif, 80);
    options.subsampling = sub;
    for (int channels : {1, 3}) {
      avifImage* yuv = nullptr;
      EXPECT_TRUE(decode_avif(encode_ok(photo(channels), options), &yuv));
      EXPECT_EQ(yuv->yuvFormat,
                channels == 1 ? AVIF_PIXEL_FORMAT_YUV400 : want);
      EXPECT_EQ(yuv->depth, 8u);
      EXPECT_EQ(yuv->yuvRange, AVIF_RANGE_FULL);
      avifImageDestroy(yuv);
    }
  }
}

TEST(Encode, AvifIsDeterministicForAGivenThreadCount) {
  // libaom's output changes with the thread count (which is why threads is
  // part of the fingerprint) but not from run to run.
  EncodeOptions options = options_for(Format::kAvif, 60);
  options.threads = 2;
  const Bytes two = encode_ok(photo(4), options);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(two == encode_ok(photo(4), options));
  options.threads = 1;
  const Bytes one = encode_ok(photo(4), options);
  options.threads = 0;  // means 1
  EXPECT_TRUE(one == encode_ok(photo(4), options));
}

TEST(Encode, PngCompressionLevelTradesSize) {
  EncodeOptions options = options_for(Format::kPng);
  options.compression_level = 0;
  const Bytes stored = encode_ok(photo(3), options);
  options.compression_level = 9;
  const Bytes best = encode_ok(photo(3), options);
  EXPECT_GT(stored.size(), photo(3).size_bytes());
  EXPECT_LT(best.size(), stored.size());
  EXPECT_EQ(decode_png(stored).value().px, decode_png(best).value().px);
}

TEST(Encode, WebpLosslessIgnoresQuality) {
  EncodeOptions options = options_for(Format::kWebp, 10);
  options.lossless = true;
  const Bytes a = encode_ok(photo(3), options);
  options.quality = 95;
  EXPECT_TRUE(a == encode_ok(photo(3), options));
  EXPECT_EQ(decode_webp(a).value().px, to_rgba(photo(3)).px);
}

// ---------------------------------------------------------------------------
// Errors.

TEST(Encode, RejectsOptionsOutOfRange) {
  struct Bad {
    const char* name;
    void (*set)(EncodeOptions&);
  };
  const Bad cases[] = {
      {"quality", [](EncodeOptions& o) { o.quality = 0; }},
      {"quality", [](EncodeOptions& o) { o.quality = 101; }},
      {"effort", [](EncodeOptions& o) { o.effort = -1; }},
      {"effort", [](EncodeOptions& o) { o.effort = 7; }},
      {"speed", [](EncodeOptions& o) { o.speed = -1; }},
      {"speed", [](EncodeOptions& o) { o.speed = 11; }},
      {"compression_level", [](EncodeOptions& o) { o.compression_level = -1; }},
      {"compression_level", [](EncodeOptions& o) { o.compression_level = 10; }},
      {"threads", [](EncodeOptions& o) { o.threads = -1; }},
      {"subsampling",
       [](EncodeOptions& o) {
         o.subsampling = static_cast<ChromaSubsampling>(7);
       }},
      {"copyright",
       [](EncodeOptions& o) { o.copyright = std::string("a\0b", 3); }},
      {"copyright", [](EncodeOptions& o) { o.copyright.assign(5000, 'x'); }},
  };
  for (Format format : kFormats) {
    for (const Bad& bad : cases) {
      EncodeOptions options = options_for(format);
      bad.set(options);
      Result<Bytes> r = encode(photo(3), options);
      ASSERT_FALSE(r.ok()) << bad.name;
      EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
      EXPECT_NE(r.status().message().find(bad.name), std::string::npos)
          << r.status();
    }
  }
  // The bounds themselves are accepted.
  EncodeOptions edge = options_for(Format::kJpeg, 1);
  edge.effort = 0;
  edge.speed = 10;
  edge.compression_level = 9;
  edge.threads = 0;
  EXPECT_TRUE(encode(photo(3), edge).ok());
  edge.quality = 100;
  edge.effort = 6;
  edge.speed = 0;
  edge.compression_level = 0;
  EXPECT_TRUE(encode(photo(3), edge).ok());
}

TEST(Encode, RejectsAnEmptyImage) {
  for (Format format : kFormats) {
    Result<Bytes> r = encode(Image(), options_for(format));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  }
}

TEST(Encode, RejectsFormatsItCannotWrite) {
  for (Format format :
       {Format::kGif, Format::kTiff, Format::kHeic, Format::kBmp, Format::kSvg,
        Format::kJxl, Format::kUnknown}) {
    Result<Bytes> r = encode(photo(3), options_for(format));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(format_name(format)), std::string::npos)
        << r.status();
  }
}

TEST(Encode, RejectsImagesTooLargeForTheFormat) {
  const Image wide = Image::create(16384, 1, 3).value();  // WebP max 16383
  Result<Bytes> r = encode(wide, options_for(Format::kWebp));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("WebP"), std::string::npos);

  Limits limits;
  limits.max_dimension = 70000;
  const Image wider = Image::create(65501, 1, 1, limits).value();  // JPEG 65500
  r = encode(wider, options_for(Format::kJpeg));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("JPEG"), std::string::npos);
}

// ---------------------------------------------------------------------------
// Fingerprint.

TEST(Encode, FingerprintNamesSettingsAndLibraries) {
  const std::string jpeg = encoder_fingerprint(options_for(Format::kJpeg, 80));
  EXPECT_EQ(jpeg.rfind("jpeg:q80:p1:420:o1|libjpeg-turbo ", 0), 0u) << jpeg;
  EXPECT_NE(encoder_fingerprint(options_for(Format::kPng)).find("|libspng 0."),
            std::string::npos);
  EXPECT_NE(encoder_fingerprint(options_for(Format::kWebp)).find("|libwebp 1."),
            std::string::npos);
  const std::string avif = encoder_fingerprint(options_for(Format::kAvif));
  EXPECT_NE(avif.find("|libavif 0.11"), std::string::npos) << avif;
  EXPECT_NE(avif.find("aom v3"), std::string::npos) << avif;
  EXPECT_EQ(avif.find("dav1d"), std::string::npos) << avif;
  EXPECT_EQ(encoder_fingerprint(options_for(Format::kGif)), "gif:unsupported");
  EncodeOptions zero = options_for(Format::kAvif);
  zero.threads = 0;
  EncodeOptions one = zero;
  one.threads = 1;
  EXPECT_EQ(encoder_fingerprint(zero), encoder_fingerprint(one));
}

TEST(Encode, FingerprintChangesWithEverySettingThatChangesBytes) {
  for (Format format : kFormats) {
    const EncodeOptions base = options_for(format, 80);
    const std::string fp = encoder_fingerprint(base);
    EXPECT_EQ(fp, encoder_fingerprint(base));  // stable
    std::vector<EncodeOptions> changed(4, base);
    changed[0].keep_srgb_icc = true;
    changed[1].copyright = "A";
    changed[2].copyright = "B";
    changed[3].format = format == Format::kPng ? Format::kJpeg : Format::kPng;
    std::vector<std::string> seen = {fp};
    for (const EncodeOptions& o : changed)
      seen.push_back(encoder_fingerprint(o));
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end()) << fp;
  }
  auto differs = [](Format format, void (*set)(EncodeOptions&)) {
    EncodeOptions o = options_for(format, 80);
    const std::string before = encoder_fingerprint(o);
    set(o);
    return encoder_fingerprint(o) != before;
  };
  auto q = [](EncodeOptions& o) { o.quality = 81; };
  auto sub = [](EncodeOptions& o) { o.subsampling = ChromaSubsampling::k444; };
  auto threads = [](EncodeOptions& o) { o.threads = 4; };
  EXPECT_TRUE(differs(Format::kJpeg, q));
  EXPECT_TRUE(differs(Format::kJpeg, sub));
  EXPECT_TRUE(
      differs(Format::kJpeg, [](EncodeOptions& o) { o.progressive = false; }));
  EXPECT_TRUE(differs(Format::kJpeg,
                      [](EncodeOptions& o) { o.optimize_coding = false; }));
  EXPECT_TRUE(differs(Format::kWebp, q));
  EXPECT_TRUE(differs(Format::kWebp, [](EncodeOptions& o) { o.effort = 6; }));
  EXPECT_TRUE(
      differs(Format::kWebp, [](EncodeOptions& o) { o.lossless = true; }));
  EXPECT_TRUE(differs(Format::kAvif, q));
  EXPECT_TRUE(differs(Format::kAvif, sub));
  EXPECT_TRUE(differs(Format::kAvif, [](EncodeOptions& o) { o.speed = 6; }));
  EXPECT_TRUE(
      differs(Format::kPng, [](EncodeOptions& o) { o.compression_level = 9; }));
  // Settings a format ignores leave its fingerprint alone.
  EXPECT_FALSE(differs(Format::kPng, q));
  EXPECT_TRUE(differs(Format::kAvif, threads));
  EXPECT_FALSE(differs(Format::kJpeg, threads));
  EXPECT_FALSE(differs(Format::kJpeg, [](EncodeOptions& o) { o.speed = 3; }));
}

}  // namespace
}  // namespace imagebank
