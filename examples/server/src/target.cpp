#include "target.hpp"

#include <boost/url/parse.hpp>

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

}  // namespace

Result<ParsedTarget> parse_target(std::string_view target) {
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
