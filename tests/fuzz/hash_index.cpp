// Fuzz target: HashIndex::open on mutated index files (seeds: small valid
// indexes, corpus/hash_index). A mutated file almost never keeps its XXH64
// checksums, so unless reserved byte 36 is 0xFF the target first writes the
// true file size and both checksums into the header (as a crafted file
// would): the structure checks behind them are what gets fuzzed.
#include "imagebank/hash/hash_index.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include "fuzz_support.hpp"
#include "hash/hash_index_kernels.hpp"

namespace {

constexpr std::size_t kHeaderSize = 128;

void put_u64(std::vector<std::uint8_t>& bytes, std::size_t at,
             std::uint64_t value) {
  std::memcpy(bytes.data() + at, &value, sizeof value);
}

void remove_dir();

const std::filesystem::path& file_path() {
  // Never destroyed: remove_dir() runs at exit after static destructors
  // registered later.
  static const auto* path = [] {
    std::string dir = (std::filesystem::temp_directory_path() /
                       "imagebank-fuzz-hash-index-XXXXXX")
                          .string();
    if (::mkdtemp(dir.data()) == nullptr) std::abort();
    std::atexit(remove_dir);
    return new std::filesystem::path(std::filesystem::path(dir) / "index.ibhi");
  }();
  return *path;
}

// The folder goes at exit (libFuzzer and the replay both exit normally).
void remove_dir() {
  std::error_code ec;
  std::filesystem::remove_all(file_path().parent_path(), ec);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::vector<std::uint8_t> bytes(data, data + size);
  if (bytes.size() >= kHeaderSize && bytes[36] != 0xFF) {
    using imagebank::hash_index::xxh64;
    put_u64(bytes, 48, bytes.size());
    put_u64(bytes, 56,
            xxh64(bytes.data() + kHeaderSize, bytes.size() - kHeaderSize));
    put_u64(bytes, 120, xxh64(bytes.data(), 120));
  }
  {
    std::ofstream out(file_path(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    if (!out) std::abort();
  }
  for (const bool read_only : {true, false}) {
    auto index = imagebank::HashIndex::open(file_path(), read_only);
    if (!index.ok()) continue;
    // A file that opens answers every query without reading out of bounds.
    const auto stats = index->stats();
    (void)stats;
    imagebank::Hash256 probe{};
    std::memcpy(&probe, bytes.data() + kHeaderSize / 2,
                std::min(sizeof probe, bytes.size() - kHeaderSize / 2));
    if (index->bits() == 64) {
      probe[1] = probe[2] = probe[3] = 0;
    }
    const int radius = index->bits() == 64
                           ? imagebank::HashIndex::kMaxRadius64
                           : imagebank::HashIndex::kMaxRadius256;
    for (const int r : {0, 3, radius}) {
      const auto found = index->query(probe, r);
      if (!found.ok()) __builtin_trap();  // a valid hash and radius
    }
    const auto nearest = index->knn(probe, 5);
    if (!nearest.ok()) __builtin_trap();
    if (!read_only) {
      // Writes over a mapped file live in memory.
      if (!index->add(1, probe).ok()) __builtin_trap();
      (void)index->remove(1);
      (void)index->query(probe, 2);
    }
  }
  return 0;
}
