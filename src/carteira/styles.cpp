// styles.xml: which cell styles show numbers as dates, or pad them with
// zeros.
#include <charconv>
#include <unordered_map>

#include "carteira/xlsx_parts.hpp"

namespace imagebank::carteira {
namespace {

int to_int(const char* text, int fallback) {
  if (text == nullptr) return fallback;
  const std::string_view s(text);
  int value = fallback;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  return ec == std::errc() ? value : fallback;
}

class StylesHandler : public XmlHandler {
 public:
  void start(std::string_view name, XmlAttributes attrs) override {
    if (name == "numFmt") {
      const int id = to_int(xml_attribute(attrs, "numFmtId"), -1);
      const char* code = xml_attribute(attrs, "formatCode");
      if (id >= 0 && code != nullptr) formats_[id] = code;
    } else if (name == "cellXfs") {
      in_cell_xfs_ = true;
    } else if (name == "xf" && in_cell_xfs_) {
      xf_formats_.push_back(to_int(xml_attribute(attrs, "numFmtId"), 0));
    }
  }
  void end(std::string_view name) override {
    if (name == "cellXfs") in_cell_xfs_ = false;
  }

  std::vector<CellStyle> styles() const {
    std::vector<CellStyle> out;
    out.reserve(xf_formats_.size());
    for (int id : xf_formats_) {
      const auto it = formats_.find(id);
      const std::string_view code =
          it == formats_.end() ? std::string_view() : it->second;
      CellStyle style;
      style.date = is_date_format(id, code);
      style.zero_pad = static_cast<std::uint8_t>(zero_pad_of(code));
      out.push_back(style);
    }
    return out;
  }

 private:
  std::unordered_map<int, std::string> formats_;
  std::vector<int> xf_formats_;
  bool in_cell_xfs_ = false;
};

}  // namespace

bool is_date_format(int id, std::string_view code) {
  if ((id >= 14 && id <= 22) || (id >= 45 && id <= 47)) return true;
  if (code.empty()) return false;
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    switch (c) {
      case '"': {  // literal text
        const std::size_t close = code.find('"', i + 1);
        if (close == std::string_view::npos) return false;
        i = close;
        break;
      }
      case '\\':  // an escaped character
      case '_':   // padding the width of the next character
      case '*':   // the next character repeated to fill
        ++i;
        break;
      case '[': {
        const std::size_t close = code.find(']', i + 1);
        if (close == std::string_view::npos) return false;
        const std::string_view inside = code.substr(i + 1, close - i - 1);
        // [h], [mm], [ss]: elapsed time. [Red], [$R$-416], [>=100]: not.
        if (!inside.empty()) {
          const char f = static_cast<char>(inside.front() | 0x20);
          if ((f == 'h' || f == 'm' || f == 's') &&
              inside.find_first_not_of(inside.front()) ==
                  std::string_view::npos) {
            return true;
          }
        }
        i = close;
        break;
      }
      default: {
        const char lower = static_cast<char>(c | 0x20);
        if (lower == 'd' || lower == 'm' || lower == 'y' || lower == 'h' ||
            lower == 's') {
          return true;
        }
      }
    }
  }
  return false;
}

int zero_pad_of(std::string_view code) {
  if (code.size() < 2 || code.size() > 30) return 0;
  for (char c : code) {
    if (c != '0') return 0;
  }
  return static_cast<int>(code.size());
}

Result<std::vector<CellStyle>> read_styles(ZipArchive& zip,
                                           std::string_view part) {
  StylesHandler handler;
  IMAGEBANK_RETURN_IF_ERROR(parse_xml_part(zip, part, handler));
  return handler.styles();
}

}  // namespace imagebank::carteira
