#include "carteira/values.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace imagebank::carteira {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Length of the white space (ASCII or one of the Unicode spaces spreadsheets
// carry) that starts at text[i], 0 when none.
std::size_t space_at(std::string_view t, std::size_t i) {
  const auto b = [&](std::size_t k) {
    return i + k < t.size() ? static_cast<unsigned char>(t[i + k]) : 0u;
  };
  switch (b(0)) {
    case ' ':
    case '\t':
    case '\r':
    case '\n':
    case '\v':
    case '\f':
      return 1;
    case 0xC2:
      return b(1) == 0xA0 ? 2 : 0;  // U+00A0
    case 0xE1:
      return b(1) == 0x9A && b(2) == 0x80 ? 3 : 0;  // U+1680
    case 0xE2:
      if (b(1) == 0x80 && (b(2) <= 0x8B || b(2) == 0xAF)) return 3;
      return b(1) == 0x81 && b(2) == 0x9F ? 3 : 0;  // U+205F
    case 0xE3:
      return b(1) == 0x80 && b(2) == 0x80 ? 3 : 0;  // U+3000
    case 0xEF:
      return b(1) == 0xBB && b(2) == 0xBF ? 3 : 0;  // U+FEFF
    default:
      return 0;
  }
}

// Length of the white space that ends at text[end - 1], 0 when none.
std::size_t space_before(std::string_view t, std::size_t end) {
  if (end == 0) return 0;
  for (std::size_t n : {1u, 2u, 3u}) {
    if (end >= n && space_at(t, end - n) == n) return n;
  }
  return 0;
}

// Digits grouped by thousands: the first group 1-3 digits, the others 3.
bool valid_groups(std::string_view digits, char sep) {
  std::size_t group = 0;
  bool first = true;
  for (char c : digits) {
    if (c == sep) {
      if (group == 0 || group > 3 || (!first && group != 3)) return false;
      first = false;
      group = 0;
    } else {
      ++group;
    }
  }
  return first || group == 3;
}

bool leap(std::int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(std::int64_t y, int m) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30,
                                    31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

std::optional<Date> make_date(std::int64_t y, std::int64_t m, std::int64_t d) {
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 ||
      d > days_in_month(y, static_cast<int>(m))) {
    return std::nullopt;
  }
  return Date{static_cast<std::int32_t>(y), static_cast<std::uint8_t>(m),
              static_cast<std::uint8_t>(d)};
}

// Days since 1970-01-01 to a civil date (H. Hinnant's algorithm).
Date civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe =
      (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return Date{static_cast<std::int32_t>(y), static_cast<std::uint8_t>(m),
              static_cast<std::uint8_t>(d)};
}

// Reads 1 to max_len digits at t[i]; advances i.
bool read_digits(std::string_view t, std::size_t& i, std::size_t min_len,
                 std::size_t max_len, std::int64_t& out) {
  const std::size_t start = i;
  out = 0;
  while (i < t.size() && is_digit(t[i]) && i - start < max_len) {
    out = out * 10 + (t[i] - '0');
    ++i;
  }
  return i - start >= min_len && (i >= t.size() || !is_digit(t[i]));
}

// After a date: nothing, or a time separated by a space or 'T'.
bool date_ends_at(std::string_view t, std::size_t i) {
  return i == t.size() || t[i] == ' ' || t[i] == 'T';
}

}  // namespace

std::string_view trim(std::string_view text) noexcept {
  std::size_t begin = 0;
  while (begin < text.size()) {
    const std::size_t n = space_at(text, begin);
    if (n == 0) break;
    begin += n;
  }
  std::size_t end = text.size();
  while (end > begin) {
    const std::size_t n = space_before(text, end);
    if (n == 0) break;
    end -= n;
  }
  return text.substr(begin, end - begin);
}

std::optional<double> parse_number(std::string_view text, bool whole) {
  std::string_view t = trim(text);
  bool negative = false;
  if (t.size() >= 2 && t.front() == '(' && t.back() == ')') {
    negative = true;  // accounting style
    t = trim(t.substr(1, t.size() - 2));
  }
  if (!t.empty() && (t.front() == '-' || t.front() == '+')) {
    negative = negative != (t.front() == '-');
    t = trim(t.substr(1));
  }
  if (t.starts_with("R$")) t = trim(t.substr(2));
  if (!t.empty() && t.front() == '-' && !negative) {
    negative = true;  // "R$ -12,00"
    t = t.substr(1);
  }
  // Digits, separators and spaces used as thousands separators.
  std::string s;
  s.reserve(t.size());
  std::size_t dots = 0, commas = 0, last_dot = 0, last_comma = 0;
  bool exponent = false;
  for (std::size_t i = 0; i < t.size();) {
    const char c = t[i];
    if (const std::size_t n = space_at(t, i); n > 0) {
      i += n;
      continue;
    }
    if (is_digit(c)) {
      s += c;
    } else if (c == '.') {
      ++dots;
      last_dot = s.size();
      s += c;
    } else if (c == ',') {
      ++commas;
      last_comma = s.size();
      s += c;
    } else if ((c == 'e' || c == 'E') && !exponent && !s.empty()) {
      exponent = true;
      s += 'e';
      if (i + 1 < t.size() && (t[i + 1] == '-' || t[i + 1] == '+')) {
        s += t[++i];
      }
    } else {
      return std::nullopt;
    }
    ++i;
  }
  if (s.empty() || !is_digit(s.front())) return std::nullopt;
  char decimal = 0, thousands = 0;
  if (dots > 0 && commas > 0) {
    decimal = last_dot > last_comma ? '.' : ',';
    thousands = decimal == '.' ? ',' : '.';
    if ((decimal == '.' ? dots : commas) != 1) return std::nullopt;
  } else if (commas == 1) {
    decimal = ',';
  } else if (commas > 1) {
    thousands = ',';
  } else if (dots > 1) {
    thousands = '.';
  } else if (dots == 1) {
    const std::size_t after = s.size() - last_dot - 1;
    const bool grouped = whole && !exponent && after == 3 && last_dot <= 3;
    if (grouped) {
      thousands = '.';
    } else {
      decimal = '.';
    }
  }
  if (exponent && thousands != 0) return std::nullopt;
  std::string plain;
  plain.reserve(s.size());
  const std::size_t int_end =
      decimal == 0 ? s.size() : (decimal == '.' ? last_dot : last_comma);
  if (thousands != 0) {
    std::string_view int_part(s.data(), std::min(int_end, s.find('e')));
    if (!valid_groups(int_part, thousands)) return std::nullopt;
  }
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == thousands) continue;
    plain += s[i] == decimal ? '.' : s[i];
  }
  double value = 0;
  const char* end = plain.data() + plain.size();
  const auto [ptr, ec] = std::from_chars(plain.data(), end, value);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) {
    return std::nullopt;
  }
  return negative ? -value : value;
}

std::optional<Date> parse_date(std::string_view text) {
  const std::string_view t = trim(text);
  std::size_t i = 0;
  std::int64_t a = 0, b = 0, c = 0;
  if (!read_digits(t, i, 1, 4, a)) return std::nullopt;
  if (i == 4) {  // ISO yyyy-mm-dd
    if (i >= t.size() || t[i] != '-') return std::nullopt;
    ++i;
    if (!read_digits(t, i, 2, 2, b) || i >= t.size() || t[i] != '-') {
      return std::nullopt;
    }
    ++i;
    if (!read_digits(t, i, 2, 2, c) || !date_ends_at(t, i)) {
      return std::nullopt;
    }
    return make_date(a, b, c);
  }
  if (i > 2 || i >= t.size()) return std::nullopt;
  const char sep = t[i];
  if (sep != '/' && sep != '-' && sep != '.') return std::nullopt;
  ++i;
  if (!read_digits(t, i, 1, 2, b) || i >= t.size() || t[i] != sep) {
    return std::nullopt;
  }
  ++i;
  const std::size_t year_start = i;
  if (!read_digits(t, i, 2, 4, c) || !date_ends_at(t, i)) {
    return std::nullopt;
  }
  const std::size_t year_digits = i - year_start;
  if (year_digits == 3) return std::nullopt;
  if (year_digits == 2) c += 2000;
  return make_date(c, b, a);
}

std::optional<Date> date_from_serial(double serial, bool date1904) {
  if (!std::isfinite(serial) || serial < 0 || serial >= 2958466) {
    return std::nullopt;
  }
  const auto days = static_cast<std::int64_t>(std::floor(serial));
  // 1899-12-30 and 1904-01-01 as days since 1970-01-01.
  constexpr std::int64_t k1899_12_30 = -25569;
  constexpr std::int64_t k1904_01_01 = -24107;
  if (date1904) return civil_from_days(k1904_01_01 + days);
  if (days == 0 || days == 60) return std::nullopt;
  return civil_from_days(k1899_12_30 + days + (days < 60 ? 1 : 0));
}

std::string number_to_text(double value, int zero_pad) {
  char buf[64];
  if (std::isfinite(value) && value == std::floor(value) &&
      std::fabs(value) < 9007199254740992.0) {
    auto n = static_cast<std::int64_t>(value);
    std::string digits = std::to_string(n < 0 ? -n : n);
    if (zero_pad > 0 && digits.size() < static_cast<std::size_t>(zero_pad)) {
      digits.insert(0, static_cast<std::size_t>(zero_pad) - digits.size(), '0');
    }
    return n < 0 ? "-" + digits : digits;
  }
  const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, value);
  if (ec != std::errc()) return "nan";
  return std::string(buf, ptr);
}

std::string quote_text(std::string_view text) {
  constexpr std::size_t kMax = 60;
  std::size_t cut = text.size();
  if (cut > kMax) {
    cut = kMax;
    // Back up over continuation bytes: never split a UTF-8 sequence.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
      --cut;
    }
  }
  std::string out = "'";
  out += text.substr(0, cut);
  if (cut < text.size()) out += "...";
  out += '\'';
  return out;
}

std::string column_letters(std::uint32_t column) {
  std::string out;
  std::uint64_t n = static_cast<std::uint64_t>(column) + 1;
  while (n > 0) {
    out.insert(out.begin(), static_cast<char>('A' + (n - 1) % 26));
    n = (n - 1) / 26;
  }
  return out;
}

std::optional<std::uint32_t> ref_column(const char* ref) noexcept {
  std::uint32_t column = 0;
  int letters = 0;
  // Six letters reach 321 million columns: past any limit, no overflow.
  for (; letters < 7; ++letters, ++ref) {
    const char c = static_cast<char>(*ref & ~0x20);  // upper case
    if (c < 'A' || c > 'Z') break;
    column = column * 26 + static_cast<std::uint32_t>(c - 'A' + 1);
  }
  if (letters == 0 || letters > 6) return std::nullopt;
  return column - 1;
}

}  // namespace imagebank::carteira
