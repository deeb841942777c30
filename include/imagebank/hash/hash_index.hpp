// HashIndex: exact near-duplicate search over perceptual hashes at catalog
// scale (millions of 64-bit pHash/dHash/aHash or 256-bit PDQ hashes).
//
// A query returns every hash within a Hamming radius of the query hash, or
// its k nearest, and the answer is exactly what a brute-force scan returns:
// the same ids and distances, ordered by distance, then id. Nothing is
// approximate; the index only decides how little it has to look at.
//
// How: multi-index hashing (Norouzi, Punjani, Fleet, "Fast Search in Hamming
// Space with Multi-Index Hashing", CVPR 2012). Each hash is cut into m
// substrings with one table each; a hash within radius r of the query is,
// by the pigeonhole principle, close to it in at least one substring, so only
// the buckets near the query's substrings are read and every candidate is
// checked with a full popcount. m and the bits of each substring are chosen
// when a segment is built, from its size, the expected radius and the data
// (see src/hash/hash_index_plan.cpp); each query then spends its radius on
// the substrings whose buckets are smallest and falls back to a vectorised
// linear scan when that is cheaper, so clustered catalogs (products on white
// backgrounds: many similar hashes) cannot blow up a query.
//
// Ids are chosen by the caller. Adding an id that is already present
// replaces its hash (catalogs re-photograph products); remove() of an absent
// id is not_found.
//
// Threading: every method may be called from any thread at the same time.
// Queries (query, knn, size, stats) run in parallel with each other. Writes
// (add, add_many, remove, save) are serialized among themselves; a write does
// its heavy work (building and merging segments) without blocking readers and
// holds readers off only for the short step that publishes its result, so a
// reader sees the index either before or after a write, never half of it.
// Moving or destroying a HashIndex while another thread uses it is undefined.
//
// Files: save() writes one file (magic, version, endianness mark, sizes and
// an XXH64 checksum of the header and of the payload), atomically through a
// temporary file and a rename. open() maps the file into memory, verifies
// the checksums and the structure, and shares its pages with every other
// process that opens it. A damaged or truncated file is corrupt_data naming
// the file. The file must not be modified in place while it is open (a
// save() onto the same path is fine: it replaces the file, the mapping keeps
// the old one).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <vector>

#include "imagebank/core/result.hpp"
#include "imagebank/core/status.hpp"
#include "imagebank/hash/hamming.hpp"

namespace imagebank {

class HashIndex {
 public:
  // The largest radius query() accepts: far past near-duplicates (random
  // 64-bit hashes are 32 bits apart on average), the answer stops meaning
  // "the same picture". knn() has no radius limit.
  static constexpr int kMaxRadius64 = 10;
  static constexpr int kMaxRadius256 = 32;

  struct Options {
    int bits = 64;  // 64 (pHash, dHash, aHash) or 256 (PDQ)
    // Substrings (tables) per segment; 0 chooses from the segment's size and
    // expected_radius by the cost model. A fixed value is for experiments;
    // the substring length still follows the memory budget.
    int substrings = 0;
    // The radius the tables are tuned for; other radii work, exactly.
    // -1: 5 for 64 bits (pHash near-duplicates), 31 for 256 bits (PDQ's
    // match threshold).
    int expected_radius = -1;
  };

  struct Match {
    std::uint64_t id;
    int distance;
    friend bool operator==(const Match&, const Match&) = default;
  };

  struct Stats {
    std::size_t size = 0;          // live hashes
    std::size_t segments = 0;      // immutable table sets (plus a small tail)
    std::size_t tail = 0;          // hashes not yet in a segment
    std::size_t dead = 0;          // removed/replaced rows not yet compacted
    int substrings = 0;            // tables of the largest segment (0: scan)
    int substring_bits = 0;        // bits per table of the largest segment
    std::size_t memory_bytes = 0;  // arrays held in memory or mapped
    bool read_only = false;
    bool mapped = false;  // the largest segment lives in a mapped file
  };

  // An empty index. invalid_argument if bits is not 64 or 256, substrings is
  // negative or larger than 16, or expected_radius is neither -1 nor within
  // the query range of `bits`.
  static Result<HashIndex> create(const Options& options);
  static Result<HashIndex> create();  // default Options

  // Maps a file written by save(). read_only = true: add/add_many/remove
  // fail with conflict; any number of processes may open the file at once
  // and share its pages. read_only = false: the file stays mapped and
  // untouched, changes live in memory until the next save(). not_found if
  // the file does not exist, io_error if it cannot be read or mapped,
  // corrupt_data (naming the file) if it is truncated, damaged or not a
  // HashIndex file, unsupported_format for a newer format version or a file
  // written on a machine of the other byte order.
  static Result<HashIndex> open(const std::filesystem::path& path,
                                bool read_only = true);

  HashIndex(HashIndex&&) noexcept;
  HashIndex& operator=(HashIndex&&) noexcept;
  HashIndex(const HashIndex&) = delete;
  HashIndex& operator=(const HashIndex&) = delete;
  ~HashIndex();

  // Writes the whole index to `path` (a temporary file in the same
  // directory, flushed, then renamed over `path`). An index of several
  // segments is merged into one for the file; the index itself is unchanged.
  // io_error (naming the path) if writing fails, in which case `path` is
  // left as it was.
  Status save(const std::filesystem::path& path) const;

  // Adds or replaces one hash. For a 64-bit index the hash is hash[0] and
  // words 1-3 must be zero (invalid_argument otherwise: a PDQ hash given to
  // a 64-bit index); the uint64 overload is for 64-bit indexes only.
  // conflict if the index was opened read-only.
  Status add(std::uint64_t id, const Hash256& hash);
  Status add(std::uint64_t id, std::uint64_t hash);
  // Adds or replaces n hashes at once (much faster than n add() calls):
  // words holds n * bits/64 words, hash i at words[i * bits/64], word 0 of a
  // 256-bit hash first. An id repeated in the batch keeps its last hash.
  // invalid_argument if the sizes disagree; nothing is added then.
  Status add_many(std::span<const std::uint64_t> ids,
                  std::span<const std::uint64_t> words);
  // not_found if the id is absent; conflict if read-only.
  Status remove(std::uint64_t id);

  std::size_t size() const;
  int bits() const noexcept;
  bool read_only() const noexcept;
  Stats stats() const;

  // Every hash within `radius` of `hash`, by distance, then id.
  // invalid_argument if radius is negative or above kMaxRadius64 /
  // kMaxRadius256, or if the hash does not fit the index's bits.
  Result<std::vector<Match>> query(const Hash256& hash, int radius) const;
  Result<std::vector<Match>> query(std::uint64_t hash, int radius) const;
  // As query(), appending to `out` (which is cleared first) so a caller in a
  // loop reuses one allocation.
  Status query(const Hash256& hash, int radius, std::vector<Match>& out) const;

  // The k nearest hashes, by distance, then id (so ties at the k-th
  // distance are broken by the smaller id); fewer if the index holds fewer.
  Result<std::vector<Match>> knn(const Hash256& hash, std::size_t k) const;
  Result<std::vector<Match>> knn(std::uint64_t hash, std::size_t k) const;

 private:
  struct Impl;
  explicit HashIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace imagebank
