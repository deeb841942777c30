// Shared by the C++ tests: test data, the ground-truth table, and crafting of
// hostile files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/image/image_info.hpp"

namespace imagebank::testing {

using Bytes = std::vector<std::byte>;

std::filesystem::path data_path(std::string_view name);
// A count from the environment (benchmarks' sizes): the variable's value
// when it is a positive number, else `fallback`.
long env_count(const char* name, long fallback);
Bytes read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const Bytes& bytes);

// The rows of tests/probe_expected.csv.
struct ExpectedProbe {
  std::string file;
  ImageInfo info;  // bytes left 0: the file size is checked separately
};
std::vector<ExpectedProbe> expected_probes();

// The rows of tests/unsupported_expected.csv: (file, format name).
std::vector<std::pair<std::string, std::string>> expected_unsupported();

// Offset of the first occurrence of `needle` at or after `from`; throws when
// absent (a test-data problem, not a condition to test).
std::size_t find(const Bytes& haystack, std::string_view needle,
                 std::size_t from = 0);

void put_be16(Bytes& b, std::size_t at, std::uint32_t v);
void put_be32(Bytes& b, std::size_t at, std::uint32_t v);
void put_le24(Bytes& b, std::size_t at, std::uint32_t v);

// A structurally valid PNG (signature, IHDR, one IDAT, IEND, correct CRCs)
// declaring the given size; the IDAT does not hold that many pixels.
Bytes png_declaring(std::uint32_t width, std::uint32_t height);

// A PNG chunk with its length and CRC.
Bytes png_chunk(std::string_view type, const Bytes& data);

// Copies of real test files whose headers are patched to claim another size.
Bytes jpeg_declaring(std::uint16_t width, std::uint16_t height);
Bytes webp_declaring(std::uint32_t width, std::uint32_t height);
Bytes avif_declaring(std::uint32_t width, std::uint32_t height);

// A lossless (VP8L, simple format) WebP whose bitstream header claims the
// size, padded with zeros to `total_bytes`.
Bytes webp_lossless_declaring(std::uint32_t width, std::uint32_t height,
                              std::size_t total_bytes);

// A valid progressive JPEG (64x64 noise, 3 components) whose scan script
// sends every AC coefficient of every component in its own scans, one bit
// per refinement scan: about 1,900 scans, each legal, that together cost a
// decoder far more than the pixels are worth (the progressive CPU bomb).
Bytes jpeg_with_many_scans();

// A grey size x size progressive JPEG whose DC scan sends only the top bits
// (Al = 10) and is never refined, followed by 693 legal AC scans: a decoder
// waiting for the complete DC reads every scan.
Bytes jpeg_with_postponed_dc(std::uint32_t size);

// The progressive test file with its last scan repeated `copies` times: an
// illegal progression that libjpeg merely warns about.
Bytes jpeg_with_repeated_scan(std::size_t copies);

}  // namespace imagebank::testing
