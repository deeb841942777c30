#include "hash/hash_index_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "hash/hash_index_kernels.hpp"
#include "imagebank/core/file.hpp"

namespace imagebank::hash_index {
namespace {

constexpr char kMagic[8] = {'I', 'B', 'H', 'I', 'N', 'D', 'E', 'X'};
constexpr std::uint32_t kByteOrderMark = 0x01020304u;
constexpr std::uint32_t kByteOrderSwapped = 0x04030201u;
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderSize = 128;
constexpr std::size_t kAlign = 64;

struct Header {
  char magic[8];
  std::uint32_t byte_order;
  std::uint32_t version;
  std::uint32_t bits;
  std::uint32_t tables;
  std::uint32_t table_bits;
  std::int32_t option_substrings;
  std::int32_t option_expected_radius;
  std::uint32_t reserved0;
  std::uint64_t count;
  std::uint64_t file_size;
  std::uint64_t payload_xxh64;
  unsigned char reserved[56];
  std::uint64_t header_xxh64;
};
static_assert(sizeof(Header) == kHeaderSize);
static_assert(std::endian::native == std::endian::little,
              "the HashIndex file format is little-endian, as is the host");

constexpr std::size_t align_up(std::size_t x) {
  return (x + kAlign - 1) / kAlign * kAlign;
}

struct Layout {
  std::size_t positions = 0, ids = 0, hashes = 0, by_id = 0;
  std::vector<std::size_t> offsets, rows;
  std::size_t end = 0;
};

// Callers bound n, tables and table_bits first, so nothing here overflows.
Layout layout_of(std::size_t n, int words, int tables, int table_bits) {
  Layout l;
  std::size_t at = kHeaderSize;
  l.positions = at;
  at = align_up(at + static_cast<std::size_t>(tables) * table_bits);
  l.ids = at;
  at = align_up(at + n * 8);
  l.hashes = at;
  at = align_up(at + n * 8 * words);
  l.by_id = at;
  at = align_up(at + n * 4);
  for (int t = 0; t < tables; ++t) {
    l.offsets.push_back(at);
    at = align_up(at + ((std::size_t{1} << table_bits) + 1) * 4);
    l.rows.push_back(at);  // table 0 has none: rows are in its key order
    if (t > 0) at = align_up(at + n * 4);
  }
  l.end = at;
  return l;
}

class FileWriter {
 public:
  FileWriter(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}

  Status write(const void* data, std::size_t len) {
    hash_.update(data, len);
    IMAGEBANK_RETURN_IF_ERROR(write_all(
        fd_, std::span(static_cast<const std::byte*>(data), len), name_));
    at_ += len;
    return ok_status();
  }
  Status pad_to(std::size_t offset) {
    static constexpr char kZeros[kAlign] = {};
    while (at_ < offset) {
      IMAGEBANK_RETURN_IF_ERROR(
          write(kZeros, std::min<std::size_t>(offset - at_, kAlign)));
    }
    return ok_status();
  }
  std::size_t at() const { return at_; }
  std::uint64_t digest() const { return hash_.digest(); }
  void start_payload() {
    hash_ = Xxh64();
    at_ = kHeaderSize;
  }

 private:
  int fd_;
  std::string name_;
  Xxh64 hash_;
  std::size_t at_ = 0;
};

Status write_segment(const Segment& seg, const HashIndex::Options& options,
                     int fd, const std::string& name) {
  const Segment::View& v = seg.view();
  const int words = seg.words();
  const Layout l = layout_of(v.size, words, v.plan.tables, v.plan.table_bits);
  if (::lseek(fd, static_cast<off_t>(kHeaderSize), SEEK_SET) < 0) {
    return io_error(name + ": cannot seek: " + errno_text(errno));
  }
  FileWriter out(fd, name);
  out.start_payload();
  for (const auto& pos : v.positions) {
    IMAGEBANK_RETURN_IF_ERROR(out.write(pos.data(), pos.size()));
  }
  IMAGEBANK_RETURN_IF_ERROR(out.pad_to(l.ids));
  IMAGEBANK_RETURN_IF_ERROR(out.write(v.ids, v.size * 8));
  IMAGEBANK_RETURN_IF_ERROR(out.pad_to(l.hashes));
  IMAGEBANK_RETURN_IF_ERROR(out.write(v.hashes, v.size * 8 * words));
  IMAGEBANK_RETURN_IF_ERROR(out.pad_to(l.by_id));
  IMAGEBANK_RETURN_IF_ERROR(out.write(v.by_id, v.size * 4));
  const std::size_t dir = (std::size_t{1} << v.plan.table_bits) + 1;
  for (int t = 0; t < v.plan.tables; ++t) {
    IMAGEBANK_RETURN_IF_ERROR(out.pad_to(l.offsets[t]));
    IMAGEBANK_RETURN_IF_ERROR(out.write(v.offsets[t], dir * 4));
    if (t == 0) continue;
    IMAGEBANK_RETURN_IF_ERROR(out.pad_to(l.rows[t]));
    IMAGEBANK_RETURN_IF_ERROR(out.write(v.rows[t], v.size * 4));
  }
  IMAGEBANK_RETURN_IF_ERROR(out.pad_to(l.end));

  Header h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.byte_order = kByteOrderMark;
  h.version = kVersion;
  h.bits = static_cast<std::uint32_t>(seg.bits());
  h.tables = static_cast<std::uint32_t>(v.plan.tables);
  h.table_bits = static_cast<std::uint32_t>(v.plan.table_bits);
  h.option_substrings = options.substrings;
  h.option_expected_radius = options.expected_radius;
  h.count = v.size;
  h.file_size = l.end;
  h.payload_xxh64 = out.digest();
  h.header_xxh64 = xxh64(&h, offsetof(Header, header_xxh64));
  // The header goes in last, over the space left at the start: its checksum
  // covers the payload written above.
  if (::lseek(fd, 0, SEEK_SET) < 0) {
    return io_error(name + ": cannot seek: " + errno_text(errno));
  }
  return write_all(fd, std::as_bytes(std::span(&h, 1)), name);
}

struct Mapping {
  void* data = nullptr;
  std::size_t size = 0;
  Mapping() = default;
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping() {
    if (data != nullptr) ::munmap(data, size);
  }
};

Status corrupt(const std::string& name, const std::string& why) {
  return corrupt_data_error(name + ": not a valid HashIndex file: " + why);
}

// The structure queries depend on for staying in bounds and exact.
Status validate_structure(const std::string& name, const Segment::View& v,
                          int bits) {
  std::vector<bool> used(static_cast<std::size_t>(bits), false);
  for (const auto& pos : v.positions) {
    for (std::size_t k = 0; k < pos.size(); ++k) {
      if (pos[k] >= bits || used[pos[k]] || (k > 0 && pos[k] <= pos[k - 1])) {
        return corrupt(name, "key bit positions out of range or repeated");
      }
      used[pos[k]] = true;
    }
  }
  std::vector<bool> seen(v.size, false);
  for (std::size_t k = 0; k < v.size; ++k) {
    const std::uint32_t row = v.by_id[k];
    if (row >= v.size || seen[row]) {
      return corrupt(name, "the id order lists a row out of range or twice");
    }
    seen[row] = true;
    if (k > 0 && v.ids[row] <= v.ids[v.by_id[k - 1]]) {
      return corrupt(
          name, "ids repeated or out of order at rank " + std::to_string(k));
    }
  }
  const std::size_t keys = std::size_t{1} << v.plan.table_bits;
  for (int t = 0; t < v.plan.tables; ++t) {
    const std::uint32_t* off = v.offsets[t];
    if (off[0] != 0 || off[keys] != v.size) {
      return corrupt(
          name, "table " + std::to_string(t) + " does not cover every row");
    }
    for (std::size_t k = 0; k < keys; ++k) {
      if (off[k + 1] < off[k]) {
        return corrupt(name, "table " + std::to_string(t) +
                                 " has a decreasing bucket offset");
      }
    }
    if (t == 0) continue;  // rows are the identity
    seen.assign(v.size, false);
    const std::uint32_t* rows = v.rows[t];
    for (std::size_t j = 0; j < v.size; ++j) {
      if (rows[j] >= v.size || seen[rows[j]]) {
        return corrupt(name, "table " + std::to_string(t) +
                                 " lists a row out of range or twice");
      }
      seen[rows[j]] = true;
    }
  }
  return ok_status();
}

// Every row must sit in the bucket of its own key: a file whose checksums
// were resealed after moving rows would otherwise open and silently miss
// matches. Costs one key lookup per row and table, less than the checksum.
Status validate_buckets(const std::string& name, const Segment& seg) {
  const Segment::View& v = seg.view();
  const std::size_t keys = std::size_t{1} << v.plan.table_bits;
  for (int t = 0; t < v.plan.tables; ++t) {
    const std::uint32_t* off = v.offsets[t];
    for (std::size_t k = 0; k < keys; ++k) {
      for (std::uint32_t j = off[k]; j < off[k + 1]; ++j) {
        const std::uint32_t row = t == 0 ? j : v.rows[t][j];
        if (seg.key(t, seg.hash(row)) != k) {
          return corrupt(name, "table " + std::to_string(t) +
                                   ": a row is in the wrong bucket");
        }
      }
    }
  }
  return ok_status();
}

}  // namespace

Status write_index_file(const std::filesystem::path& path,
                        const Segment& segment,
                        const HashIndex::Options& options) {
  const std::string name = path.string();
  return write_file_atomic(
      path, [&](int fd) { return write_segment(segment, options, fd, name); });
}

Result<OpenedIndex> open_index_file(const std::filesystem::path& path) {
  const std::string name = path.string();
  // O_NONBLOCK: opening a FIFO must not wait for a writer (the S_ISREG check
  // below then refuses it); it changes nothing for a regular file.
  IMAGEBANK_ASSIGN_OR_RETURN(UniqueFd fd,
                             open_file(path, O_RDONLY | O_NONBLOCK));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    const int err = errno;
    return io_error(name + ": cannot stat: " + errno_text(err));
  }
  if (!S_ISREG(st.st_mode)) return io_error(name + ": not a regular file");
  const std::size_t size = static_cast<std::size_t>(st.st_size);
  if (size < kHeaderSize) {
    return corrupt(name, "truncated to " + std::to_string(size) +
                             " bytes (the header alone has " +
                             std::to_string(kHeaderSize) + ")");
  }
  auto mapping = std::make_shared<Mapping>();
  mapping->data = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd.get(), 0);
  const int map_err = errno;
  fd.reset();  // the mapping keeps the file
  if (mapping->data == MAP_FAILED) {
    mapping->data = nullptr;
    return io_error(name + ": cannot map: " + errno_text(map_err));
  }
  mapping->size = size;
  const auto* base = static_cast<const unsigned char*>(mapping->data);

  Header h;
  std::memcpy(&h, base, kHeaderSize);
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0) {
    return corrupt(name, "bad magic");
  }
  if (h.byte_order == kByteOrderSwapped) {
    return unsupported_format_error(
        name + ": HashIndex file written on a machine of the other byte order");
  }
  if (h.byte_order != kByteOrderMark)
    return corrupt(name, "bad byte-order mark");
  if (h.version == 0) return corrupt(name, "version 0");
  if (h.version > kVersion) {
    return unsupported_format_error(
        name + ": HashIndex file format version " + std::to_string(h.version) +
        " is newer than this library's (" + std::to_string(kVersion) + ")");
  }
  if (xxh64(&h, offsetof(Header, header_xxh64)) != h.header_xxh64) {
    return corrupt(name, "header checksum mismatch");
  }
  if (h.file_size != size) {
    return corrupt(name, "the header says " + std::to_string(h.file_size) +
                             " bytes, the file has " + std::to_string(size) +
                             (size < h.file_size ? " (truncated)" : ""));
  }
  const bool tables_ok =
      h.tables == 0
          ? h.table_bits == 0
          : h.tables <= static_cast<std::uint32_t>(kMaxTables) &&
                h.table_bits >= 1 &&
                h.table_bits <= static_cast<std::uint32_t>(kMaxTableBits) &&
                h.tables * h.table_bits <= h.bits;
  if ((h.bits != 64 && h.bits != 256) || !tables_ok ||
      h.option_substrings < 0 || h.option_substrings > kMaxTables ||
      h.option_expected_radius < -1 ||
      h.option_expected_radius >
          (h.bits == 64 ? HashIndex::kMaxRadius64 : HashIndex::kMaxRadius256)) {
    return corrupt(name, "header fields out of range");
  }
  const int words = static_cast<int>(h.bits / 64);
  // Bounds n before any size arithmetic: every row takes at least its id
  // and hash in the file, and rows are numbered in 32 bits.
  if (h.count > size / (8 + 8 * static_cast<std::size_t>(words)) ||
      h.count >= 0xffffffffu) {
    return corrupt(
        name, "count " + std::to_string(h.count) + " does not fit the file");
  }
  const std::size_t n = static_cast<std::size_t>(h.count);
  const int tables = static_cast<int>(h.tables);
  const int table_bits = static_cast<int>(h.table_bits);
  const Layout l = layout_of(n, words, tables, table_bits);
  if (l.end != size) {
    return corrupt(name, "sizes in the header need " + std::to_string(l.end) +
                             " bytes, the file has " + std::to_string(size));
  }
  if (xxh64(base + kHeaderSize, size - kHeaderSize) != h.payload_xxh64) {
    return corrupt(name, "checksum mismatch (the file is damaged)");
  }

  Segment::View v;
  v.size = n;
  v.ids = reinterpret_cast<const std::uint64_t*>(base + l.ids);
  v.hashes = reinterpret_cast<const std::uint64_t*>(base + l.hashes);
  v.by_id = reinterpret_cast<const std::uint32_t*>(base + l.by_id);
  v.plan = {tables, table_bits};
  for (int t = 0; t < tables; ++t) {
    const unsigned char* p = base + l.positions + t * table_bits;
    v.positions.emplace_back(p, p + table_bits);
    v.offsets.push_back(
        reinterpret_cast<const std::uint32_t*>(base + l.offsets[t]));
    v.rows.push_back(
        t == 0 ? nullptr
               : reinterpret_cast<const std::uint32_t*>(base + l.rows[t]));
  }
  IMAGEBANK_RETURN_IF_ERROR(
      validate_structure(name, v, static_cast<int>(h.bits)));

  OpenedIndex opened;
  opened.options.bits = static_cast<int>(h.bits);
  opened.options.substrings = h.option_substrings;
  opened.options.expected_radius = h.option_expected_radius;
  opened.segment = Segment::adopt(static_cast<int>(h.bits), std::move(v),
                                  std::move(mapping), /*mapped=*/true);
  IMAGEBANK_RETURN_IF_ERROR(validate_buckets(name, *opened.segment));
  return opened;
}

}  // namespace imagebank::hash_index
