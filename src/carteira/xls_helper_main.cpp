// imagebank-xls-reader: reads the legacy .xls on its stdin with libfreexl
// and writes its cells on stdout (xls_wire.hpp). The library runs it as a
// short-lived child for every .xls: freexl leaks memory on malformed files
// and trusts their structure more than it should, and a child's leaks and
// crashes end with it, under the CPU and memory limits its parent set.
//
// Not meant to be run by hand: `imagebank-xls-reader < book.xls | xxd`.
#include <freexl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <new>
#include <string_view>
#include <vector>

#include "carteira/cell.hpp"
#include "carteira/xls_wire.hpp"

namespace {

using imagebank::carteira::CellKind;
namespace wire = imagebank::carteira::xls_wire;

class Out {
 public:
  void tag(char t) { put(&t, 1); }
  void u32(std::uint32_t v) { put(&v, sizeof v); }
  void i32(std::int32_t v) { put(&v, sizeof v); }
  void f64(double v) { put(&v, sizeof v); }
  void str(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    put(s.data(), s.size());
  }
  void flush() {
    std::size_t done = 0;
    while (done < buffer_.size()) {
      const ssize_t n =
          ::write(1, buffer_.data() + done, buffer_.size() - done);
      if (n <= 0) _exit(3);  // the reader went away
      done += static_cast<std::size_t>(n);
    }
    buffer_.clear();
  }

 private:
  void put(const void* data, std::size_t size) {
    const auto* p = static_cast<const char*>(data);
    buffer_.insert(buffer_.end(), p, p + size);
    if (buffer_.size() >= (64u << 10)) flush();
  }
  std::vector<char> buffer_;
};

// The workbook is never closed: the process ends right after, and what
// freexl leaks on a damaged file goes with it either way.
struct Workbook {
  const void* handle = nullptr;
};

int run(Out& out) {
  Workbook xls;
  // freexl opens paths only; stdin is the file (or a memfd) the library
  // gave us.
  int opened = freexl_open("/proc/self/fd/0", &xls.handle);
  if (opened == FREEXL_FILE_NOT_FOUND) {
    opened = freexl_open("/dev/stdin", &xls.handle);
  }
  if (opened != FREEXL_OK) {
    out.tag(wire::kOpenError);
    out.i32(opened);
    return 0;
  }
  unsigned int info = 0;
  if (freexl_get_info(xls.handle, FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK &&
      info == FREEXL_BIFF_OBFUSCATED) {
    out.tag(wire::kPassword);
    return 0;
  }
  unsigned int sheets = 0;
  if (freexl_get_info(xls.handle, FREEXL_BIFF_SHEET_COUNT, &sheets) !=
      FREEXL_OK) {
    sheets = 0;
  }
  out.tag(wire::kSheetCount);
  out.u32(sheets);
  std::vector<FreeXL_CellValue> row;
  for (unsigned int s = 0; s < sheets && s <= 0xFFFF; ++s) {
    const char* name = nullptr;
    const auto index = static_cast<unsigned short>(s);
    if (freexl_get_worksheet_name(xls.handle, index, &name) != FREEXL_OK ||
        name == nullptr) {
      name = "";
    }
    unsigned int rows = 0;
    unsigned short columns = 0;
    if (freexl_select_active_worksheet(xls.handle, index) != FREEXL_OK ||
        freexl_worksheet_dimensions(xls.handle, &rows, &columns) != FREEXL_OK) {
      out.tag(wire::kUnreadableSheet);
      out.str(name);
      continue;
    }
    out.tag(wire::kSheet);
    out.str(name);
    out.u32(rows);
    out.u32(columns);
    for (unsigned int r = 0; r < rows; ++r) {
      row.clear();
      for (unsigned short c = 0; c < columns; ++c) {
        FreeXL_CellValue value;
        if (freexl_get_cell_value(xls.handle, r, c, &value) != FREEXL_OK) {
          value.type = FREEXL_CELL_NULL;
        }
        row.push_back(value);
      }
      std::uint32_t cells = 0;
      for (const FreeXL_CellValue& v : row) {
        cells += v.type != FREEXL_CELL_NULL ? 1 : 0;
      }
      out.tag(wire::kRow);
      out.u32(r + 1);
      out.u32(cells);
      for (std::size_t c = 0; c < row.size(); ++c) {
        const FreeXL_CellValue& v = row[c];
        CellKind kind = CellKind::kText;
        double number = 0;
        const char* text = nullptr;
        switch (v.type) {
          case FREEXL_CELL_NULL:
            continue;
          case FREEXL_CELL_INT:
            kind = CellKind::kNumber;
            number = v.value.int_value;
            break;
          case FREEXL_CELL_DOUBLE:
            kind = CellKind::kNumber;
            number = v.value.double_value;
            break;
          case FREEXL_CELL_DATE:
          case FREEXL_CELL_DATETIME:
            kind = CellKind::kIsoDate;
            text = v.value.text_value;
            break;
          default:  // text, shared text, time
            text = v.value.text_value;
            break;
        }
        out.u32(static_cast<std::uint32_t>(c));
        out.tag(static_cast<char>(kind));
        out.f64(number);
        out.str(text == nullptr ? "" : text);
      }
    }
    out.tag(wire::kSheetEnd);
  }
  out.tag(wire::kDone);
  return 0;
}

}  // namespace

int main() {
  Out out;
  try {
    run(out);
  } catch (const std::bad_alloc&) {
    out.tag(wire::kOpenError);
    out.i32(wire::kOutOfMemory);
  }
  out.flush();
  // _exit: no destructors or exit-time leak reports about what freexl
  // lost (the point of running it here).
  _exit(0);
}
