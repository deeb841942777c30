// The writers of bank/export.cpp: one per format, fed the same rows. A row
// is the product's facts (ExportRow) and, for the tabular formats, its
// cells in column order. Internal to the bank module.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "imagebank/bank/export.hpp"

namespace imagebank::export_detail {

// A cell: its text, and its value when the column holds numbers (the XLSX
// writes those as numbers; CSV and an empty text write the text).
struct Cell {
  std::string text;
  std::optional<double> number;
};

struct Column {
  std::string name;
  double width = 12;  // XLSX column width, in characters
};

// One product's facts, shared by every writer.
struct ExportRow {
  const ProductSummary* summary = nullptr;
  std::string_view brand;
  std::string_view collection;
  // Its photos (linked, not rejected) in cover order, with their URLs.
  std::vector<const ImageRecord*> photos;
  std::vector<std::string> photo_urls;
  // Every image linked to it, rejected ones included (last), in cover
  // order, with their URLs.
  std::vector<const ImageRecord*> images;
  std::vector<std::string> image_urls;
  // Counts by ImageStatus value (pending, pending_ai_analysis, approved,
  // rejected).
  std::array<std::int64_t, 4> statuses{};
  // Photos by view label ("frente"; "sem_vista" for none), by name.
  std::vector<std::pair<std::string, std::int64_t>> views;
  std::vector<std::string> missing_views;  // labels, in required order
  std::string coverage;                    // "completa", ...
  const AiAnalysis* ai = nullptr;
};

// "a, b, c" for {"a", "b", "c"} and ", ".
std::string join(const std::vector<std::string>& items, std::string_view sep);

// A column and how its cell is read from a row.
struct ColumnDef {
  Column column;
  std::function<Cell(const ExportRow&)> cell;
};

// Every column of an export, in order: fotos_<key> for each of
// `view_keys` (labels), the ia_ columns only when `analysed`.
std::vector<ColumnDef> all_columns(const std::vector<std::string>& view_keys,
                                   bool analysed);

class ExportWriter {
 public:
  virtual ~ExportWriter() = default;
  virtual Status begin(const std::vector<Column>& columns) = 0;
  virtual Status row(const ExportRow& row, const std::vector<Cell>& cells) = 0;
  // `parameters`: what the export was asked (label, value), for the XLSX's
  // second sheet.
  virtual Status finish(
      const std::vector<std::pair<std::string, std::string>>& parameters) = 0;
  virtual std::int64_t bytes() const = 0;
};

std::unique_ptr<ExportWriter> make_csv_writer(const ExportSink& sink,
                                              char delimiter, bool bom);
std::unique_ptr<ExportWriter> make_jsonl_writer(const ExportSink& sink);
Result<std::unique_ptr<ExportWriter>> make_xlsx_writer(
    const ExportSink& sink, const std::filesystem::path& temp_dir);

// The pt-BR words of the web app for a canonical view ("front" ->
// "frente", "" -> "sem_vista") and for an image status ("pendente").
std::string view_label(std::string_view view);
std::string_view status_label(ImageStatus status);

// A CSV cell (RFC 4180 quoting; = + - @ TAB CR first get an apostrophe).
std::string csv_cell(std::string_view text, char delimiter);

// Collects a writer's output in blocks of about 64 KiB before handing them
// to the sink, and counts the bytes.
class BufferedSink {
 public:
  explicit BufferedSink(const ExportSink& sink) : sink_(sink) {}
  Status append(std::string_view bytes) {
    buffer_.append(bytes);
    if (buffer_.size() >= kBlock) return flush();
    return Status();
  }
  Status flush() {
    if (buffer_.empty()) return Status();
    total_ += static_cast<std::int64_t>(buffer_.size());
    Status s = sink_(buffer_);
    buffer_.clear();
    return s;
  }
  std::int64_t bytes() const noexcept {
    return total_ + static_cast<std::int64_t>(buffer_.size());
  }

 private:
  static constexpr std::size_t kBlock = 64 * 1024;
  const ExportSink& sink_;
  std::string buffer_;
  std::int64_t total_ = 0;
};

}  // namespace imagebank::export_detail
