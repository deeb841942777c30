// The decoding policy (Limits::fail_on): each class of odd or damaged file,
// crafted here from clean files, at each level, through probe, decode and
// the grey (hash) decodes, and what ImageInfo::tolerated records.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/core/limits.hpp"
#include "imagebank/image/decode.hpp"
#include "imagebank/image/encode.hpp"
#include "imagebank/image/grey.hpp"
#include "imagebank/image/probe.hpp"
#include "support/test_support.hpp"

namespace imagebank {
namespace {

using testing::Bytes;
using testing::data_path;
using testing::find;
using testing::png_chunk;
using testing::read_file;

constexpr std::uint32_t kTol(Tolerance t) {
  return static_cast<std::uint32_t>(t);
}

Image gradient(std::uint32_t w, std::uint32_t h, std::uint8_t tint) {
  Image image = *Image::create(w, h, 3);
  for (std::uint32_t y = 0; y < h; ++y) {
    std::uint8_t* row = image.row(y);
    for (std::uint32_t x = 0; x < w; ++x) {
      row[3 * x] = static_cast<std::uint8_t>(x * 255 / w);
      row[3 * x + 1] = static_cast<std::uint8_t>(y * 255 / h);
      row[3 * x + 2] = tint;
    }
  }
  return image;
}

Bytes encoded(Format format, std::uint8_t tint = 128) {
  EncodeOptions o;
  o.format = format;
  o.progressive = false;  // one scan: the damage below lands in it
  o.quality = 90;
  return *encode(gradient(96, 64, tint), o);
}

Bytes concat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Bytes text_bytes(std::string_view s) {
  const auto* p = reinterpret_cast<const std::byte*>(s.data());
  return Bytes(p, p + s.size());
}

// ---- JPEG classes --------------------------------------------------------

// Three zero bytes before the first DQT marker, as some cameras and EXIF
// editors leave after the APP segments.
Bytes jpeg_extraneous_bytes() {
  Bytes b = encoded(Format::kJpeg);
  const std::size_t dqt = find(b, "\xFF\xDB");
  b.insert(b.begin() + static_cast<std::ptrdiff_t>(dqt), 3, std::byte{0});
  return b;
}

// A run of stuffed FF bytes in the middle of the scan: sixteen 1 bits, a
// Huffman code no JPEG table may assign.
Bytes jpeg_bad_huffman() {
  Bytes b = encoded(Format::kJpeg);
  const std::size_t sos = find(b, "\xFF\xDA");
  const std::size_t data = sos + 2 +
                           ((static_cast<std::size_t>(b[sos + 2]) << 8) |
                            static_cast<std::size_t>(b[sos + 3]));
  const std::size_t at = data + (b.size() - data) / 3;
  for (std::size_t i = 0; i < 32; i += 2) {
    b[at + i] = std::byte{0xFF};
    b[at + i + 1] = std::byte{0x00};
  }
  return b;
}

Bytes truncated(const Bytes& b, double keep) {
  return Bytes(b.begin(),
               b.begin() + static_cast<std::ptrdiff_t>(b.size() * keep));
}

// ---- PNG classes ---------------------------------------------------------

// The chunks of a PNG file: the signature, then every chunk whole.
std::vector<Bytes> png_chunks(const Bytes& png) {
  std::vector<Bytes> out{Bytes(png.begin(), png.begin() + 8)};
  std::size_t at = 8;
  while (at + 12 <= png.size()) {
    const std::size_t len = (static_cast<std::size_t>(png[at]) << 24) |
                            (static_cast<std::size_t>(png[at + 1]) << 16) |
                            (static_cast<std::size_t>(png[at + 2]) << 8) |
                            static_cast<std::size_t>(png[at + 3]);
    out.emplace_back(png.begin() + static_cast<std::ptrdiff_t>(at),
                     png.begin() + static_cast<std::ptrdiff_t>(at + 12 + len));
    at += 12 + len;
  }
  return out;
}

bool chunk_is(const Bytes& chunk, std::string_view type) {
  return chunk.size() >= 8 &&
         std::memcmp(chunk.data() + 4, type.data(), 4) == 0;
}

// The PNG with `extra` inserted before the first chunk of type `before`.
Bytes png_with(const Bytes& png, const Bytes& extra, std::string_view before) {
  Bytes out;
  bool done = false;
  for (const Bytes& c : png_chunks(png)) {
    if (!done && chunk_is(c, before)) {
      out.insert(out.end(), extra.begin(), extra.end());
      done = true;
    }
    out.insert(out.end(), c.begin(), c.end());
  }
  return out;
}

Bytes text_chunk() {
  return png_chunk("tEXt", text_bytes(std::string_view("Author\0Loja", 11)));
}

Bytes phys_chunk() {
  Bytes data(9);
  testing::put_be32(data, 0, 2835);
  testing::put_be32(data, 4, 2835);
  data[8] = std::byte{1};
  return png_chunk("pHYs", data);
}

Bytes with_bad_crc(Bytes chunk) {
  chunk.back() ^= std::byte{0x5A};
  return chunk;
}

// The PNG with its first IDAT's CRC damaged.
Bytes png_bad_idat_crc() {
  Bytes out;
  bool done = false;
  for (Bytes c : png_chunks(encoded(Format::kPng))) {
    if (!done && chunk_is(c, "IDAT")) {
      c = with_bad_crc(c);
      done = true;
    }
    out.insert(out.end(), c.begin(), c.end());
  }
  return out;
}

// The PNG with its image data split into two IDAT chunks, the CRC of one
// (0 or 1) damaged: libspng checks the first itself, not the last.
Bytes png_two_idats_bad_crc(int bad) {
  Bytes out;
  for (const Bytes& c : png_chunks(encoded(Format::kPng))) {
    if (!chunk_is(c, "IDAT")) {
      out.insert(out.end(), c.begin(), c.end());
      continue;
    }
    const Bytes data(c.begin() + 8, c.end() - 4);
    const std::size_t half = data.size() / 2;
    Bytes parts[2] = {
        png_chunk("IDAT",
                  Bytes(data.begin(),
                        data.begin() + static_cast<std::ptrdiff_t>(half))),
        png_chunk("IDAT",
                  Bytes(data.begin() + static_cast<std::ptrdiff_t>(half),
                        data.end()))};
    parts[bad] = with_bad_crc(parts[bad]);
    for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

// ---- AVIF ----------------------------------------------------------------

// rgb.avif with its `pixi` property renamed to a type nobody knows, as
// files from encoders that never wrote one: libavif's strict mode requires
// it, its lenient mode and browsers do without.
Bytes avif_without_pixi() {
  Bytes b = read_file(data_path("rgb.avif"));
  const std::size_t at = find(b, "pixi");
  std::memcpy(b.data() + at, "xpix", 4);
  return b;
}

// ---- helpers -------------------------------------------------------------

Limits at(FailOn level) {
  Limits l;
  l.fail_on = level;
  return l;
}

Result<ImageInfo> decode_info(const Bytes& b, FailOn level) {
  DecodeOptions o;
  o.limits = at(level);
  DecodeReport report;
  Result<Image> image = decode(std::span<const std::byte>(b), o, &report);
  if (!image.ok()) return image.status();
  return report.info;
}

// ---- tests ---------------------------------------------------------------

TEST(FailOn, NamesRoundTrip) {
  for (FailOn l :
       {FailOn::kNone, FailOn::kTruncated, FailOn::kError, FailOn::kWarning}) {
    EXPECT_EQ(fail_on_from_name(fail_on_name(l)), l);
  }
  EXPECT_FALSE(fail_on_from_name("strict").has_value());
  EXPECT_EQ(Limits{}.fail_on, FailOn::kError);
  EXPECT_EQ(tolerance_text(kTol(Tolerance::kJpegExtraneousBytes) |
                           kTol(Tolerance::kTruncated)),
            "jpeg_extraneous_bytes,truncated");
  EXPECT_TRUE(tolerance_names(0).empty());
}

TEST(DecodePolicy, CleanFilesRecordNothing) {
  for (Format f : {Format::kJpeg, Format::kPng, Format::kWebp}) {
    const Bytes b = encoded(f);
    for (FailOn l : {FailOn::kNone, FailOn::kWarning}) {
      Result<ImageInfo> info = decode_info(b, l);
      ASSERT_TRUE(info.ok()) << info.status();
      EXPECT_EQ(info->tolerated, 0u) << format_name(f);
    }
  }
  Result<ImageInfo> avif =
      decode_info(read_file(data_path("rgb.avif")), FailOn::kError);
  ASSERT_TRUE(avif.ok()) << avif.status();
  EXPECT_EQ(avif->tolerated, 0u);
}

TEST(DecodePolicy, JpegExtraneousBytesAcceptedByDefaultAndRecorded) {
  const Bytes b = jpeg_extraneous_bytes();
  Result<ImageInfo> probed = probe(std::span<const std::byte>(b));
  ASSERT_TRUE(probed.ok()) << probed.status();
  EXPECT_TRUE(probed->has(Tolerance::kJpegExtraneousBytes));
  Result<ImageInfo> decoded = decode_info(b, FailOn::kError);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->tolerated, kTol(Tolerance::kJpegExtraneousBytes));
  // The pixels are the clean file's: the stray bytes carried nothing.
  EXPECT_EQ(*decode(std::span<const std::byte>(b)),
            *decode(std::span<const std::byte>(encoded(Format::kJpeg))));
  // Both grey views (the hashes' decodes) accept it too.
  EXPECT_TRUE(decode_pillow_grey(*Source::memory(b)).ok());
  EXPECT_TRUE(decode_fast_grey(*Source::memory(b)).ok());
  // fail_on=warning keeps the former jpeg_warnings_fatal behaviour.
  Result<ImageInfo> strict =
      probe(*Source::memory(b, "cam.jpg"), at(FailOn::kWarning));
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.status().code(), ErrorCode::kCorruptData);
  EXPECT_NE(strict.status().message().find("cam.jpg"), std::string::npos);
  EXPECT_NE(strict.status().message().find("extraneous"), std::string::npos)
      << strict.status();
  EXPECT_NE(strict.status().message().find("fail_on=error accepts"),
            std::string::npos)
      << strict.status();
  EXPECT_FALSE(decode_fast_grey(*Source::memory(b), at(FailOn::kWarning)).ok());
}

TEST(DecodePolicy, JpegWithAppendedDataDecodesThePrimaryImage) {
  const Bytes primary = encoded(Format::kJpeg, 20);
  const Image expected = *decode(std::span<const std::byte>(primary));
  // A camera trailer, and a second JPEG after the first (the layout of MPO
  // and of Ultra HDR's gain map): valid at every level, nothing recorded.
  for (const Bytes& b : {concat(primary, text_bytes(std::string(4000, 'T'))),
                         concat(primary, encoded(Format::kJpeg, 230))}) {
    for (FailOn l : {FailOn::kWarning, FailOn::kError}) {
      Result<ImageInfo> info = decode_info(b, l);
      ASSERT_TRUE(info.ok()) << info.status();
      EXPECT_EQ(info->tolerated, 0u);
      EXPECT_EQ(*decode(std::span<const std::byte>(b)), expected);
    }
  }
}

TEST(DecodePolicy, JpegCorruptScanRefusedByDefault) {
  const Bytes b = jpeg_bad_huffman();
  // The header is intact: probe cannot tell.
  ASSERT_TRUE(probe(std::span<const std::byte>(b)).ok());
  for (FailOn l : {FailOn::kError, FailOn::kWarning}) {
    Result<ImageInfo> r = decode_info(b, l);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::kCorruptData);
    EXPECT_NE(r.status().message().find("Huffman"), std::string::npos)
        << r.status();
  }
  EXPECT_FALSE(decode_fast_grey(*Source::memory(b)).ok());
  EXPECT_FALSE(decode_pillow_grey(*Source::memory(b)).ok());
  // fail_on=truncated decodes it, and says so.
  for (FailOn l : {FailOn::kTruncated, FailOn::kNone}) {
    Result<ImageInfo> r = decode_info(b, l);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_TRUE(r->has(Tolerance::kCorruptData));
  }
  EXPECT_TRUE(
      decode_fast_grey(*Source::memory(b), at(FailOn::kTruncated)).ok());
}

TEST(DecodePolicy, TruncatedJpegRefusedUnlessNone) {
  const Bytes b = truncated(encoded(Format::kJpeg), 0.6);
  for (FailOn l : {FailOn::kTruncated, FailOn::kError, FailOn::kWarning}) {
    Result<ImageInfo> r = decode_info(b, l);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::kCorruptData);
    EXPECT_NE(r.status().message().find("truncated"), std::string::npos);
  }
  // At fail_on=none the rows present are decoded, the rest grey, as
  // libjpeg's own recovery does.
  Result<ImageInfo> probed =
      probe(std::span<const std::byte>(b), at(FailOn::kNone));
  ASSERT_TRUE(probed.ok()) << probed.status();
  EXPECT_TRUE(probed->has(Tolerance::kTruncated));
  DecodeOptions o;
  o.limits = at(FailOn::kNone);
  DecodeReport report;
  Result<Image> image = decode(std::span<const std::byte>(b), o, &report);
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_TRUE(report.info.has(Tolerance::kTruncated));
  EXPECT_EQ(image->width(), 96u);
  const Image clean =
      *decode(std::span<const std::byte>(encoded(Format::kJpeg)));
  // The top row survives; the bottom one is libjpeg's grey.
  EXPECT_EQ(std::memcmp(image->row(0), clean.row(0), 96 * 3), 0);
  EXPECT_NE(std::memcmp(image->row(63), clean.row(63), 96 * 3), 0);
  EXPECT_TRUE(decode_fast_grey(*Source::memory(b), at(FailOn::kNone)).ok());
  EXPECT_TRUE(decode_pillow_grey(*Source::memory(b), at(FailOn::kNone)).ok());
}

TEST(DecodePolicy, PngAncillaryChunksInUnusualPlaces) {
  const Bytes png = encoded(Format::kPng);
  // tEXt after IDAT is legal; pHYs after IDAT is not, but libspng reads
  // the image all the same (and so do browsers and Pillow).
  for (const Bytes& b : {png_with(png, text_chunk(), "IEND"),
                         png_with(png, phys_chunk(), "IEND")}) {
    for (FailOn l : {FailOn::kWarning, FailOn::kError}) {
      Result<ImageInfo> info = decode_info(b, l);
      ASSERT_TRUE(info.ok()) << info.status();
      EXPECT_EQ(info->tolerated, 0u);
    }
  }
}

TEST(DecodePolicy, PngAncillaryChunkWithBadCrcIsDroppedAndRecorded) {
  const Bytes png = encoded(Format::kPng);
  for (const char* where : {"IDAT", "IEND"}) {
    const Bytes b = png_with(png, with_bad_crc(text_chunk()), where);
    Result<ImageInfo> info = decode_info(b, FailOn::kError);
    ASSERT_TRUE(info.ok()) << where << ": " << info.status();
    EXPECT_EQ(info->tolerated, kTol(Tolerance::kPngAncillaryCrc)) << where;
    EXPECT_EQ(*decode(std::span<const std::byte>(b)),
              *decode(std::span<const std::byte>(png)));
    EXPECT_TRUE(decode_fast_grey(*Source::memory(b)).ok());
    EXPECT_TRUE(decode_pillow_grey(*Source::memory(b)).ok());
    Result<ImageInfo> strict =
        probe(*Source::memory(b, "x.png"), at(FailOn::kWarning));
    ASSERT_FALSE(strict.ok()) << where;
    EXPECT_EQ(strict.status().code(), ErrorCode::kCorruptData);
    EXPECT_NE(strict.status().message().find("CRC"), std::string::npos)
        << strict.status();
  }
}

TEST(DecodePolicy, PngImageDataCrcRefusedUnlessTruncatedOrNone) {
  for (int bad : {0, 1}) {
    const Bytes b = png_two_idats_bad_crc(bad);
    Result<ImageInfo> r = decode_info(b, FailOn::kError);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), ErrorCode::kCorruptData) << r.status();
    Result<ImageInfo> t = decode_info(b, FailOn::kTruncated);
    ASSERT_TRUE(t.ok()) << bad << ": " << t.status();
    EXPECT_EQ(t->tolerated, kTol(Tolerance::kCorruptData)) << bad;
  }
  const Bytes b = png_bad_idat_crc();
  for (FailOn l : {FailOn::kError, FailOn::kWarning}) {
    Result<ImageInfo> r = decode_info(b, l);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::kCorruptData) << r.status();
  }
  for (FailOn l : {FailOn::kTruncated, FailOn::kNone}) {
    Result<ImageInfo> r = decode_info(b, l);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_TRUE(r->has(Tolerance::kCorruptData));
  }
}

TEST(DecodePolicy, PngTrailingDataAndTruncation) {
  const Bytes png = encoded(Format::kPng);
  Result<ImageInfo> trailer =
      decode_info(concat(png, text_bytes("trailing bytes")), FailOn::kWarning);
  ASSERT_TRUE(trailer.ok()) << trailer.status();
  EXPECT_EQ(trailer->tolerated, 0u);
  const Bytes cut = truncated(png, 0.7);
  for (FailOn l : {FailOn::kNone, FailOn::kError}) {
    Result<ImageInfo> r = decode_info(cut, l);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::kCorruptData);
  }
}

TEST(DecodePolicy, AvifWithoutPixiDecodesLenientlyAndIsRecorded) {
  const Bytes b = avif_without_pixi();
  Result<ImageInfo> info = decode_info(b, FailOn::kError);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->tolerated, kTol(Tolerance::kAvifNotStrict));
  EXPECT_EQ(*decode(std::span<const std::byte>(b)),
            *decode(data_path("rgb.avif")));
  EXPECT_TRUE(decode_fast_grey(*Source::memory(b)).ok());
  Result<ImageInfo> strict =
      probe(*Source::memory(b, "old.avif"), at(FailOn::kWarning));
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.status().code(), ErrorCode::kCorruptData);
  EXPECT_NE(strict.status().message().find("old.avif"), std::string::npos);
}

TEST(DecodePolicy, TruncatedAvifAndWebpRefusedAtEveryLevel) {
  for (const Bytes& full :
       {read_file(data_path("rgb.avif")), encoded(Format::kWebp)}) {
    const Bytes cut = truncated(full, 0.7);
    for (FailOn l : {FailOn::kNone, FailOn::kError}) {
      Result<ImageInfo> r = decode_info(cut, l);
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.status().code(), ErrorCode::kCorruptData) << r.status();
    }
  }
}

TEST(DecodePolicy, WebpWithBytesAfterTheRiffChunk) {
  Result<ImageInfo> r = decode_info(
      concat(encoded(Format::kWebp), text_bytes("trailer")), FailOn::kWarning);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->tolerated, 0u);
}

}  // namespace
}  // namespace imagebank
