#include "imagebank/adapters/http/endpoint.hpp"

#include <boost/asio/ip/address.hpp>
#include <charconv>

namespace imagebank::http {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// The authority part after the scheme ("host", "host:port", "[v6]:port").
Result<Endpoint> parse_authority(Endpoint ep, std::string_view rest,
                                 const std::string& quoted) {
  std::string_view port_text;
  if (rest.starts_with('[')) {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) {
      return invalid_argument_error(quoted + ": unterminated IPv6 address");
    }
    ep.host = std::string(rest.substr(1, close - 1));
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        return invalid_argument_error(quoted + ": junk after the IPv6 address");
      }
      port_text = after.substr(1);
      if (port_text.empty()) {
        return invalid_argument_error(quoted + ": empty port");
      }
    }
    error_code ec;
    asio::ip::make_address_v6(ep.host, ec);
    if (ec) {
      return invalid_argument_error(quoted + ": bad IPv6 address");
    }
  } else {
    const auto colon = rest.rfind(':');
    if (colon != std::string_view::npos) {
      port_text = rest.substr(colon + 1);
      rest = rest.substr(0, colon);
      if (port_text.empty()) {
        return invalid_argument_error(quoted + ": empty port");
      }
    }
    ep.host = std::string(rest);
    for (char c : ep.host) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                      c == '_';
      if (!ok) {
        return invalid_argument_error(quoted +
                                      ": the host has a character that is "
                                      "not allowed in a host name");
      }
    }
  }
  if (ep.host.empty() || ep.host.size() > 253) {
    return invalid_argument_error(quoted + ": missing or too long host");
  }
  if (!port_text.empty()) {
    unsigned value = 0;
    const auto [end, err] = std::from_chars(
        port_text.data(), port_text.data() + port_text.size(), value);
    if (err != std::errc() || end != port_text.data() + port_text.size() ||
        value == 0 || value > 65535) {
      return invalid_argument_error(quoted + ": port must be 1-65535");
    }
    ep.port = static_cast<std::uint16_t>(value);
  }
  return ep;
}

// Splits "http(s)://" off; `rest` is what follows.
Result<Endpoint> parse_scheme(std::string_view text, std::string_view& rest,
                              const std::string& quoted) {
  Endpoint ep;
  if (text.starts_with("https://")) {
    ep.tls = true;
    ep.port = 443;
    rest = text.substr(8);
  } else if (text.starts_with("http://")) {
    ep.tls = false;
    ep.port = 80;
    rest = text.substr(7);
  } else {
    return invalid_argument_error(quoted +
                                  ": the scheme must be http:// or https://");
  }
  return ep;
}

bool path_char_ok(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
         c == '~' || c == '/' || c == '%' || c == ':' || c == '!' || c == '$' ||
         c == '&' || c == '\'' || c == '(' || c == ')' || c == '*' ||
         c == '+' || c == ',' || c == ';' || c == '=';
}

}  // namespace

Result<Endpoint> parse_endpoint(std::string_view text) {
  const std::string quoted = "endpoint '" + std::string(text) + "'";
  std::string_view rest;
  IMAGEBANK_ASSIGN_OR_RETURN(Endpoint ep, parse_scheme(text, rest, quoted));
  if (rest.ends_with('/')) rest.remove_suffix(1);
  if (rest.find_first_of("/?#@ \t\r\n\\") != std::string_view::npos) {
    return invalid_argument_error(
        quoted +
        ": only scheme, host and port are allowed (no path, query or "
        "user info)");
  }
  return parse_authority(std::move(ep), rest, quoted);
}

Result<BaseUrl> parse_base_url(std::string_view text) {
  const std::string quoted = "URL '" + std::string(text) + "'";
  std::string_view rest;
  IMAGEBANK_ASSIGN_OR_RETURN(Endpoint ep, parse_scheme(text, rest, quoted));
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path =
      slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (authority.find_first_of("?#@ \t\r\n\\") != std::string_view::npos ||
      path.find_first_of("?#") != std::string_view::npos) {
    return invalid_argument_error(
        quoted +
        ": only scheme, host, port and path are allowed (no query, "
        "fragment or user info)");
  }
  for (char c : path) {
    if (!path_char_ok(c)) {
      return invalid_argument_error(quoted +
                                    ": the path has a character that must "
                                    "be %-escaped");
    }
  }
  while (path.ends_with('/')) path.remove_suffix(1);
  BaseUrl out;
  IMAGEBANK_ASSIGN_OR_RETURN(out.endpoint,
                             parse_authority(std::move(ep), authority, quoted));
  out.path = std::string(path);
  return out;
}

namespace {

// The host as a URL writes it: IPv6 literals in brackets.
std::string url_host(const Endpoint& endpoint) {
  std::string out;
  const bool v6 = endpoint.host.find(':') != std::string::npos;
  out.reserve(endpoint.host.size() + 2);
  if (v6) out.push_back('[');
  out.append(endpoint.host);
  if (v6) out.push_back(']');
  return out;
}

}  // namespace

std::string host_header(const Endpoint& endpoint) {
  std::string host = url_host(endpoint);
  const std::uint16_t default_port = endpoint.tls ? 443 : 80;
  if (endpoint.port != default_port) {
    host.push_back(':');
    host.append(std::to_string(endpoint.port));
  }
  return host;
}

std::string endpoint_string(const Endpoint& endpoint) {
  std::string out = endpoint.tls ? "https://" : "http://";
  out.append(url_host(endpoint));
  out.push_back(':');
  out.append(std::to_string(endpoint.port));
  return out;
}

}  // namespace imagebank::http
