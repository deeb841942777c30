// Legacy .xls (BIFF5/8) through libfreexl. freexl parses the whole workbook
// when it opens it (an .xls is at most 65,536 rows and the file size is
// already bounded), then hands out cells one by one; it turns date-formatted
// numbers into ISO text itself.
#include <fcntl.h>
#include <freexl.h>
#include <stdlib.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "carteira/readers.hpp"
#include "imagebank/core/file.hpp"

namespace imagebank::carteira {
namespace {

std::string freexl_reason(int code) {
  switch (code) {
    case FREEXL_FILE_NOT_FOUND:
      return "cannot be opened";
    case FREEXL_INSUFFICIENT_MEMORY:
      return "out of memory";
    case FREEXL_INVALID_CFBF_HEADER:
    case FREEXL_CFBF_INVALID_SIGNATURE:
    case FREEXL_CFBF_INVALID_SECTOR_SIZE:
    case FREEXL_CFBF_EMPTY_FAT_CHAIN:
    case FREEXL_CFBF_ILLEGAL_FAT_ENTRY:
      return "damaged compound-file structure";
    case FREEXL_CFBF_READ_ERROR:
    case FREEXL_CFBF_SEEK_ERROR:
      return "truncated or damaged";
    case FREEXL_BIFF_INVALID_BOF:
      return "no Excel workbook stream (another Office document, or an "
             "encrypted .xlsx?)";
    case FREEXL_BIFF_ILLEGAL_SST_INDEX:
      return "a cell refers to a missing shared string";
    case FREEXL_BIFF_WORKBOOK_NOT_FOUND:
      return "no Excel workbook stream in the compound file";
    case FREEXL_CRAFTED_FILE:
      return "a crafted or severely damaged file";
    default:
      return "damaged workbook (freexl error " + std::to_string(code) + ")";
  }
}

// A private copy of in-memory bytes for freexl, which opens only paths;
// removed on destruction.
class TempFile {
 public:
  ~TempFile() {
    if (!path_.empty()) {
      std::error_code ignored;
      std::filesystem::remove(path_, ignored);
    }
  }
  Status write(std::span<const std::byte> bytes, const std::string& name) {
    std::error_code ec;
    std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
    if (ec) dir = "/tmp";
    std::string pattern = (dir / "imagebank-xls-XXXXXX").string();
    const UniqueFd fd(::mkostemp(pattern.data(), O_CLOEXEC));
    if (!fd.valid()) {
      const int err = errno;
      return io_error(name +
                      ": cannot create a temporary file for the .xls "
                      "reader: " +
                      errno_text(err));
    }
    path_ = pattern;
    if (Status written = write_all(fd.get(), bytes, path_); !written.ok()) {
      return io_error(name +
                      ": cannot write a temporary file for the .xls "
                      "reader (" +
                      written.message() + ")");
    }
    return ok_status();
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class XlsHandle {
 public:
  ~XlsHandle() {
    if (handle_ != nullptr) freexl_close(handle_);
  }
  const void* handle_ = nullptr;
};

}  // namespace

Status read_xls(std::span<const std::byte> bytes,
                const std::optional<std::filesystem::path>& path,
                CarteiraBuilder& builder) {
  const std::string& name = builder.name();
  TempFile temp;
  std::string file;
  if (path) {
    file = path->string();
  } else {
    IMAGEBANK_RETURN_IF_ERROR(temp.write(bytes, name));
    file = temp.path();
  }
  XlsHandle xls;
  const int opened = freexl_open(file.c_str(), &xls.handle_);
  if (opened != FREEXL_OK) {
    return corrupt_data_error(
        name + ": not a readable .xls: " + freexl_reason(opened));
  }
  unsigned int info = 0;
  if (freexl_get_info(xls.handle_, FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK &&
      info == FREEXL_BIFF_OBFUSCATED) {
    return unsupported_format_error(
        name + ": a password-protected .xls (not supported)");
  }
  unsigned int sheets = 0;
  if (freexl_get_info(xls.handle_, FREEXL_BIFF_SHEET_COUNT, &sheets) !=
      FREEXL_OK) {
    return corrupt_data_error(name + ": not a readable .xls: no sheets");
  }
  const CarteiraLimits& limits = builder.limits();
  if (sheets > limits.max_sheets) {
    return limit_exceeded_error(name + ": " + std::to_string(sheets) +
                                " sheets, more than the limit of " +
                                std::to_string(limits.max_sheets));
  }
  std::vector<Cell> cells;
  for (unsigned int s = 0; s < sheets; ++s) {
    const char* sheet_name = nullptr;
    const auto index = static_cast<unsigned short>(s);
    if (freexl_get_worksheet_name(xls.handle_, index, &sheet_name) !=
            FREEXL_OK ||
        sheet_name == nullptr) {
      sheet_name = "";
    }
    if (!builder.wants_sheet(sheet_name)) continue;
    builder.begin_sheet(sheet_name);
    unsigned int rows = 0;
    unsigned short columns = 0;
    if (freexl_select_active_worksheet(xls.handle_, index) != FREEXL_OK ||
        freexl_worksheet_dimensions(xls.handle_, &rows, &columns) !=
            FREEXL_OK) {
      builder.issue(IssueSeverity::kError, 0,
                    "the sheet cannot be read; sheet skipped");
      continue;
    }
    if (columns > limits.max_columns) {
      return limit_exceeded_error(name + ": sheet '" + sheet_name + "' has " +
                                  std::to_string(columns) +
                                  " columns, more than the limit of " +
                                  std::to_string(limits.max_columns));
    }
    for (unsigned int r = 0; r < rows; ++r) {
      cells.clear();
      for (unsigned short c = 0; c < columns; ++c) {
        FreeXL_CellValue value;
        if (freexl_get_cell_value(xls.handle_, r, c, &value) != FREEXL_OK) {
          continue;
        }
        Cell cell;
        cell.column = c;
        switch (value.type) {
          case FREEXL_CELL_INT:
            cell.kind = CellKind::kNumber;
            cell.number = value.value.int_value;
            break;
          case FREEXL_CELL_DOUBLE:
            cell.kind = CellKind::kNumber;
            cell.number = value.value.double_value;
            break;
          case FREEXL_CELL_TEXT:
          case FREEXL_CELL_SST_TEXT:
          case FREEXL_CELL_TIME:
            if (value.value.text_value == nullptr) continue;
            cell.text = value.value.text_value;
            break;
          case FREEXL_CELL_DATE:
          case FREEXL_CELL_DATETIME:
            if (value.value.text_value == nullptr) continue;
            cell.kind = CellKind::kIsoDate;
            cell.text = value.value.text_value;
            break;
          default:
            continue;
        }
        if (cell.text.size() > limits.max_cell_bytes) {
          return limit_exceeded_error(
              name + ": sheet '" + sheet_name + "' row " +
              std::to_string(r + 1) + ": a cell longer than " +
              std::to_string(limits.max_cell_bytes) + " bytes (the limit)");
        }
        cells.push_back(cell);
      }
      IMAGEBANK_RETURN_IF_ERROR(
          builder.row(static_cast<std::int64_t>(r) + 1, cells));
    }
    builder.end_sheet();
  }
  return ok_status();
}

}  // namespace imagebank::carteira
