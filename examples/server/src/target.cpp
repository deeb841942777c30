#include "target.hpp"

#include <array>
#include <boost/url/parse.hpp>
#include <optional>

namespace imagebank::server {

namespace {

bool is_control(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

bool has_control(std::string_view s) {
  for (char c : s) {
    if (is_control(c)) return true;
  }
  return false;
}

// pchar (RFC 3986) without '%' and '+' (whose decoding is not the
// identity), and '/', '?' (path and query separators, also allowed in a
// query).
constexpr bool is_plain(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
         c == '~' || c == '!' || c == '$' || c == '&' || c == '\'' ||
         c == '(' || c == ')' || c == '*' || c == ',' || c == ';' || c == '=' ||
         c == ':' || c == '@' || c == '/' || c == '?';
}

constexpr auto kPlain = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c)
    table[c] = is_plain(static_cast<unsigned char>(c));
  return table;
}();

// The target split without decoding (it has nothing to decode); nullopt
// when it is not plain or has an empty, "." or ".." segment or an empty
// query item (left to Boost.URL, whose rules for those are the reference).
std::optional<ParsedTarget> parse_plain(std::string_view target) {
  if (target.empty() || target.front() != '/') return std::nullopt;
  for (const char c : target) {
    if (!kPlain[static_cast<unsigned char>(c)]) return std::nullopt;
  }
  const std::size_t q = target.find('?');
  const std::string_view path = target.substr(0, q);
  ParsedTarget out;
  if (path.size() > 1) {
    std::string_view rest = path.substr(1);
    std::size_t count = 1;
    for (const char c : rest) count += c == '/' ? 1 : 0;
    out.segments.reserve(count);
    while (true) {
      const std::size_t slash = rest.find('/');
      const std::string_view segment = rest.substr(0, slash);
      // Refused, but Boost.URL reads "/./" at the start as a prefix
      // (of a path starting with "//"): left to it.
      if (segment.empty() || segment == "." || segment == "..") {
        return std::nullopt;
      }
      out.segments.emplace_back(segment);
      if (slash == std::string_view::npos) break;
      rest.remove_prefix(slash + 1);
    }
  }
  out.path = std::string(path);
  if (q == std::string_view::npos) return out;
  std::string_view query = target.substr(q + 1);
  if (query.empty()) return std::nullopt;
  while (true) {
    const std::size_t amp = query.find('&');
    const std::string_view item = query.substr(0, amp);
    if (item.empty()) return std::nullopt;
    const std::size_t eq = item.find('=');
    out.query.add(std::string(item.substr(0, eq)),
                  eq == std::string_view::npos
                      ? std::string()
                      : std::string(item.substr(eq + 1)));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

}  // namespace

Result<ParsedTarget> parse_target(std::string_view target) {
  if (auto plain = parse_plain(target)) return std::move(*plain);
  return parse_target_url(target);
}

Result<ParsedTarget> parse_target_url(std::string_view target) {
  if (target.empty() || target.front() != '/') {
    return invalid_argument_error(
        "the request-target must be a path (origin-form)");
  }
  auto url = boost::urls::parse_origin_form(target);
  if (!url) {
    return invalid_argument_error("malformed request-target: " +
                                  url.error().message());
  }
  ParsedTarget out;
  for (const auto segment : url->segments()) {
    std::string decoded(segment);
    if (has_control(decoded)) {
      return invalid_argument_error("control character in the path");
    }
    if (decoded == "." || decoded == "..") {
      return invalid_argument_error("'.' or '..' segment in the path");
    }
    if (decoded.find_first_of("/\\") != std::string::npos) {
      return invalid_argument_error("encoded '/' or '\\' in a path segment");
    }
    out.path += '/';
    out.path += decoded;
    out.segments.push_back(std::move(decoded));
  }
  // "/" has no segment; "/a/" ends in an empty one (kept: routes do not
  // match it, so it is a 404 rather than an alias of "/a").
  if (out.path.empty()) out.path.push_back('/');
  for (const auto param : url->params()) {
    std::string key(param.key);
    std::string value(param.value);
    if (key.find('\0') != std::string::npos ||
        value.find('\0') != std::string::npos) {
      return invalid_argument_error("NUL in the query");
    }
    out.query.add(std::move(key), std::move(value));
  }
  return out;
}

}  // namespace imagebank::server
