// Where an S3 service is: scheme, host and port, parsed from the endpoint
// option ("http://127.0.0.1:9000", "https://s3.eu-west-1.amazonaws.com").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "imagebank/core/result.hpp"

namespace imagebank::s3 {

struct Endpoint {
  bool tls = true;
  std::string host;  // name, IPv4, or IPv6 without brackets
  std::uint16_t port = 443;
};

// "http://127.0.0.1:9000", "https://s3.example.com", "http://[::1]:9000".
// A trailing '/' is tolerated; a path, query, user info or other scheme is
// `invalid_argument`.
Result<Endpoint> parse_endpoint(std::string_view text);
// The Host header's value: host, plus ":port" when it is not the scheme's
// default (signed requests must send exactly this).
std::string host_header(const Endpoint& endpoint);
// "http://host:port", for messages.
std::string endpoint_string(const Endpoint& endpoint);

}  // namespace imagebank::s3
