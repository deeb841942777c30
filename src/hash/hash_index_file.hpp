// Internal to HashIndex: the file format (one segment per file) and the
// memory mapping of a saved index.
//
// Little-endian, every array 64-byte aligned so it can be used in place:
//   header, 128 bytes:
//     0  magic "IBHINDEX"        8  byte-order mark 0x01020304 (u32)
//     12 version (u32, 1)         16 bits (u32: 64 or 256)
//     20 tables (u32)             24 table_bits (u32)
//     28 option substrings (i32)  32 option expected_radius (i32)
//     36 reserved (0)             40 count n (u64)
//     48 file size (u64)          56 XXH64 of bytes [128, file size)
//     64 reserved (zeros)         120 XXH64 of bytes [0, 120)
//   positions  tables * table_bits bytes (bit positions of each table's key)
//   ids        n * u64, in row order
//   hashes     n * bits/64 * u64
//   by_id      n * u32, the rows in ascending id order
//   per table: offsets (2^table_bits + 1) * u32, then (but for table 0,
//              whose rows are the identity) rows n * u32
// open() checks, in order: size against the header, magic, byte order,
// version, header checksum, field ranges, sizes against the fields, payload
// checksum, then the structure the queries rely on (by_id a permutation
// ordering the ids strictly, offsets monotonic and ending at n, rows a
// permutation, key bits distinct), so a
// file that passes cannot make a query read out of bounds even if crafted.
#pragma once

#include <filesystem>
#include <memory>

#include "hash_index_segment.hpp"
#include "imagebank/core/result.hpp"
#include "imagebank/hash/hash_index.hpp"

namespace imagebank::hash_index {

// Writes `segment` to `path` with write_file_atomic (core/file.hpp): a
// temporary file in the same directory, fsync, rename, directory fsync;
// io_error naming the path on failure (the temporary file is removed, `path`
// is untouched).
Status write_index_file(const std::filesystem::path& path,
                        const Segment& segment,
                        const HashIndex::Options& options);

struct OpenedIndex {
  std::shared_ptr<const Segment> segment;  // owns the mapping
  HashIndex::Options options;
};
Result<OpenedIndex> open_index_file(const std::filesystem::path& path);

}  // namespace imagebank::hash_index
