// CORS for browsers calling the API from another origin (--cors-origin).
//
// A request whose Origin is allowed gets Access-Control-Allow-Origin (and
// Vary: Origin); a preflight (OPTIONS with Access-Control-Request-Method)
// on a known path gets 204 with the path's methods. Requests from other
// origins are served without the headers: the browser, not the server,
// keeps the page from reading the answer.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http_types.hpp"

namespace imagebank::server {

class Cors {
 public:
  // "*" allows every origin.
  explicit Cors(std::vector<std::string> origins);

  bool enabled() const noexcept { return !origins_.empty(); }
  static bool is_preflight(std::string_view method, const Headers& request);

  // Adds the headers an answer to `request` carries, if any.
  void decorate(const Headers& request, Headers& response) const;
  // The answer to a preflight on a path answering to `allow`
  // ("GET, HEAD, POST").
  Response preflight(const Headers& request, std::string_view allow) const;

 private:
  std::optional<std::string> allowed_origin(const Headers& request) const;

  std::vector<std::string> origins_;
  bool any_ = false;
};

}  // namespace imagebank::server
