// read_carteira: reads the file, recognises its container from the content
// and hands it to the reader of that format.
#include "imagebank/carteira/carteira.hpp"

#include <algorithm>
#include <cstring>
#include <unordered_set>

#include "carteira/builder.hpp"
#include "carteira/csv_reader.hpp"
#include "carteira/readers.hpp"
#include "imagebank/core/file.hpp"
#include "imagebank/core/text.hpp"

namespace imagebank {
namespace {

enum class Container { kZip, kOle2, kText };

Container sniff(std::span<const std::byte> bytes) {
  const auto starts = [&](std::string_view magic) {
    return bytes.size() >= magic.size() &&
           std::memcmp(bytes.data(), magic.data(), magic.size()) == 0;
  };
  if (starts("PK\x03\x04") || starts("PK\x05\x06")) return Container::kZip;
  if (starts("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) return Container::kOle2;
  return Container::kText;
}

std::string lower_extension(std::string_view name) {
  std::string ext = std::filesystem::path(name).extension().string();
  for (char& c : ext) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return ext;
}

Result<Carteira> read_any(std::span<const std::byte> bytes,
                          std::string_view name,
                          const CarteiraOptions& options) {
  const std::string file(name);
  if (bytes.size() > options.limits.max_file_bytes) {
    return limit_exceeded_error(file + ": " + std::to_string(bytes.size()) +
                                " bytes, more than the " + "limit of " +
                                std::to_string(options.limits.max_file_bytes));
  }
  if (bytes.empty()) return corrupt_data_error(file + ": empty file");
  const Container container = sniff(bytes);
  if (container == Container::kZip) {
    carteira::CarteiraBuilder builder(file, options);
    IMAGEBANK_RETURN_IF_ERROR(carteira::read_zip(bytes, builder));
    return std::move(builder).finish();
  }
  if (container == Container::kOle2) {
    carteira::CarteiraBuilder builder(file, options);
    IMAGEBANK_RETURN_IF_ERROR(carteira::read_xls(bytes, builder));
    return std::move(builder).finish();
  }
  // A CSV is a single sheet: a sheet filter has nothing to select.
  CarteiraOptions csv_options = options;
  csv_options.sheets.clear();
  carteira::CarteiraBuilder builder(file, csv_options);
  const std::string ext = lower_extension(name);
  if (ext == ".xlsx" || ext == ".xlsm" || ext == ".xls") {
    builder.file_issue(
        IssueSeverity::kWarning,
        "the name ends in " + ext + " but the content is text; read as CSV");
  }
  std::string sheet = std::filesystem::path(name).stem().string();
  IMAGEBANK_RETURN_IF_ERROR(
      carteira::read_csv(bytes, std::move(sheet), builder));
  return std::move(builder).finish();
}

}  // namespace

std::string_view severity_name(IssueSeverity severity) noexcept {
  switch (severity) {
    case IssueSeverity::kInfo:
      return "info";
    case IssueSeverity::kWarning:
      return "warning";
    case IssueSeverity::kError:
      return "error";
  }
  return "error";
}

const FieldValue* CarteiraRow::find(Field field) const noexcept {
  for (const auto& [f, value] : fields) {
    if (f == field) return &value;
  }
  return nullptr;
}

const std::string& CarteiraRow::sku() const {
  static const std::string kNone;
  const FieldValue* value = find(Field::kSku);
  if (value == nullptr || !std::holds_alternative<std::string>(*value)) {
    return kNone;
  }
  return std::get<std::string>(*value);
}

std::vector<std::string> Carteira::skus() const {
  std::vector<std::string> out;
  std::unordered_set<std::string_view> seen;
  out.reserve(rows.size());
  for (const CarteiraRow& row : rows) {
    const std::string& sku = row.sku();
    if (!sku.empty() && seen.insert(sku).second) out.push_back(sku);
  }
  return out;
}

std::size_t Carteira::count_issues(IssueSeverity severity) const noexcept {
  return static_cast<std::size_t>(std::count_if(
      issues.begin(), issues.end(),
      [&](const CarteiraIssue& i) { return i.severity >= severity; }));
}

Result<Carteira> read_carteira(const std::filesystem::path& path,
                               const CarteiraOptions& options) {
  IMAGEBANK_ASSIGN_OR_RETURN(std::vector<std::byte> bytes,
                             read_file(path, options.limits.max_file_bytes));
  return read_any(bytes, path.string(), options);
}

Result<Carteira> read_carteira(std::span<const std::byte> bytes,
                               std::string_view name,
                               const CarteiraOptions& options) {
  return read_any(bytes, name.empty() ? "<memory>" : name, options);
}

}  // namespace imagebank
