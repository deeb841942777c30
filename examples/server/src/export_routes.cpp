// GET /api/v1/exports/{format}?collection=&brand=&size=&delimiter= (read):
// the catalog export of imagebank/bank/export.hpp (csv, xlsx or jsonl)
// streamed as it is made, chunked, with a Content-Disposition file name.
// Image URLs are the server's own /images URLs (absolute: a spreadsheet
// has no page to be relative to), signed with its keys unless images are
// public, valid for a week. The scope is checked before
// the headers go out, so an unknown collection is a 404, not a cut
// download.
#include <chrono>
#include <cstddef>
#include <span>

#include "api_routes.hpp"
#include "api_support.hpp"
#include "imagebank/bank/export.hpp"

namespace imagebank::server {
namespace {

constexpr std::int64_t kExportUrlSeconds = 7 * 24 * 3600;

// The origin of the URLs: --public-url, or http:// and the Host the client
// used (a name, an IPv4 or a bracketed IPv6 address, and a port). A Host
// with anything else gives paths only.
std::string url_origin(const Request& request, const std::string& public_url) {
  if (!public_url.empty()) {
    std::string_view u = public_url;
    while (u.ends_with('/')) u.remove_suffix(1);
    return std::string(u);
  }
  const std::string* field = request.headers.find("Host");
  const std::string_view host = field == nullptr ? "" : *field;
  if (host.empty() || host.size() > 255) return "";
  for (char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '.' || c == '-' ||
                    c == ':' || c == '[' || c == ']';
    if (!ok) return "";
  }
  return "http://" + std::string(host);
}

Result<Response> export_catalog_route(Request& request, Bank& bank, Auth& auth,
                                      const std::string& public_url) {
  IMAGEBANK_RETURN_IF_ERROR(auth.require(request, ApiScope::kRead).status());
  IMAGEBANK_RETURN_IF_ERROR(
      check_query(request, {"collection", "brand", "size", "delimiter"}));
  const std::string format_name(
      request.path_params.find("format").value_or(""));
  IMAGEBANK_ASSIGN_OR_RETURN(ExportFormat format,
                             parse_export_format(format_name.substr(0, 20)));
  ExportOptions options;
  options.format = format;
  options.collection = query_value(request, "collection");
  options.brand = query_value(request, "brand");
  if (auto size = query_value(request, "size")) options.url_size = *size;
  options.url_base = url_origin(request, public_url);
  if (auto delimiter = query_value(request, "delimiter")) {
    if (*delimiter != "," && *delimiter != ";") {
      return invalid_argument_error("delimiter: ',' or ';'");
    }
    options.csv_delimiter = (*delimiter)[0];
  }
  // Excel reads a CSV without the mark as Windows-1252 (csv_response).
  options.csv_bom = true;
  if (auth.access() != ImageAccess::kPublic) {
    options.signing_keys = auth.signer().keys();
    options.url_expires_unix_s =
        std::chrono::duration_cast<std::chrono::seconds>(
            std::chrono::system_clock::now().time_since_epoch())
            .count() +
        kExportUrlSeconds;
  }
  // Bad options and unknown names answer 400/404/409 here, while a status
  // can still be sent; a failure later cuts the stream, the only signal
  // left then.
  IMAGEBANK_RETURN_IF_ERROR(validate_export(bank.catalog(), options));
  Response response = Response::stream(
      200, std::nullopt,
      [&bank, options](const BodySink& sink) -> Status {
        return export_catalog(bank.catalog(), options,
                              [&sink](std::string_view chunk) {
                                return sink(std::as_bytes(std::span(chunk)));
                              })
            .status();
      },
      std::string(export_mime_type(format)));
  response.headers.set("Content-Disposition",
                       "attachment; filename=\"imagebank-produtos." +
                           std::string(export_format_name(format)) + "\"");
  response.headers.set("Cache-Control", "no-store");
  return response;
}

}  // namespace

Status add_export_routes(Router& router, Bank& bank, Auth& auth,
                         const std::string& public_url) {
  return router.add("GET", "/api/v1/exports/{format}",
                    [&bank, &auth, public_url](Request& r) -> Result<Response> {
                      return export_catalog_route(r, bank, auth, public_url);
                    });
}

}  // namespace imagebank::server
