#include "imagebank/variants/negotiate.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

namespace imagebank {
namespace {

// q-values in thousandths: the grammar allows at most three decimals, so
// integers compare exactly where doubles would not.
constexpr int kQMax = 1000;

// How closely a media range names a format. The most specific matching range
// decides a format's q, even when a less specific one gives more.
enum Specificity : std::int8_t {
  kNoMatch = -1,
  kAnyType = 0,  // "*/*"
  kAnySubtype,   // "image/*"
  kExact,        // "image/webp"
};

// --- Case-insensitive names --------------------------------------------------
//
// This runs once per HTTP request, and comparing each media range with each
// available format byte by byte dominated its cost. Names are compared instead
// by their first 8 bytes, lower-cased and packed into one integer (enough for
// every media type imagebank knows), then by the rest, if any, byte by byte.

constexpr std::uint64_t kOnes = 0x0101010101010101;

// ASCII lower-casing of 8 bytes at once; other bytes are left alone.
constexpr std::uint64_t ascii_lower8(std::uint64_t w) {
  const std::uint64_t seven = w & (0x7F * kOnes);
  const std::uint64_t at_least_a = seven + (0x80 - 'A') * kOnes;
  const std::uint64_t past_z = seven + (0x80 - 'Z' - 1) * kOnes;
  const std::uint64_t upper = at_least_a & ~past_z & ~w & (0x80 * kOnes);
  return w | (upper >> 2);
}

// kFirstBytes[n] keeps the first n bytes, in memory order, of a loaded word.
constexpr std::array<std::uint64_t, 9> make_first_bytes_masks() {
  std::array<std::uint64_t, 9> masks{};
  for (std::size_t n = 1; n < 8; ++n) {
    masks[n] = std::endian::native == std::endian::big
                   ? ~std::uint64_t{0} << (8 * (8 - n))
                   : (std::uint64_t{1} << (8 * n)) - 1;
  }
  masks[8] = ~std::uint64_t{0};
  return masks;
}
constexpr std::array<std::uint64_t, 9> kFirstBytes = make_first_bytes_masks();

char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

struct Name {
  std::string_view text;
  std::uint64_t head = 0;  // ascii_lower8 of the first (up to) 8 bytes
};

// Near the end of the buffer: no 8-byte load.
std::uint64_t load_head_slow(std::string_view text) {
  char bytes[8] = {};
  std::copy_n(text.data(), std::min<std::size_t>(text.size(), 8), bytes);
  std::uint64_t w;
  std::memcpy(&w, bytes, 8);
  return w;
}

// `readable_end` bounds what may be loaded: the name's buffer may go on past
// the name, which lets short names be read as one 8-byte load.
inline Name make_name(std::string_view text, const char* readable_end) {
  std::uint64_t w;
  if (readable_end - text.data() >= 8) {
    std::memcpy(&w, text.data(), 8);
    w &= kFirstBytes[std::min<std::size_t>(text.size(), 8)];
  } else {
    w = load_head_slow(text);
  }
  return {text, ascii_lower8(w)};
}

inline bool same_name(const Name& a, const Name& b) {
  if (a.text.size() != b.text.size() || a.head != b.head) return false;
  for (std::size_t i = 8; i < a.text.size(); ++i) {
    if (ascii_lower(a.text[i]) != ascii_lower(b.text[i])) return false;
  }
  return true;
}

bool is_star(const Name& n) { return n.text.size() == 1 && n.text[0] == '*'; }

// --- Formats -----------------------------------------------------------------

// Format values looked up in the table; a value past it (cast from outside
// the enum) is never offered.
constexpr int kMaxFormatValue = 32;

struct MimeParts {
  bool known = false;  // has a media type; kUnknown and out-of-range do not
  std::uint8_t type_id = 0;
  Name subtype;  // "webp"
};

// The media types split once, so that each range's type is compared once per
// distinct type ("image") rather than once per available format.
struct MimeTable {
  std::array<MimeParts, kMaxFormatValue> by_value{};
  std::array<Name, kMaxFormatValue> types{};  // "image", ...
  int type_count = 0;

  MimeTable() {
    const std::string_view unknown = mime_type(Format::kUnknown);
    for (int v = 0; v < kMaxFormatValue; ++v) {
      const auto format = static_cast<Format>(v);
      if (format == Format::kUnknown) continue;
      const std::string_view mime = mime_type(format);
      const auto slash = mime.find('/');
      if (mime == unknown || slash == std::string_view::npos) continue;
      const char* mime_end = mime.data() + mime.size();
      const Name type = make_name(mime.substr(0, slash), mime_end);
      int id = 0;
      while (id < type_count &&
             !same_name(types[static_cast<std::size_t>(id)], type)) {
        ++id;
      }
      if (id == type_count) {
        types[static_cast<std::size_t>(type_count++)] = type;
      }
      by_value[static_cast<std::size_t>(v)] = {
          true, static_cast<std::uint8_t>(id),
          make_name(mime.substr(slash + 1), mime_end)};
    }
  }
};

const MimeTable& mime_table() {
  static const MimeTable table;
  return table;
}

// The rank of `f` in `order`; formats not listed rank after, by enum value.
int rank_in(std::span<const Format> order, Format f) {
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (order[i] == f) return static_cast<int>(i);
  }
  return static_cast<int>(order.size()) + static_cast<int>(f);
}

// Order on equal q: the smallest file first.
constexpr std::array<Format, 4> kSmallestFirst = {Format::kAvif, Format::kWebp,
                                                  Format::kJpeg, Format::kPng};
int preference(Format f) { return rank_in(kSmallestFirst, f); }

// Order when the header says nothing usable: what any client decodes first.
constexpr std::array<Format, 4> kSafestFirst = {Format::kJpeg, Format::kPng,
                                                Format::kWebp, Format::kAvif};
int safety(Format f) { return rank_in(kSafestFirst, f); }

// What a wildcard ("*/*", "image/*") vouches for: the formats every
// browser, mail client and crawler decodes. Browsers that send "*/*" without
// naming AVIF or WebP (Firefox before 93, Safari before 14, Internet
// Explorer) cannot decode those, so a modern format is sent only to a client
// that names it.
bool wildcard_covers(Format f) {
  return f == Format::kJpeg || f == Format::kPng || f == Format::kGif;
}

// Trivially constructible, so that the array below costs nothing to create.
struct Candidate {
  Format format;
  std::uint8_t type_id;
  std::int8_t specificity;
  std::int16_t q;
};

// The distinct offerable formats of `available`, each with the q that the
// header has given it so far.
class Candidates {
 public:
  Candidates(const MimeTable& table, std::span<const Format> available)
      : table_(table) {
    std::uint32_t seen = 0;
    for (const Format f : available) {
      const int v = static_cast<int>(f);
      if (v < 0 || v >= kMaxFormatValue) continue;
      const MimeParts& mime = table.by_value[static_cast<std::size_t>(v)];
      const std::uint32_t bit = std::uint32_t{1} << v;
      if (!mime.known || (seen & bit) != 0) continue;
      seen |= bit;
      items_[size_++] = {f, mime.type_id, kNoMatch, 0};
    }
  }

  std::span<Candidate> view() { return {items_.data(), size_}; }

  // Applies one media range: each format keeps the q of its most specific
  // match; among equally specific ranges, the highest q.
  void apply(const Name& type, const Name& subtype, int q) {
    const bool any_subtype = is_star(subtype);
    if (is_star(type)) {
      // "*/webp" is well-formed (its type is the token "*") but no wildcard:
      // it names a type that does not exist.
      if (any_subtype) {
        for (Candidate& c : view()) {
          if (wildcard_covers(c.format)) update(c, kAnyType, q);
        }
      }
      return;
    }
    int type_id = 0;
    while (type_id < table_.type_count &&
           !same_name(type, table_.types[static_cast<std::size_t>(type_id)])) {
      ++type_id;
    }
    if (type_id == table_.type_count) return;
    for (Candidate& c : view()) {
      if (c.type_id != type_id) continue;
      if (any_subtype) {
        if (wildcard_covers(c.format)) update(c, kAnySubtype, q);
      } else if (same_name(subtype, subtype_of(c))) {
        update(c, kExact, q);
      }
    }
  }

 private:
  const Name& subtype_of(const Candidate& c) const {
    return table_.by_value[static_cast<std::size_t>(c.format)].subtype;
  }

  static void update(Candidate& c, Specificity s, int q) {
    if (s < c.specificity) return;
    if (s > c.specificity) {
      c.specificity = s;
      c.q = static_cast<std::int16_t>(q);
    } else if (q > c.q) {
      c.q = static_cast<std::int16_t>(q);
    }
  }

  const MimeTable& table_;
  std::array<Candidate, kMaxFormatValue> items_;
  std::size_t size_ = 0;
};

// --- Parsing -----------------------------------------------------------------

constexpr std::array<bool, 256> make_tchar_table() {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[static_cast<std::size_t>(c)] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<std::size_t>(c)] = true;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) {
    t[static_cast<unsigned char>(c)] = true;
  }
  return t;
}
// RFC 9110 §5.6.2 tchar.
constexpr std::array<bool, 256> kTchar = make_tchar_table();

bool is_tchar(char c) { return kTchar[static_cast<unsigned char>(c)]; }
bool is_ows(char c) { return c == ' ' || c == '\t'; }

// Outside a quoted string: control characters and DEL.
bool is_ctl(unsigned char u) { return (u < 0x20 && u != '\t') || u == 0x7F; }

enum class ParseResult { kRanges, kEmpty, kMalformed };

// A single pass over the header (quoted strings may hold "," and ";", so it
// cannot be split on them first). Each method moves `p_` past what it
// accepted.
class Parser {
 public:
  explicit Parser(std::string_view text)
      : p_(text.data()), end_(text.data() + text.size()) {}

  // Calls on_range(type, subtype, q_thousandths) for each media range, in
  // order. Stops at the first malformed element: a header that is partly
  // garbage says nothing reliable, so callers must ignore all of it.
  template <typename OnRange>
  ParseResult parse(OnRange&& on_range) {
    bool any = false;
    while (true) {
      skip_ows();
      if (p_ == end_) break;
      // Empty list elements are legal (RFC 9110 §5.6.1.2).
      if (*p_ == ',') {
        ++p_;
        continue;
      }
      const Name type = name();
      if (type.text.empty() || !consume('/')) return ParseResult::kMalformed;
      const Name subtype = name();
      if (subtype.text.empty()) return ParseResult::kMalformed;
      int q = kQMax;
      if (!parameters(q)) return ParseResult::kMalformed;
      on_range(type, subtype, q);
      any = true;
    }
    return any ? ParseResult::kRanges : ParseResult::kEmpty;
  }

 private:
  void skip_ows() {
    while (p_ != end_ && is_ows(*p_)) ++p_;
  }

  bool consume(char c) {
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }

  std::string_view token() {
    const char* start = p_;
    while (p_ != end_ && is_tchar(*p_)) ++p_;
    return {start, static_cast<std::size_t>(p_ - start)};
  }

  Name name() { return make_name(token(), end_); }

  // *( OWS ";" OWS [ name "=" value ] ), up to the next "," or the end. The
  // first "q" is the weight; other parameters, before or after it, are
  // checked for syntax and ignored. Whitespace around "=" is tolerated.
  bool parameters(int& q) {
    bool seen_q = false;
    while (true) {
      skip_ows();
      if (p_ == end_ || *p_ == ',') return true;
      if (*p_ != ';') return false;
      ++p_;
      skip_ows();
      if (p_ == end_ || *p_ == ',' || *p_ == ';') continue;
      const std::string_view param = token();
      if (param.empty()) return false;
      skip_ows();
      if (!consume('=')) return false;
      skip_ows();
      if (param.size() == 1 && ascii_lower(param[0]) == 'q') {
        // A second weight would make the range's q ambiguous.
        if (seen_q || !qvalue(q)) return false;
        seen_q = true;
      } else if (!parameter_value()) {
        return false;
      }
    }
  }

  // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
  bool qvalue(int& q) {
    if (p_ == end_ || (*p_ != '0' && *p_ != '1')) return false;
    const bool one = *p_++ == '1';
    int value = one ? kQMax : 0;
    if (consume('.')) {
      int scale = 100;
      for (int digits = 0; digits < 3 && p_ != end_; ++digits, ++p_) {
        const char d = *p_;
        if (d < '0' || d > '9') break;
        if (one && d != '0') return false;
        value += (d - '0') * scale;
        scale /= 10;
      }
    }
    // Anything glued on ("0.5x", a fourth decimal) makes the value invalid.
    if (p_ != end_ && !is_ows(*p_) && *p_ != ';' && *p_ != ',') return false;
    q = value;
    return true;
  }

  bool parameter_value() {
    if (p_ == end_) return false;
    if (*p_ == '"') return quoted_string();
    return !token().empty();
  }

  // RFC 9110 §5.6.4: qdtext and quoted-pair allow HTAB, SP, VCHAR, obs-text.
  bool quoted_string() {
    ++p_;  // the opening quote
    while (p_ != end_) {
      const auto u = static_cast<unsigned char>(*p_++);
      if (u == '"') return true;
      if (u == '\\') {
        if (p_ == end_ || is_ctl(static_cast<unsigned char>(*p_))) {
          return false;
        }
        ++p_;
      } else if (is_ctl(u)) {
        return false;
      }
    }
    return false;  // unterminated
  }

  const char* p_;
  const char* end_;
};

// --- Decision ----------------------------------------------------------------

Negotiation not_acceptable(std::span<const Format> available) {
  Negotiation n;
  n.acceptable = false;
  if (available.empty()) {
    n.format = Format::kUnknown;
  } else if (std::find(available.begin(), available.end(), Format::kJpeg) !=
             available.end()) {
    n.format = Format::kJpeg;
  } else {
    n.format = available.front();
  }
  return n;
}

// No usable header: RFC 9110 lets anything be sent, and the client may be
// anything (a crawler, a mail client), so send what it most likely decodes.
Negotiation safest(std::span<const Candidate> candidates,
                   std::span<const Format> available) {
  if (candidates.empty()) return not_acceptable(available);
  const auto best =
      std::min_element(candidates.begin(), candidates.end(),
                       [](const Candidate& a, const Candidate& b) {
                         return safety(a.format) < safety(b.format);
                       });
  Negotiation n;
  n.format = best->format;
  return n;
}

}  // namespace

Negotiation negotiate(std::string_view accept_header,
                      std::span<const Format> available) {
  Candidates candidates(mime_table(), available);
  const ParseResult parsed =
      Parser(accept_header)
          .parse([&candidates](const Name& type, const Name& subtype, int q) {
            candidates.apply(type, subtype, q);
          });
  if (parsed != ParseResult::kRanges) {
    return safest(candidates.view(), available);
  }

  const Candidate* best = nullptr;
  for (const Candidate& c : candidates.view()) {
    if (c.q <= 0) continue;
    if (best == nullptr || c.q > best->q ||
        (c.q == best->q && preference(c.format) < preference(best->format))) {
      best = &c;
    }
  }
  if (best == nullptr) return not_acceptable(available);
  Negotiation n;
  n.format = best->format;
  return n;
}

}  // namespace imagebank
