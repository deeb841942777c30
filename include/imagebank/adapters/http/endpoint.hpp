// Where an HTTP service is: scheme, host and port ("http://127.0.0.1:9000",
// "https://s3.eu-west-1.amazonaws.com"), and optionally a path prefix for
// services addressed by a base URL ("http://127.0.0.1:8080/v1").
//
// Part of the one HTTPS client the adapters share (S3, the vision
// providers); public so that every adapter module can include it, not part
// of the Python API.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "imagebank/core/result.hpp"

namespace imagebank::http {

struct Endpoint {
  bool tls = true;
  std::string host;  // name, IPv4, or IPv6 without brackets
  std::uint16_t port = 443;
};

// "http://127.0.0.1:9000", "https://s3.example.com", "http://[::1]:9000".
// A trailing '/' is tolerated; a path, query, user info or other scheme is
// `invalid_argument`.
Result<Endpoint> parse_endpoint(std::string_view text);

// A base URL: an endpoint plus a path prefix ("/v1", "" when none), without
// query, fragment or user info. Trailing '/' are dropped from the path; the
// path may hold only unreserved characters, '/', '%', ':' and '@'-free
// sub-delimiters, so it can be sent as it is.
struct BaseUrl {
  Endpoint endpoint;
  std::string path;  // "" or "/a/b"
};
Result<BaseUrl> parse_base_url(std::string_view text);

// The Host header's value: host, plus ":port" when it is not the scheme's
// default (signed requests must send exactly this).
std::string host_header(const Endpoint& endpoint);
// "http://host:port", for messages.
std::string endpoint_string(const Endpoint& endpoint);

}  // namespace imagebank::http
