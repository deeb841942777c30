// The catalog team's web app (examples/server/web/), served from the
// program itself:
//
//   GET /                     index.html: the assets' hashed names filled
//                             in, an import map naming every module by its
//                             hashed URL, `Cache-Control: no-cache` and a
//                             Content-Security-Policy that allows this
//                             origin only (the import map by its hash)
//   GET /assets/{name}        an asset by its hashed name
//                             ("main.1a2b3c4d5e.js"): immutable, cached a
//                             year, ETag; any other name is 404
//
// Both answer gzip (compressed once, at start, level 9) when the request's
// Accept-Encoding allows it and it is smaller, with its own ETag
// ("...-gz"), and say `Vary: Accept-Encoding` either way.
//
// The app talks to /api/v1 with the API key the user pastes (kept in
// sessionStorage) and shows images through the signed URLs the API hands
// out. No request leaves the origin.
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "router.hpp"

namespace imagebank::server {

// One file of web/ as compiled in (web_assets.cmake).
struct WebAssetSource {
  std::string_view name;  // "main.js"
  std::string_view content;
  bool from_npm = false;  // installed by the build (tus-js-client.js)
};
std::span<const WebAssetSource> web_asset_sources() noexcept;

// The assets with their hashed names and the page that loads them.
class WebAssets {
 public:
  // index.html's "{{asset:NAME}}" become the hashed URLs, "{{importmap}}"
  // the import map of every .js file. invalid_argument when the page names
  // an asset that is not there or there is no index.html.
  static Result<WebAssets> build(std::span<const WebAssetSource> sources);

  struct Asset {
    std::string content_type;
    std::string_view body;
    std::string etag;
    std::string gzip;  // the body gzipped; empty when not smaller
    std::string gzip_etag;
  };
  // By hashed name; nullptr for any other.
  const Asset* find(std::string_view hashed_name) const;
  // "/assets/main.1a2b3c4d5e.js" for "main.js"; empty when unknown.
  std::string url(std::string_view name) const;

  const std::string& index_html() const noexcept { return index_; }
  // index.html gzipped (empty when not smaller).
  const std::string& index_html_gzip() const noexcept { return index_gzip_; }
  const std::string& content_security_policy() const noexcept { return csp_; }
  // Every asset as (hashed name, asset).
  const std::map<std::string, Asset, std::less<>>& assets() const noexcept {
    return by_hashed_;
  }

 private:
  std::map<std::string, Asset, std::less<>> by_hashed_;
  std::map<std::string, std::string, std::less<>> url_of_;
  std::string index_;
  std::string index_gzip_;
  std::string csp_;
};

// The app to serve: the files compiled in, or with IMAGEBANK_WEB_DIR set
// (for working on the app: edit, restart the server, reload) the .html,
// .js, .css and .svg files of that folder, read once at start (with the
// compiled-in files from npm, such as tus-js-client.js, that it lacks).
Result<WebAssets> load_web_assets();

// Whether an Accept-Encoding value allows gzip: "gzip" or "x-gzip" with a
// q above 0, else "*" with a q above 0 (RFC 9110 12.5.3).
bool accepts_gzip(std::string_view accept_encoding) noexcept;

// `bytes` as a gzip member (zlib, level 9); empty on failure.
std::string gzip_compress(std::string_view bytes);

// "text/javascript; charset=utf-8" for "x.js", ...; octet-stream otherwise.
std::string_view web_content_type(std::string_view name) noexcept;

// `assets` must outlive the router.
Status add_web_routes(Router& router, const WebAssets& assets);

}  // namespace imagebank::server
