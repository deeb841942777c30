// The XLSX format of an export, written by libxlsxwriter in constant-memory
// mode (each row goes to a temporary file as it is written): a "Produtos"
// sheet with the header frozen, an autofilter, column widths and numbers
// as numbers, and a "Parâmetros" sheet saying what was exported. The
// finished workbook is a file libxlsxwriter names; it is streamed to the
// sink and removed.
#include <fcntl.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdlib>
#include <system_error>

#include "bank/export_internal.hpp"
#include "imagebank/core/file.hpp"

namespace imagebank::export_detail {
namespace {

// Excel's limit on a cell's text.
constexpr std::size_t kMaxCellBytes = 32767;

// At most kMaxCellBytes, cut at a UTF-8 character boundary.
std::string_view fit(std::string_view text) {
  if (text.size() <= kMaxCellBytes) return text;
  std::size_t n = kMaxCellBytes;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return text.substr(0, n);
}

Status lxw_status(std::string_view what, lxw_error e) {
  if (e == LXW_NO_ERROR) return Status();
  return io_error("xlsx export: " + std::string(what) + ": " + lxw_strerror(e));
}

class XlsxWriter final : public ExportWriter {
 public:
  XlsxWriter(const ExportSink& sink, std::filesystem::path file,
             std::string temp_dir)
      : sink_(sink), file_(std::move(file)), temp_dir_(std::move(temp_dir)) {}

  ~XlsxWriter() override {
    if (book_ != nullptr) workbook_close(book_);  // frees it
    std::error_code ignored;
    std::filesystem::remove(file_, ignored);
  }

  Status open() {
    lxw_workbook_options options{};
    options.constant_memory = LXW_TRUE;
    options.tmpdir = temp_dir_.empty() ? nullptr : temp_dir_.data();
    book_ = workbook_new_opt(file_.c_str(), &options);
    if (book_ == nullptr) {
      return io_error("xlsx export: cannot start a workbook at '" +
                      file_.string() + "'");
    }
    sheet_ = workbook_add_worksheet(book_, "Produtos");
    params_ = workbook_add_worksheet(book_, "Parâmetros");
    bold_ = workbook_add_format(book_);
    if (sheet_ == nullptr || params_ == nullptr || bold_ == nullptr) {
      return internal_error("xlsx export: cannot add the sheets");
    }
    format_set_bold(bold_);
    return Status();
  }

  Status begin(const std::vector<Column>& columns) override {
    columns_ = columns.size();
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const auto col = static_cast<lxw_col_t>(c);
      IMAGEBANK_RETURN_IF_ERROR(lxw_status(
          "column width",
          worksheet_set_column(sheet_, col, col, columns[c].width, nullptr)));
    }
    worksheet_freeze_panes(sheet_, 1, 0);
    for (std::size_t c = 0; c < columns.size(); ++c) {
      IMAGEBANK_RETURN_IF_ERROR(lxw_status(
          "header", worksheet_write_string(sheet_, 0, static_cast<lxw_col_t>(c),
                                           columns[c].name.c_str(), bold_)));
    }
    return Status();
  }

  Status row(const ExportRow&, const std::vector<Cell>& cells) override {
    if (row_ + 1 >= LXW_ROW_MAX) {
      return limit_exceeded_error(
          "xlsx export: more than 1,048,575 products do not fit one sheet; "
          "export a collection or brand at a time, or use csv or jsonl");
    }
    ++row_;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const Cell& cell = cells[c];
      const auto col = static_cast<lxw_col_t>(c);
      lxw_error e = LXW_NO_ERROR;
      if (cell.number) {
        e = worksheet_write_number(sheet_, row_, col, *cell.number, nullptr);
      } else if (!cell.text.empty()) {
        // A string cell is never evaluated, whatever it starts with.
        scratch_.assign(fit(cell.text));
        e = worksheet_write_string(sheet_, row_, col, scratch_.c_str(),
                                   nullptr);
      }
      IMAGEBANK_RETURN_IF_ERROR(lxw_status("row", e));
    }
    return Status();
  }

  Status finish(const std::vector<std::pair<std::string, std::string>>&
                    parameters) override {
    if (columns_ > 0) {
      IMAGEBANK_RETURN_IF_ERROR(lxw_status(
          "autofilter",
          worksheet_autofilter(sheet_, 0, 0, row_,
                               static_cast<lxw_col_t>(columns_ - 1))));
    }
    IMAGEBANK_RETURN_IF_ERROR(lxw_status(
        "parameters", worksheet_set_column(params_, 0, 0, 28, nullptr)));
    IMAGEBANK_RETURN_IF_ERROR(lxw_status(
        "parameters", worksheet_set_column(params_, 1, 1, 60, nullptr)));
    IMAGEBANK_RETURN_IF_ERROR(
        lxw_status("parameters",
                   worksheet_write_string(params_, 0, 0, "parâmetro", bold_)));
    IMAGEBANK_RETURN_IF_ERROR(lxw_status(
        "parameters", worksheet_write_string(params_, 0, 1, "valor", bold_)));
    lxw_row_t r = 0;
    for (const auto& [label, value] : parameters) {
      ++r;
      const std::string v(fit(value));
      IMAGEBANK_RETURN_IF_ERROR(lxw_status(
          "parameters",
          worksheet_write_string(params_, r, 0, label.c_str(), nullptr)));
      IMAGEBANK_RETURN_IF_ERROR(lxw_status(
          "parameters",
          worksheet_write_string(params_, r, 1, v.c_str(), nullptr)));
    }
    lxw_workbook* book = book_;
    book_ = nullptr;
    IMAGEBANK_RETURN_IF_ERROR(lxw_status("close", workbook_close(book)));
    return stream_file();
  }

  std::int64_t bytes() const override { return bytes_; }

 private:
  Status stream_file() {
    IMAGEBANK_ASSIGN_OR_RETURN(RegularFile f, open_regular_file(file_));
    std::string block(256 * 1024, '\0');
    while (true) {
      const ssize_t n = ::read(f.fd.get(), block.data(), block.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return io_error("xlsx export: reading '" + file_.string() +
                        "': " + errno_text(errno));
      }
      if (n == 0) break;
      bytes_ += n;
      IMAGEBANK_RETURN_IF_ERROR(
          sink_(std::string_view(block.data(), static_cast<std::size_t>(n))));
    }
    return Status();
  }

  const ExportSink& sink_;
  std::filesystem::path file_;
  std::string temp_dir_;
  lxw_workbook* book_ = nullptr;
  lxw_worksheet* sheet_ = nullptr;
  lxw_worksheet* params_ = nullptr;
  lxw_format* bold_ = nullptr;
  std::size_t columns_ = 0;
  lxw_row_t row_ = 0;
  std::string scratch_;
  std::int64_t bytes_ = 0;
};

}  // namespace

Result<std::unique_ptr<ExportWriter>> make_xlsx_writer(
    const ExportSink& sink, const std::filesystem::path& temp_dir) {
  std::error_code ec;
  std::filesystem::path dir =
      temp_dir.empty() ? std::filesystem::temp_directory_path(ec) : temp_dir;
  if (ec)
    return io_error("xlsx export: no temporary directory: " + ec.message());
  // mkstemp reserves a name no other process has; libxlsxwriter then
  // writes the workbook over it.
  std::string name = (dir / "imagebank-export-XXXXXX.xlsx").string();
  const int fd = ::mkstemps(name.data(), 5);
  if (fd < 0) {
    return io_error("xlsx export: cannot create a file in '" + dir.string() +
                    "': " + errno_text(errno));
  }
  ::close(fd);
  auto writer = std::make_unique<XlsxWriter>(
      sink, std::filesystem::path(name),
      temp_dir.empty() ? std::string() : temp_dir.string());
  IMAGEBANK_RETURN_IF_ERROR(writer->open());
  return std::unique_ptr<ExportWriter>(std::move(writer));
}

}  // namespace imagebank::export_detail
