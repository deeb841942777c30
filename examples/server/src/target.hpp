// The request-target of a request, checked and decoded before routing.
//
// Only origin-form is accepted ("/path?query"): the server is no proxy, so
// absolute-form ("http://host/path"), authority-form and asterisk-form
// ("OPTIONS *") are refused. Refused too, as ambiguous to whatever sits
// between the client and a handler: control characters (raw or
// percent-encoded) in the path, "." and ".." segments after decoding, and
// an encoded '/' or '\' inside a segment (an id must stay one segment).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http_types.hpp"
#include "imagebank/core/result.hpp"

namespace imagebank::server {

struct ParsedTarget {
  std::string path;                   // "/" + decoded segments joined by '/'
  std::vector<std::string> segments;  // decoded, without the leading '/'
  Params query;  // decoded; '+' means space, as in HTML forms
};

// `invalid_argument` names the reason.
//
// A target of plain characters only (no '%', no '+', no empty, "." or
// ".." segment, no empty query item: what the server's own URLs look like)
// is split directly; any other goes through Boost.URL (parse_target_url),
// with the same result.
Result<ParsedTarget> parse_target(std::string_view target);

// parse_target() always through Boost.URL's origin-form grammar.
Result<ParsedTarget> parse_target_url(std::string_view target);

}  // namespace imagebank::server
