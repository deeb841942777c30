#include "web_routes.hpp"

#include <zlib.h>

#include <algorithm>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>
#include <vector>

#include "imagebank/hash/sha256.hpp"
#include "imagebank/serve/signed_url.hpp"
#include "problem.hpp"

namespace imagebank::server {
namespace {

// Ten hex digits of the content's SHA-256 in the name: 40 bits, more than
// enough to tell two versions of one file apart.
constexpr std::size_t kHashDigits = 10;

std::string hashed_name(std::string_view name, std::string_view hex) {
  const auto dot = name.rfind('.');
  std::string out(name.substr(0, dot));
  out += '.';
  out += hex.substr(0, kHashDigits);
  if (dot != std::string_view::npos) out += name.substr(dot);
  return out;
}

// Standard base64 with padding (CSP hash sources use it).
std::string base64_std(std::string_view bytes) {
  std::string s = base64url(bytes);
  for (char& c : s) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (s.size() % 4 != 0) s += '=';
  return s;
}

std::string sha256_of(std::string_view bytes) {
  Sha256Hasher h;
  h.update(bytes);
  const Sha256Digest d = h.finish();
  return std::string(reinterpret_cast<const char*>(d.data()), d.size());
}

bool zero_q(std::string_view q) {
  return !q.empty() && q.find_first_not_of("0.") == std::string_view::npos;
}

std::string_view trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The gzip body to send for `request`, or nullptr for the identity one.
// (Either answer says Vary: Accept-Encoding.)
const std::string* pick_gzip(const Request& request, const std::string& gzip) {
  const std::string* accept = request.headers.find("Accept-Encoding");
  if (gzip.empty() || accept == nullptr || !accepts_gzip(*accept)) {
    return nullptr;
  }
  return &gzip;
}

}  // namespace

bool accepts_gzip(std::string_view accept_encoding) noexcept {
  bool star = false;
  int gzip = -1;  // unnamed
  std::size_t pos = 0;
  while (pos <= accept_encoding.size()) {
    auto comma = accept_encoding.find(',', pos);
    if (comma == std::string_view::npos) comma = accept_encoding.size();
    std::string_view item = accept_encoding.substr(pos, comma - pos);
    pos = comma + 1;
    const auto semi = item.find(';');
    const std::string_view coding = trim(item.substr(0, semi));
    bool allowed = true;
    if (semi != std::string_view::npos) {
      std::string_view params = item.substr(semi + 1);
      while (!params.empty()) {
        const auto next = params.find(';');
        const std::string_view param = trim(params.substr(0, next));
        if (param.size() > 2 && (param[0] == 'q' || param[0] == 'Q') &&
            param[1] == '=') {
          allowed = !zero_q(trim(param.substr(2)));
        }
        if (next == std::string_view::npos) break;
        params.remove_prefix(next + 1);
      }
    }
    if (iequals(coding, "gzip") || iequals(coding, "x-gzip")) {
      gzip = allowed ? 1 : 0;
    } else if (coding == "*") {
      star = allowed;
    }
  }
  return gzip == -1 ? star : gzip == 1;
}

std::string gzip_compress(std::string_view bytes) {
  z_stream z{};
  // 15 + 16: the largest window, with a gzip header and trailer.
  if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    return {};
  }
  std::string out(deflateBound(&z, static_cast<uLong>(bytes.size())) + 64,
                  '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return {};
  return out;
}

Result<WebAssets> load_web_assets() {
  const char* dir = std::getenv("IMAGEBANK_WEB_DIR");
  if (dir == nullptr || *dir == '\0')
    return WebAssets::build(web_asset_sources());
  namespace fs = std::filesystem;
  // Kept for the life of the process: the assets are views into them.
  static std::vector<std::pair<std::string, std::string>> files;
  files.clear();
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (web_content_type(name) == "application/octet-stream" ||
        !entry.is_regular_file()) {
      continue;
    }
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in && !in.eof()) {
      return io_error(std::string("IMAGEBANK_WEB_DIR: cannot read ") +
                      entry.path().string());
    }
    files.emplace_back(name, text.str());
  }
  if (ec) {
    return io_error(std::string("IMAGEBANK_WEB_DIR=") + dir + ": " +
                    ec.message());
  }
  std::vector<WebAssetSource> sources;
  for (const auto& [name, text] : files) sources.push_back({name, text});
  // What the build fetched with npm (web_assets.cmake) is not in web/: it
  // comes compiled in, unless the folder has its own.
  for (const WebAssetSource& s : web_asset_sources()) {
    const bool have =
        std::any_of(files.begin(), files.end(),
                    [&](const auto& file) { return file.first == s.name; });
    if (s.from_npm && !have) sources.push_back(s);
  }
  return WebAssets::build(sources);
}

std::string_view web_content_type(std::string_view name) noexcept {
  auto ends = [&](std::string_view ext) {
    return name.size() >= ext.size() &&
           name.substr(name.size() - ext.size()) == ext;
  };
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".json")) return "application/json";
  return "application/octet-stream";
}

Result<WebAssets> WebAssets::build(std::span<const WebAssetSource> sources) {
  WebAssets out;
  std::string_view page;
  bool have_page = false;
  boost::json::object imports;
  for (const WebAssetSource& s : sources) {
    if (s.name == "index.html") {
      page = s.content;
      have_page = true;
      continue;
    }
    const std::string hex = to_hex(sha256(std::as_bytes(
        std::span<const char>(s.content.data(), s.content.size()))));
    const std::string hashed = hashed_name(s.name, hex);
    const std::string url = "/assets/" + hashed;
    out.url_of_[std::string(s.name)] = url;
    // Built piecewise: `"\"" + hex.substr(..)` trips GCC 12's -Wrestrict.
    std::string etag(1, '"');
    etag.append(hex, 0, 32);
    std::string gzip_etag = etag + "-gz\"";
    etag += '"';
    std::string gzip = gzip_compress(s.content);
    if (gzip.size() >= s.content.size()) gzip.clear();
    out.by_hashed_[hashed] =
        Asset{std::string(web_content_type(s.name)), s.content, std::move(etag),
              std::move(gzip), std::move(gzip_etag)};
    if (s.name.size() > 3 && s.name.substr(s.name.size() - 3) == ".js") {
      // Modules import each other as "./name.js": resolved against
      // /assets/, then mapped to the hashed URL.
      imports["/assets/" + std::string(s.name)] = url;
    }
  }
  if (!have_page) return invalid_argument_error("web assets: no index.html");

  boost::json::object map;
  map["imports"] = std::move(imports);
  const std::string map_script = boost::json::serialize(map);

  std::string html;
  std::size_t pos = 0;
  while (pos < page.size()) {
    const auto open = page.find("{{", pos);
    if (open == std::string_view::npos) {
      html += page.substr(pos);
      break;
    }
    html += page.substr(pos, open - pos);
    const auto close = page.find("}}", open);
    if (close == std::string_view::npos) {
      return invalid_argument_error("web assets: index.html: unclosed {{");
    }
    const std::string_view field = page.substr(open + 2, close - open - 2);
    if (field == "importmap") {
      html += "<script type=\"importmap\">" + map_script + "</script>";
    } else if (field.substr(0, 6) == "asset:") {
      const std::string url = out.url(field.substr(6));
      if (url.empty()) {
        return invalid_argument_error("web assets: index.html names " +
                                      std::string(field.substr(6)) +
                                      ", which is not there");
      }
      html += url;
    } else {
      return invalid_argument_error("web assets: index.html: unknown {{" +
                                    std::string(field) + "}}");
    }
    pos = close + 2;
  }
  out.index_ = std::move(html);
  out.index_gzip_ = gzip_compress(out.index_);
  if (out.index_gzip_.size() >= out.index_.size()) out.index_gzip_.clear();
  // This origin only; the one inline script (the import map) by its hash.
  out.csp_ =
      "default-src 'none'; script-src 'self' 'sha256-" +
      base64_std(sha256_of(map_script)) +
      "'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
      "font-src 'self'; manifest-src 'self'; base-uri 'none'; "
      "form-action 'none'; frame-ancestors 'none'";
  return out;
}

const WebAssets::Asset* WebAssets::find(std::string_view hashed_name) const {
  const auto it = by_hashed_.find(hashed_name);
  return it == by_hashed_.end() ? nullptr : &it->second;
}

std::string WebAssets::url(std::string_view name) const {
  const auto it = url_of_.find(name);
  return it == url_of_.end() ? std::string() : it->second;
}

Status add_web_routes(Router& router, const WebAssets& assets) {
  IMAGEBANK_RETURN_IF_ERROR(router.add(
      "GET", "/",
      [&assets](Request& request) -> Result<Response> {
        const std::string* gzip = pick_gzip(request, assets.index_html_gzip());
        Response r = Response::text(200, gzip ? *gzip : assets.index_html(),
                                    "text/html; charset=utf-8");
        if (gzip) r.headers.set("Content-Encoding", "gzip");
        r.headers.add("Vary", "Accept-Encoding");
        r.headers.set("Cache-Control", "no-cache");
        r.headers.set("Content-Security-Policy",
                      assets.content_security_policy());
        r.headers.set("X-Content-Type-Options", "nosniff");
        // Signed image URLs and the page's state stay here.
        r.headers.set("Referrer-Policy", "no-referrer");
        r.headers.set("X-Frame-Options", "DENY");
        return r;
      },
      non_blocking()));
  return router.add(
      "GET", "/assets/{name}",
      [&assets](Request& request) -> Result<Response> {
        const std::string_view name = *request.path_params.find("name");
        const WebAssets::Asset* asset = assets.find(name);
        if (asset == nullptr) {
          return not_found_error("no asset '" +
                                 std::string(name.substr(0, 80)) + "'");
        }
        const std::string* gzip = pick_gzip(request, asset->gzip);
        const std::string& etag = gzip ? asset->gzip_etag : asset->etag;
        Response r;
        if (const std::string* match = request.headers.find("If-None-Match");
            match != nullptr && *match == etag) {
          r = Response::text(304, "", asset->content_type);
        } else {
          r = Response::text(200, gzip ? *gzip : std::string(asset->body),
                             asset->content_type);
          if (gzip) r.headers.set("Content-Encoding", "gzip");
        }
        r.headers.add("Vary", "Accept-Encoding");
        r.headers.set("Cache-Control", "public, max-age=31536000, immutable");
        r.headers.set("ETag", etag);
        r.headers.set("X-Content-Type-Options", "nosniff");
        return r;
      },
      non_blocking());
}

}  // namespace imagebank::server
