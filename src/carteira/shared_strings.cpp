// sharedStrings.xml into one arena: a 100k-row workbook can hold hundreds of
// thousands of strings, and one allocation per string would dominate.
#include <algorithm>

#include "carteira/xlsx_parts.hpp"
#include "imagebank/core/text.hpp"

namespace imagebank::carteira {

class SharedStringsHandler : public XmlHandler {
 public:
  SharedStringsHandler(SharedStrings& out, std::string what,
                       const CarteiraLimits& limits)
      : out_(out), what_(std::move(what)), limits_(limits) {}

  void start(std::string_view name, XmlAttributes) override {
    if (name == "si") {
      in_si_ = true;
      begin_ = out_.arena_.size();
    } else if (name == "t") {
      in_t_ = in_si_ && !in_phonetic_;
    } else if (name == "rPh") {
      in_phonetic_ = true;  // furigana: a reading aid, not the text
    }
  }
  void end(std::string_view name) override {
    if (name == "t") {
      in_t_ = false;
    } else if (name == "rPh") {
      in_phonetic_ = false;
    } else if (name == "si") {
      in_si_ = false;
      if (out_.arena_.find("_x", begin_) != std::string::npos) {
        decode_ooxml_escapes(out_.arena_, begin_);
      }
      out_.ends_.push_back(out_.arena_.size());
    }
  }
  void text(std::string_view s) override {
    if (!in_t_) return;
    if (out_.arena_.size() - begin_ + s.size() > limits_.max_cell_bytes) {
      stop(limit_exceeded_error(
          what_ + ": shared string " + std::to_string(out_.ends_.size()) +
          " is longer than " + std::to_string(limits_.max_cell_bytes) +
          " bytes (the cell limit)"));
      return;
    }
    out_.arena_.append(s);
  }

 private:
  SharedStrings& out_;
  std::string what_;
  const CarteiraLimits& limits_;
  std::size_t begin_ = 0;
  bool in_si_ = false, in_t_ = false, in_phonetic_ = false;
};

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The code unit of "_xHHHH_" at text[i], or -1.
int escape_at(const std::string& text, std::size_t i) {
  if (i + 7 > text.size() || text[i] != '_' || text[i + 1] != 'x' ||
      text[i + 6] != '_') {
    return -1;
  }
  int value = 0;
  for (std::size_t k = 2; k < 6; ++k) {
    const int h = hex_value(text[i + k]);
    if (h < 0) return -1;
    value = value * 16 + h;
  }
  return value;
}

}  // namespace

void decode_ooxml_escapes(std::string& text, std::size_t from) {
  std::string out;
  std::size_t i = from;
  bool changed = false;
  while (i < text.size()) {
    const int unit = escape_at(text, i);
    if (unit < 0) {
      out += text[i++];
      continue;
    }
    changed = true;
    char32_t c = static_cast<char32_t>(unit);
    i += 7;
    if (c >= 0xD800 && c <= 0xDBFF) {
      const int low = escape_at(text, i);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        c = 0x10000 + ((c - 0xD800) << 10) +
            (static_cast<char32_t>(low) - 0xDC00);
        i += 7;
      } else {
        c = 0xFFFD;
      }
    } else if (c >= 0xDC00 && c <= 0xDFFF) {
      c = 0xFFFD;
    }
    ::imagebank::append_utf8(out, c);
  }
  if (changed) text.replace(from, std::string::npos, out);
}

Result<SharedStrings> read_shared_strings(ZipArchive& zip,
                                          std::string_view part,
                                          const CarteiraLimits& limits) {
  SharedStrings out;
  SharedStringsHandler handler(out, zip.name() + ": " + std::string(part),
                               limits);
  IMAGEBANK_RETURN_IF_ERROR(parse_xml_part(zip, part, handler));
  return out;
}

}  // namespace imagebank::carteira
