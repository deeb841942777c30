// Absolute http(s) URLs for the fetcher, and redirects resolved against
// them.
#include <algorithm>
#include <charconv>
#include <vector>

#include "imagebank/adapters/http/fetch.hpp"

namespace imagebank::http {
namespace {

Status bad_url(std::string_view text, std::string_view why) {
  std::string shown(text.substr(0, 200));
  for (char& ch : shown) {
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7F) ch = '?';
  }
  if (text.size() > 200) shown += "...";
  std::string message = "\"";
  message += shown;
  message += "\": ";
  message += why;
  return invalid_argument_error(std::move(message));
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return out;
}

bool host_char(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
         ch == '.' || ch == '_';
}

// The path and query as they go on the wire: spaces and non-ASCII bytes
// percent-encoded, the rest kept (a list's URLs are usually encoded
// already).
Result<std::string> encode_target(std::string_view text, std::string_view raw) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : raw) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) return bad_url(text, "a control character");
    if (c == ' ' || c >= 0x80 || ch == '"' || ch == '<' || ch == '>' ||
        ch == '\\' || ch == '^' || ch == '`' || ch == '{' || ch == '|' ||
        ch == '}') {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += ch;
    }
  }
  if (out.empty() || out.front() != '/') out.insert(out.begin(), '/');
  return out;
}

// Whether a reference starts with a scheme (RFC 3986: a letter, then
// letters, digits, '+', '-' or '.', then ':'). "a.jpg?t=1:2" has none.
bool has_scheme(std::string_view ref) {
  const auto colon = ref.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  const auto is_alpha = [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
  };
  if (!is_alpha(ref.front())) return false;
  for (char ch : ref.substr(0, colon)) {
    if (!is_alpha(ch) && !(ch >= '0' && ch <= '9') && ch != '+' && ch != '-' &&
        ch != '.') {
      return false;
    }
  }
  return true;
}

// An absolute path with its "." and ".." segments resolved (RFC 3986
// 5.2.4): "/a/b/../c/./d" is "/a/c/d"; ".." never climbs above "/".
std::string remove_dot_segments(std::string_view path) {
  std::vector<std::string_view> kept;
  bool ends_in_folder = false;
  std::size_t at = 1;  // past the leading '/'
  while (at <= path.size()) {
    const auto next = std::min(path.find('/', at), path.size());
    const std::string_view segment = path.substr(at, next - at);
    const bool last = next == path.size();
    if (segment == ".") {
      ends_in_folder = last;
    } else if (segment == "..") {
      if (!kept.empty()) kept.pop_back();
      ends_in_folder = last;
    } else {
      kept.push_back(segment);
      ends_in_folder = false;
    }
    at = next + 1;
  }
  std::string out;
  for (const std::string_view segment : kept) {
    out += '/';
    out += segment;
  }
  if (ends_in_folder || out.empty()) out += '/';
  return out;
}

}  // namespace

std::string Url::text() const {
  const bool v6 = endpoint.host.find(':') != std::string::npos;
  std::string out = endpoint.tls ? "https://" : "http://";
  if (v6) out += '[';
  out += endpoint.host;
  if (v6) out += ']';
  if (endpoint.port != (endpoint.tls ? 443 : 80)) {
    out += ':';
    out += std::to_string(endpoint.port);
  }
  out += target;
  return out;
}

Result<Url> parse_url(std::string_view text) {
  if (text.size() > kMaxUrlBytes) {
    return bad_url(text,
                   "longer than " + std::to_string(kMaxUrlBytes) + " bytes");
  }
  const auto colon = text.find("://");
  if (colon == std::string_view::npos) {
    return bad_url(text, "not an absolute http or https URL");
  }
  const std::string scheme = lower(text.substr(0, colon));
  Url out;
  if (scheme == "http") {
    out.endpoint.tls = false;
    out.endpoint.port = 80;
  } else if (scheme == "https") {
    out.endpoint.tls = true;
    out.endpoint.port = 443;
  } else {
    return bad_url(text, "only http and https URLs are fetched");
  }
  std::string_view rest = text.substr(colon + 3);
  if (const auto hash = rest.find('#'); hash != std::string_view::npos) {
    rest = rest.substr(0, hash);
  }
  const auto end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, end);
  std::string_view target =
      end == std::string_view::npos ? std::string_view() : rest.substr(end);
  if (authority.find('@') != std::string_view::npos) {
    return bad_url(text, "user names and passwords in URLs are refused");
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      return bad_url(text, "an unclosed '[' in the host");
    }
    const std::string_view literal = authority.substr(1, close - 1);
    Result<IpAddress> ip = parse_ip_address(literal);
    if (!ip.ok() || !ip->v6) {
      return bad_url(text, "a bracketed host that is not an IPv6 address");
    }
    out.endpoint.host = lower(literal);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad_url(text, "a malformed host");
      port_text = after.substr(1);
    }
  } else {
    const auto c = authority.find(':');
    out.endpoint.host = lower(authority.substr(0, c));
    if (c != std::string_view::npos) port_text = authority.substr(c + 1);
    if (out.endpoint.host.empty()) return bad_url(text, "no host");
    if (out.endpoint.host.size() > 253) return bad_url(text, "host too long");
    for (char ch : out.endpoint.host) {
      if (!host_char(ch)) {
        return bad_url(text,
                       "a host with characters other than letters, "
                       "digits, '-', '.' and '_'");
      }
    }
  }
  if (!port_text.empty()) {
    int port = 0;
    const auto [p, ec] = std::from_chars(
        port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || p != port_text.data() + port_text.size() ||
        port < 1 || port > 65535) {
      return bad_url(text, "a bad port");
    }
    out.endpoint.port = static_cast<std::uint16_t>(port);
  } else if (authority.ends_with(':')) {
    return bad_url(text, "a bad port");
  }
  IMAGEBANK_ASSIGN_OR_RETURN(out.target, encode_target(text, target));
  return out;
}

Result<Url> resolve_location(const Url& base, std::string_view location) {
  while (!location.empty() && (location.front() == ' ')) {
    location.remove_prefix(1);
  }
  if (location.empty()) {
    return invalid_argument_error(base.text() +
                                  ": a redirect without a Location");
  }
  if (has_scheme(location)) {
    return parse_url(location);  // absolute (another scheme is refused)
  }
  if (location.starts_with("//")) {
    // Scheme-relative: the host changes, the scheme stays the base's.
    return parse_url(std::string(base.endpoint.tls ? "https:" : "http:") +
                     std::string(location));
  }
  std::string reference(location.substr(0, location.find('#')));
  const std::string_view base_path =
      std::string_view(base.target).substr(0, base.target.find('?'));
  std::string target;
  if (reference.empty()) {
    target = base.target;  // "#f": the same resource
  } else if (reference.front() == '?') {
    target = std::string(base_path) + reference;
  } else {
    const auto query = reference.find('?');
    std::string path = reference.substr(0, query);
    if (path.front() != '/') {
      // Relative to the base's folder.
      path = std::string(base_path.substr(0, base_path.rfind('/') + 1)) + path;
    }
    target = remove_dot_segments(path);
    if (query != std::string::npos) target += reference.substr(query);
  }
  Url out = base;
  IMAGEBANK_ASSIGN_OR_RETURN(out.target, encode_target(location, target));
  if (out.text().size() > kMaxUrlBytes) {
    return bad_url(out.text(), "a redirect longer than " +
                                   std::to_string(kMaxUrlBytes) + " bytes");
  }
  return out;
}

}  // namespace imagebank::http
