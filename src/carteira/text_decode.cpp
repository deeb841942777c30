#include "carteira/text_decode.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <vector>

#include "imagebank/core/text.hpp"

namespace imagebank::carteira {
namespace {

// UTF-16 (after its BOM) to UTF-8; unpaired surrogates and an odd last byte
// become U+FFFD.
std::string utf16_to_utf8(const unsigned char* p, std::size_t n, bool le) {
  std::string out;
  out.reserve(n);
  const auto unit = [&](std::size_t i) -> char32_t {
    return le ? static_cast<char32_t>(p[i] | (p[i + 1] << 8))
              : static_cast<char32_t>((p[i] << 8) | p[i + 1]);
  };
  std::size_t i = 0;
  for (; i + 1 < n; i += 2) {
    char32_t c = unit(i);
    if (c >= 0xD800 && c <= 0xDBFF && i + 3 < n) {
      const char32_t low = unit(i + 2);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
        i += 2;
      } else {
        c = 0xFFFD;
      }
    } else if (c >= 0xD800 && c <= 0xDFFF) {
      c = 0xFFFD;
    }
    ::imagebank::append_utf8(out, c);
  }
  if (i < n) ::imagebank::append_utf8(out, 0xFFFD);
  return out;
}

}  // namespace

std::string_view encoding_name(TextEncoding encoding) noexcept {
  switch (encoding) {
    case TextEncoding::kUtf8:
      return "UTF-8";
    case TextEncoding::kUtf8Bom:
      return "UTF-8 with BOM";
    case TextEncoding::kUtf16Le:
      return "UTF-16LE";
    case TextEncoding::kUtf16Be:
      return "UTF-16BE";
    case TextEncoding::kWindows1252:
      return "Windows-1252";
  }
  return "UTF-8";
}

Result<DecodedText> decode_text(std::span<const std::byte> bytes,
                                std::string_view name) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  DecodedText out;
  if (n >= 2 &&
      ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF))) {
    const bool le = p[0] == 0xFF;
    out.encoding = le ? TextEncoding::kUtf16Le : TextEncoding::kUtf16Be;
    out.storage = utf16_to_utf8(p + 2, n - 2, le);
    out.converted = true;
  } else {
    std::string_view raw(reinterpret_cast<const char*>(p), n);
    if (raw.starts_with("\xEF\xBB\xBF")) {
      out.encoding = TextEncoding::kUtf8Bom;
      raw.remove_prefix(3);
    }
    if (is_valid_utf8(raw)) {
      out.input = raw;
    } else {
      out.encoding = TextEncoding::kWindows1252;
      out.storage = windows1252_to_utf8(raw);
      out.converted = true;
    }
  }
  // Text files never hold NUL; spreadsheets, images and archives do early.
  const std::string_view head = out.text().substr(0, 4096);
  if (head.find('\0') != std::string_view::npos) {
    return unsupported_format_error(
        std::string(name) +
        ": not a spreadsheet (binary content; expected .xlsx, .xls or CSV "
        "text)");
  }
  return out;
}

char detect_delimiter(std::string_view text) {
  constexpr std::array<char, 4> kCandidates = {';', ',', '\t', '|'};
  constexpr std::size_t kMaxLines = 30;
  constexpr std::size_t kMaxBytes = 64 * 1024;
  std::vector<std::array<int, 4>> lines;
  std::array<int, 4> counts{};
  bool in_quotes = false, blank = true;
  const std::size_t end = std::min(text.size(), kMaxBytes);
  for (std::size_t i = 0; i < end && lines.size() < kMaxLines; ++i) {
    const char c = text[i];
    if (c == '"') {
      in_quotes = !in_quotes;
      blank = false;
    } else if (!in_quotes && (c == '\n' || c == '\r')) {
      if (!blank) lines.push_back(counts);
      counts = {};
      blank = true;
    } else if (!in_quotes) {
      for (std::size_t k = 0; k < kCandidates.size(); ++k) {
        if (c == kCandidates[k]) ++counts[k];
      }
      if (c != ' ') blank = false;
    }
  }
  if (!blank && lines.size() < kMaxLines) lines.push_back(counts);

  char best = ',';
  int best_lines = 0, best_mode = 0;
  for (std::size_t k = 0; k < kCandidates.size(); ++k) {
    std::map<int, int> freq;
    for (const auto& line : lines) {
      if (line[k] > 0) ++freq[line[k]];
    }
    int mode = 0, mode_lines = 0;
    for (const auto& [count, how_many] : freq) {
      if (how_many > mode_lines || (how_many == mode_lines && count > mode)) {
        mode = count;
        mode_lines = how_many;
      }
    }
    if (mode_lines > best_lines ||
        (mode_lines == best_lines && mode_lines > 0 && mode > best_mode)) {
      best = kCandidates[k];
      best_lines = mode_lines;
      best_mode = mode;
    }
  }
  return best;
}

}  // namespace imagebank::carteira
