#include "carteira/zip_archive.hpp"

#include <zip.h>

#include <algorithm>
#include <unordered_map>

namespace imagebank::carteira {
namespace {

// Ratios are not judged before this much has been inflated: small parts of
// a real workbook (styles full of repeated defaults) can inflate 100x.
constexpr std::uint64_t kRatioGraceBytes = 1u << 20;

std::string zip_message(zip_error_t* error) {
  return zip_error_strerror(error);
}

// An entry name with '/' for separators: zips made on Windows by some ERP
// exports write "xl\\worksheets\\sheet1.xml", which Excel opens.
std::string with_slashes(std::string_view name) {
  std::string out(name);
  std::replace(out.begin(), out.end(), '\\', '/');
  return out;
}

// The key an entry is looked up by: '/' separators, no leading '/', ASCII
// case folded (generators disagree on "sharedStrings.xml" vs
// "SharedStrings.xml").
std::string lookup_key(std::string_view name) {
  std::string out = with_slashes(name);
  std::size_t start = 0;
  while (start < out.size() && out[start] == '/') ++start;
  out.erase(0, start);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

struct ZipArchive::Impl {
  zip_t* zip = nullptr;
  // lookup_key(name) -> index (the first entry of that key wins).
  std::unordered_map<std::string, zip_uint64_t> index;
  std::optional<zip_uint64_t> locate(std::string_view entry) const {
    const auto it = index.find(lookup_key(entry));
    if (it == index.end()) return std::nullopt;
    return it->second;
  }
  ~Impl() {
    if (zip != nullptr) zip_discard(zip);
  }
};

Result<std::unique_ptr<ZipArchive>> ZipArchive::open(
    std::span<const std::byte> bytes, std::string name,
    const CarteiraLimits& limits) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source =
      zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (source == nullptr) {
    std::string message =
        name + ": cannot read the zip: " + zip_message(&error);
    zip_error_fini(&error);
    return internal_error(std::move(message));
  }
  // ZIP_CHECKCONS compares each local header with the central directory, so
  // an archive whose entries were tampered with or cut short is refused.
  zip_t* zip = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (zip == nullptr) {
    zip_source_free(source);
    std::string message =
        name + ": not a readable .xlsx or .ods (truncated or damaged zip: " +
        zip_message(&error) + ")";
    zip_error_fini(&error);
    return corrupt_data_error(std::move(message));
  }
  zip_error_fini(&error);
  std::unique_ptr<ZipArchive> archive(new ZipArchive());
  archive->impl_ = std::make_unique<Impl>();
  archive->impl_->zip = zip;
  const zip_int64_t entries = zip_get_num_entries(zip, 0);
  for (zip_int64_t i = 0; i < entries; ++i) {
    const char* entry = zip_get_name(zip, static_cast<zip_uint64_t>(i), 0);
    if (entry == nullptr) continue;
    archive->impl_->index.emplace(lookup_key(entry),
                                  static_cast<zip_uint64_t>(i));
  }
  archive->name_ = std::move(name);
  archive->limits_ = limits;
  return archive;
}

ZipArchive::~ZipArchive() = default;

std::optional<std::string> ZipArchive::find(std::string_view entry) const {
  const std::optional<zip_uint64_t> index = impl_->locate(entry);
  if (!index) return std::nullopt;
  const char* exact = zip_get_name(impl_->zip, *index, 0);
  return with_slashes(exact == nullptr ? entry : std::string_view(exact));
}

std::optional<std::uint64_t> ZipArchive::declared_size(
    std::string_view entry) const {
  const std::optional<zip_uint64_t> index = impl_->locate(entry);
  zip_stat_t st;
  zip_stat_init(&st);
  if (!index || zip_stat_index(impl_->zip, *index, 0, &st) != 0 ||
      !(st.valid & ZIP_STAT_SIZE)) {
    return std::nullopt;
  }
  return st.size;
}

Result<std::unique_ptr<ZipEntryReader>> ZipArchive::open_entry(
    std::string_view entry) {
  const std::string key = with_slashes(entry);
  const std::optional<zip_uint64_t> index = impl_->locate(entry);
  if (!index) {
    return not_found_error(name_ + ": the workbook has no part " + key);
  }
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(impl_->zip, *index, 0, &st) != 0) {
    return corrupt_data_error(name_ + ": " + key + ": unreadable zip entry");
  }
  // The declared size can lie; it is checked here only to refuse early what
  // it admits to. Reading enforces the limits on what actually inflates.
  if ((st.valid & ZIP_STAT_SIZE) &&
      st.size > limits_.max_uncompressed_bytes -
                    std::min(inflated_total_, limits_.max_uncompressed_bytes)) {
    return limit_exceeded_error(
        name_ + ": " + key + " declares " + std::to_string(st.size) +
        " bytes once inflated, past the limit of " +
        std::to_string(limits_.max_uncompressed_bytes) + " for the workbook");
  }
  zip_file_t* file = zip_fopen_index(impl_->zip, *index, 0);
  if (file == nullptr) {
    zip_error_t* error = zip_get_error(impl_->zip);
    const int code = zip_error_code_zip(error);
    std::string message = name_ + ": " + key + ": " + zip_message(error);
    if (code == ZIP_ER_NOPASSWD || code == ZIP_ER_ENCRNOTSUPP) {
      return unsupported_format_error(name_ + ": " + key +
                                      " is encrypted (password-protected "
                                      "workbooks are not supported)");
    }
    if (code == ZIP_ER_COMPNOTSUPP) {
      return unsupported_format_error(
          name_ + ": " + key + " uses a compression method not supported");
    }
    return corrupt_data_error(std::move(message));
  }
  std::unique_ptr<ZipEntryReader> reader(new ZipEntryReader());
  reader->archive_ = this;
  reader->file_ = file;
  reader->entry_ = key;
  reader->compressed_ = (st.valid & ZIP_STAT_COMP_SIZE)
                            ? std::max<std::uint64_t>(st.comp_size, 1)
                            : 1;
  return reader;
}

Result<std::string> ZipArchive::read_all(std::string_view entry) {
  IMAGEBANK_ASSIGN_OR_RETURN(std::unique_ptr<ZipEntryReader> reader,
                             open_entry(entry));
  std::string out;
  constexpr std::size_t kChunk = 64 * 1024;
  while (true) {
    const std::size_t old = out.size();
    out.resize(old + kChunk);
    Result<std::size_t> got = reader->read(out.data() + old, kChunk);
    if (!got.ok()) return got.status();
    out.resize(old + *got);
    if (*got == 0) return out;
  }
}

ZipEntryReader::~ZipEntryReader() {
  if (file_ != nullptr) zip_fclose(static_cast<zip_file_t*>(file_));
}

Result<std::size_t> ZipEntryReader::read(char* buffer, std::size_t capacity) {
  auto* file = static_cast<zip_file_t*>(file_);
  const zip_int64_t n = zip_fread(file, buffer, capacity);
  const std::string& name = archive_->name_;
  if (n < 0) {
    return corrupt_data_error(
        name + ": " + entry_ + ": damaged compressed data (" +
        zip_error_strerror(zip_file_get_error(file)) + ")");
  }
  const auto got = static_cast<std::uint64_t>(n);
  inflated_ += got;
  archive_->inflated_total_ += got;
  const CarteiraLimits& limits = archive_->limits_;
  if (archive_->inflated_total_ > limits.max_uncompressed_bytes) {
    return limit_exceeded_error(
        name + ": the workbook inflates past " +
        std::to_string(limits.max_uncompressed_bytes) +
        " bytes (the limit; a zip bomb?) while reading " + entry_);
  }
  if (inflated_ > kRatioGraceBytes &&
      inflated_ / compressed_ > limits.max_compression_ratio) {
    return limit_exceeded_error(name + ": " + entry_ + " inflates more than " +
                                std::to_string(limits.max_compression_ratio) +
                                " times its compressed size of " +
                                std::to_string(compressed_) +
                                " bytes (a zip bomb?)");
  }
  return static_cast<std::size_t>(got);
}

}  // namespace imagebank::carteira
