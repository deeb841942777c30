#include "cors.hpp"

#include <algorithm>

namespace imagebank::server {

namespace {
// Headers a browser may send on API calls beyond the CORS-safelisted ones.
constexpr std::string_view kAllowedHeaders =
    "Authorization, Content-Type, Range, If-None-Match, Last-Event-ID, "
    "Tus-Resumable, Upload-Length, Upload-Metadata, Upload-Offset, "
    "Upload-Checksum, Upload-Defer-Length, Upload-Concat, "
    "X-HTTP-Method-Override";
// Response headers a page's script may read (tus clients need them).
constexpr std::string_view kExposedHeaders =
    "Location, ETag, Retry-After, Tus-Resumable, Tus-Version, Tus-Extension, "
    "Tus-Max-Size, Tus-Checksum-Algorithm, Upload-Offset, Upload-Length, "
    "Upload-Expires, Upload-Metadata, Imagebank-Job-Id, Imagebank-Job-State";
constexpr std::string_view kMaxAgeSeconds = "600";
}  // namespace

Cors::Cors(std::vector<std::string> origins) : origins_(std::move(origins)) {
  any_ = std::find(origins_.begin(), origins_.end(), "*") != origins_.end();
}

bool Cors::is_preflight(std::string_view method, const Headers& request) {
  return method == "OPTIONS" && request.contains("Origin") &&
         request.contains("Access-Control-Request-Method");
}

std::optional<std::string> Cors::allowed_origin(const Headers& request) const {
  const std::string* origin = request.find("Origin");
  if (!origin || origins_.empty()) return std::nullopt;
  if (any_) return std::string("*");
  if (std::find(origins_.begin(), origins_.end(), *origin) != origins_.end()) {
    return *origin;
  }
  return std::nullopt;
}

void Cors::decorate(const Headers& request, Headers& response) const {
  if (origins_.empty()) return;
  // Answers differ by Origin, also the ones without the header: caches
  // must keep them apart.
  if (!any_) response.add("Vary", "Origin");
  if (auto origin = allowed_origin(request)) {
    response.set("Access-Control-Allow-Origin", std::move(*origin));
    response.set("Access-Control-Expose-Headers", std::string(kExposedHeaders));
  }
}

Response Cors::preflight(const Headers& request, std::string_view allow) const {
  Response r;
  r.status = 204;
  decorate(request, r.headers);
  if (r.headers.contains("Access-Control-Allow-Origin")) {
    r.headers.set("Access-Control-Allow-Methods", std::string(allow));
    r.headers.set("Access-Control-Allow-Headers", std::string(kAllowedHeaders));
    r.headers.set("Access-Control-Max-Age", std::string(kMaxAgeSeconds));
  }
  return r;
}

}  // namespace imagebank::server
