// A zip archive in memory (an .xlsx or .ods), read through libzip, with the
// guards an untrusted workbook needs: every entry is inflated in chunks and
// stopped as soon as the total passes max_uncompressed_bytes or one entry
// inflates past max_compression_ratio (a zip bomb), whatever its header
// claims.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "imagebank/carteira/carteira.hpp"

namespace imagebank::carteira {

class ZipEntryReader;

class ZipArchive {
 public:
  // corrupt_data for a truncated or damaged archive. The bytes must outlive
  // the archive.
  static Result<std::unique_ptr<ZipArchive>> open(
      std::span<const std::byte> bytes, std::string name,
      const CarteiraLimits& limits);
  ~ZipArchive();
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;

  const std::string& name() const noexcept { return name_; }

  // The entry's name, with '/' for separators, when it exists. Names are
  // compared without ASCII case (generators disagree on "sharedStrings.xml"
  // vs "SharedStrings.xml"), a leading '/', or which separator they use
  // (some Windows exports write "xl\\workbook.xml"). Every method taking an
  // entry compares alike.
  std::optional<std::string> find(std::string_view entry) const;

  // The inflated size the archive claims for the entry (it may lie), or
  // nullopt when absent.
  std::optional<std::uint64_t> declared_size(std::string_view entry) const;

  // Opens an entry for streaming; not_found when absent.
  Result<std::unique_ptr<ZipEntryReader>> open_entry(std::string_view entry);

  // The whole entry as text (small parts: rels, workbook), bounded by the
  // same limits.
  Result<std::string> read_all(std::string_view entry);

 private:
  friend class ZipEntryReader;
  ZipArchive() = default;

  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string name_;
  CarteiraLimits limits_;
  std::uint64_t inflated_total_ = 0;
};

class ZipEntryReader {
 public:
  ~ZipEntryReader();
  ZipEntryReader(const ZipEntryReader&) = delete;
  ZipEntryReader& operator=(const ZipEntryReader&) = delete;

  // Up to `capacity` inflated bytes into `buffer`; 0 at the end. Errors:
  // corrupt_data (damaged data, CRC mismatch), limit_exceeded.
  Result<std::size_t> read(char* buffer, std::size_t capacity);

 private:
  friend class ZipArchive;
  ZipEntryReader() = default;

  ZipArchive* archive_ = nullptr;
  void* file_ = nullptr;  // zip_file_t
  std::string entry_;
  std::uint64_t compressed_ = 0;
  std::uint64_t inflated_ = 0;
};

}  // namespace imagebank::carteira
