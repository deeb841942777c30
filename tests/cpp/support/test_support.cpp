#include "support/test_support.hpp"

#include <zlib.h>

// jpeglib.h needs size_t and FILE declared first.
// clang-format off
#include <cstdio>
#include <cstdlib>
#include <jpeglib.h>
// clang-format on

#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

namespace imagebank::testing {

std::filesystem::path data_path(std::string_view name) {
  return std::filesystem::path(IMAGEBANK_TEST_DATA_DIR) / name;
}

long env_count(const char* name, long fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && std::atol(v) > 0 ? std::atol(v) : fallback;
}

Bytes read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  std::vector<char> chars((std::istreambuf_iterator<char>(in)),
                          std::istreambuf_iterator<char>());
  Bytes bytes(chars.size());
  if (!chars.empty()) std::memcpy(bytes.data(), chars.data(), chars.size());
  return bytes;
}

void write_file(const std::filesystem::path& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

namespace {

std::vector<std::vector<std::string>> read_csv(const std::string& name) {
  std::ifstream in(std::filesystem::path(IMAGEBANK_TESTS_DIR) / name);
  if (!in) throw std::runtime_error("cannot open " + name);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (header) {
      header = false;
      continue;
    }
    std::vector<std::string> fields;
    std::stringstream ss(line);
    std::string field;
    while (std::getline(ss, field, ',')) fields.push_back(field);
    rows.push_back(std::move(fields));
  }
  return rows;
}

}  // namespace

std::vector<ExpectedProbe> expected_probes() {
  std::vector<ExpectedProbe> out;
  for (const auto& f : read_csv("probe_expected.csv")) {
    if (f.size() != 11) throw std::runtime_error("bad row for " + f.at(0));
    ExpectedProbe e;
    e.file = f[0];
    e.info.format = format_from_name(f[1]).value();
    e.info.width = static_cast<std::uint32_t>(std::stoul(f[2]));
    e.info.height = static_cast<std::uint32_t>(std::stoul(f[3]));
    e.info.channels = std::stoi(f[4]);
    e.info.bit_depth = std::stoi(f[5]);
    e.info.has_alpha = f[6] == "1";
    e.info.orientation = std::stoi(f[7]);
    e.info.progressive = f[8] == "1";
    e.info.icc = f[9] == "1";
    e.info.frames = static_cast<std::uint32_t>(std::stoul(f[10]));
    out.push_back(e);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> expected_unsupported() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& f : read_csv("unsupported_expected.csv")) {
    out.emplace_back(f.at(0), f.at(1));
  }
  return out;
}

std::size_t find(const Bytes& haystack, std::string_view needle,
                 std::size_t from) {
  const std::string_view hay(reinterpret_cast<const char*>(haystack.data()),
                             haystack.size());
  const std::size_t at = hay.find(needle, from);
  if (at == std::string_view::npos) {
    throw std::runtime_error("test data lacks '" + std::string(needle) + "'");
  }
  return at;
}

void put_be16(Bytes& b, std::size_t at, std::uint32_t v) {
  b.at(at) = std::byte(v >> 8);
  b.at(at + 1) = std::byte(v);
}
void put_be32(Bytes& b, std::size_t at, std::uint32_t v) {
  put_be16(b, at, v >> 16);
  put_be16(b, at + 2, v & 0xFFFF);
}
void put_le24(Bytes& b, std::size_t at, std::uint32_t v) {
  b.at(at) = std::byte(v);
  b.at(at + 1) = std::byte(v >> 8);
  b.at(at + 2) = std::byte(v >> 16);
}

Bytes png_chunk(std::string_view type, const Bytes& data) {
  Bytes out(8);
  put_be32(out, 0, static_cast<std::uint32_t>(data.size()));
  std::memcpy(out.data() + 4, type.data(), 4);
  out.insert(out.end(), data.begin(), data.end());
  uLong crc = crc32(0, reinterpret_cast<const Bytef*>(out.data() + 4),
                    static_cast<uInt>(4 + data.size()));
  Bytes tail(4);
  put_be32(tail, 0, static_cast<std::uint32_t>(crc));
  out.insert(out.end(), tail.begin(), tail.end());
  return out;
}

Bytes png_declaring(std::uint32_t width, std::uint32_t height) {
  static constexpr unsigned char kSig[8] = {0x89, 'P',  'N',  'G',
                                            0x0D, 0x0A, 0x1A, 0x0A};
  Bytes out(reinterpret_cast<const std::byte*>(kSig),
            reinterpret_cast<const std::byte*>(kSig) + 8);
  Bytes ihdr(13);
  put_be32(ihdr, 0, width);
  put_be32(ihdr, 4, height);
  ihdr[8] = std::byte{8};  // bit depth
  ihdr[9] = std::byte{6};  // RGBA
  auto append = [&](const Bytes& chunk) {
    out.insert(out.end(), chunk.begin(), chunk.end());
  };
  append(png_chunk("IHDR", ihdr));
  // A few KB of zlib data: the bomb is the claim, not the payload.
  Bytes raw(4096);
  uLongf zlen = compressBound(static_cast<uLong>(raw.size()));
  Bytes z(zlen);
  compress(reinterpret_cast<Bytef*>(z.data()), &zlen,
           reinterpret_cast<const Bytef*>(raw.data()),
           static_cast<uLong>(raw.size()));
  z.resize(zlen);
  append(png_chunk("IDAT", z));
  append(png_chunk("IEND", {}));
  return out;
}

Bytes jpeg_declaring(std::uint16_t width, std::uint16_t height) {
  Bytes b = read_file(data_path("rgb.jpg"));
  // SOF0: FF C0, length(2), precision(1), height(2), width(2).
  for (std::size_t i = 2; i + 9 < b.size(); ++i) {
    if (b[i] == std::byte{0xFF} && b[i + 1] == std::byte{0xC0}) {
      put_be16(b, i + 5, height);
      put_be16(b, i + 7, width);
      return b;
    }
  }
  throw std::runtime_error("rgb.jpg has no SOF0");
}

Bytes webp_declaring(std::uint32_t width, std::uint32_t height) {
  // The animated file has a VP8X header whose canvas alone gives the size.
  Bytes b = read_file(data_path("animated.webp"));
  const std::size_t vp8x = find(b, "VP8X");
  put_le24(b, vp8x + 12, width - 1);
  put_le24(b, vp8x + 15, height - 1);
  return b;
}

Bytes avif_declaring(std::uint32_t width, std::uint32_t height) {
  Bytes b = read_file(data_path("rgb.avif"));
  // ispe: fourcc, version/flags(4), width(4), height(4).
  const std::size_t ispe = find(b, "ispe");
  put_be32(b, ispe + 8, width);
  put_be32(b, ispe + 12, height);
  return b;
}

}  // namespace imagebank::testing

namespace imagebank::testing {

Bytes webp_lossless_declaring(std::uint32_t width, std::uint32_t height,
                              std::size_t total_bytes) {
  Bytes b = read_file(data_path("lossless_alpha.webp"));
  // RIFF(4) size(4) WEBP(4) VP8L(4) size(4) 0x2F, then 14 bits width-1,
  // 14 bits height-1, alpha, 3-bit version, little-endian.
  const std::size_t vp8l = find(b, "VP8L");
  if (b.at(vp8l + 8) != std::byte{0x2F}) {
    throw std::runtime_error("lossless_alpha.webp: no VP8L signature");
  }
  const std::uint32_t old = static_cast<std::uint32_t>(b[vp8l + 9]) |
                            static_cast<std::uint32_t>(b[vp8l + 10]) << 8 |
                            static_cast<std::uint32_t>(b[vp8l + 11]) << 16 |
                            static_cast<std::uint32_t>(b[vp8l + 12]) << 24;
  const std::uint32_t bits = (old & 0xF0000000u) |
                             ((height - 1) & 0x3FFF) << 14 |
                             ((width - 1) & 0x3FFF);
  for (int i = 0; i < 4; ++i) b[vp8l + 9 + i] = std::byte(bits >> (8 * i));
  if (total_bytes > b.size()) b.resize(total_bytes + (total_bytes & 1));
  const auto put_le32 = [&](std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b.at(at + i) = std::byte(v >> (8 * i));
  };
  put_le32(4, static_cast<std::uint32_t>(b.size() - 8));
  put_le32(vp8l + 4, static_cast<std::uint32_t>(b.size() - vp8l - 8));
  return b;
}

namespace {

// A size x size progressive JPEG (1 grey or 3 RGB components) written with
// the caller's scan script.
Bytes encode_scripted_jpeg(const std::vector<unsigned char>& pixels,
                           std::uint32_t size, int components, int quality,
                           const std::vector<jpeg_scan_info>& script) {
  jpeg_compress_struct cinfo{};
  jpeg_error_mgr jerr{};
  cinfo.err = jpeg_std_error(&jerr);
  jpeg_create_compress(&cinfo);
  unsigned char* out = nullptr;
  unsigned long out_size = 0;
  jpeg_mem_dest(&cinfo, &out, &out_size);
  cinfo.image_width = size;
  cinfo.image_height = size;
  cinfo.input_components = components;
  cinfo.in_color_space = components == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  cinfo.scan_info = script.data();
  cinfo.num_scans = static_cast<int>(script.size());
  jpeg_start_compress(&cinfo, TRUE);
  const std::size_t stride = std::size_t{size} * components;
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<unsigned char*>(pixels.data()) +
                   std::size_t{cinfo.next_scanline} * stride;
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  Bytes b(reinterpret_cast<const std::byte*>(out),
          reinterpret_cast<const std::byte*>(out) + out_size);
  std::free(out);
  return b;
}

}  // namespace

Bytes jpeg_with_many_scans() {
  constexpr int kSize = 64;
  constexpr int kComponents = 3;
  constexpr int kTopBit =
      9;  // AC first scans send bits 9..; refinements down to 0
  std::vector<jpeg_scan_info> script;
  jpeg_scan_info dc{};
  dc.comps_in_scan = kComponents;
  for (int c = 0; c < kComponents; ++c) dc.component_index[c] = c;
  script.push_back(dc);  // DC of all components, full precision
  for (int c = 0; c < kComponents; ++c) {
    for (int k = 1; k < 64; ++k) {
      for (int al = kTopBit; al >= 0; --al) {
        jpeg_scan_info s{};
        s.comps_in_scan = 1;
        s.component_index[0] = c;
        s.Ss = k;
        s.Se = k;
        s.Ah = al == kTopBit ? 0 : al + 1;
        s.Al = al;
        script.push_back(s);
      }
    }
  }
  std::vector<unsigned char> pixels(kSize * kSize * 3);
  std::uint32_t x = 12345;
  for (auto& p : pixels) {
    x = x * 1103515245u + 12345u;
    p = static_cast<unsigned char>(x >> 24);
  }
  return encode_scripted_jpeg(pixels, kSize, 3, 100, script);
}

Bytes jpeg_with_postponed_dc(std::uint32_t size) {
  constexpr int kTopBit = 10;
  std::vector<jpeg_scan_info> script;
  jpeg_scan_info dc{};
  dc.comps_in_scan = 1;
  dc.Al = kTopBit;
  script.push_back(dc);
  for (int k = 1; k < 64; ++k) {
    for (int al = kTopBit; al >= 0; --al) {
      jpeg_scan_info s{};
      s.comps_in_scan = 1;
      s.Ss = k;
      s.Se = k;
      s.Ah = al == kTopBit ? 0 : al + 1;
      s.Al = al;
      script.push_back(s);
    }
  }
  std::vector<unsigned char> pixels(std::size_t{size} * size);
  for (std::uint32_t y = 0; y < size; ++y) {
    for (std::uint32_t x = 0; x < size; ++x) {
      pixels[std::size_t{y} * size + x] =
          static_cast<unsigned char>((x * 7 + y * 3 + ((x * y) >> 5)) & 0xff);
    }
  }
  return encode_scripted_jpeg(pixels, size, 1, 90, script);
}

Bytes jpeg_with_repeated_scan(std::size_t copies) {
  const Bytes b = read_file(data_path("progressive.jpg"));
  std::size_t last_sos = 0;
  for (std::size_t i = 0; i + 1 < b.size(); ++i) {
    if (b[i] == std::byte{0xFF} && b[i + 1] == std::byte{0xDA}) last_sos = i;
  }
  const std::size_t eoi = b.size() - 2;
  if (last_sos == 0 || b[eoi] != std::byte{0xFF}) {
    throw std::runtime_error("progressive.jpg: no scans or no EOI");
  }
  Bytes out(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(eoi));
  for (std::size_t i = 0; i < copies; ++i) {
    out.insert(out.end(), b.begin() + static_cast<std::ptrdiff_t>(last_sos),
               b.begin() + static_cast<std::ptrdiff_t>(eoi));
  }
  out.insert(out.end(), b.end() - 2, b.end());
  return out;
}

}  // namespace imagebank::testing
