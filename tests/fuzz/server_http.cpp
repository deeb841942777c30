// Fuzz target: imagebank-server's request head handling, in the order the
// session applies it (examples/server/src/session.cpp): the header block's
// end, the raw-header checks, Beast's header parser, the framing checks,
// the request-target (both parsers, which must agree), the router (a table
// of the server's own patterns), and for a multipart/form-data request the
// body after the head. Seeds: corpus/server_http, requests as clients send
// them.
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "framing.hpp"
#include "fuzz_support.hpp"
#include "multipart.hpp"
#include "router.hpp"
#include "target.hpp"

namespace {

namespace server = imagebank::server;

const server::Router& router() {
  static const server::Router* table = [] {
    auto* r = new server::Router;
    const server::Handler none = [](server::Request&) {
      return imagebank::Result<server::Response>(server::Response{});
    };
    const char* const routes[][2] = {
        {"GET", "/api/v1/batches"},
        {"POST", "/api/v1/batches"},
        {"GET", "/api/v1/batches/{id}"},
        {"POST", "/api/v1/batches/{id}/cancel"},
        {"GET", "/api/v1/batches/{id}/events"},
        {"POST", "/api/v1/batches/{id}/files"},
        {"POST", "/api/v1/batches/{id}/finish"},
        {"POST", "/api/v1/batches/{id}/pause"},
        {"POST", "/api/v1/batches/{id}/resume"},
        {"POST", "/api/v1/batches/{id}/retry-failed"},
        {"POST", "/api/v1/carteiras"},
        {"GET", "/api/v1/conflicts"},
        {"POST", "/api/v1/conflicts/{id}/resolve"},
        {"GET", "/api/v1/exports/{format}"},
        {"GET", "/api/v1/health"},
        {"GET", "/api/v1/images"},
        {"GET", "/api/v1/images/{id}"},
        {"POST", "/api/v1/images/{id}/analyze"},
        {"GET", "/api/v1/keys"},
        {"POST", "/api/v1/keys"},
        {"DELETE", "/api/v1/keys/{prefix}"},
        {"GET", "/api/v1/products/{id}"},
        {"POST", "/api/v1/uploads"},
        {"HEAD", "/api/v1/uploads/{id}"},
        {"PATCH", "/api/v1/uploads/{id}"},
        {"DELETE", "/api/v1/uploads/{id}"},
        {"OPTIONS", "/api/v1/uploads"},
        {"GET", "/images/{id}"},
        {"GET", "/metrics"},
    };
    for (const auto& route : routes) {
      if (!r->add(route[0], route[1], none).ok()) __builtin_trap();
    }
    return r;
  }();
  return *table;
}

void fuzz_target(std::string_view target, std::string_view method) {
  const auto fast = server::parse_target(target);
  const auto url = server::parse_target_url(target);
  // parse_target's plain-character shortcut gives what Boost.URL gives.
  if (fast.ok() != url.ok()) __builtin_trap();
  if (!fast.ok()) return;
  if (fast->path != url->path || fast->segments != url->segments ||
      fast->query.entries() != url->query.entries()) {
    __builtin_trap();
  }
  const auto match = router().match(method, fast->segments);
  if (match.kind == server::RouteMatch::Kind::kFound &&
      match.route == nullptr) {
    __builtin_trap();
  }
  (void)router().allowed_methods(fast->segments);
}

void fuzz_multipart(const server::Headers& headers, std::string_view body) {
  const std::string* type = headers.find("Content-Type");
  if (type == nullptr) return;
  const auto boundary = server::multipart_boundary(*type);
  if (!boundary.ok()) return;
  server::MultipartHandler handler;
  handler.begin = [](const server::MultipartPart&) {
    return imagebank::ok_status();
  };
  handler.data = [](std::span<const std::byte>) {
    return imagebank::ok_status();
  };
  handler.end = [] { return imagebank::ok_status(); };
  (void)server::parse_multipart_bytes(body, *boundary, handler);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  namespace http = boost::beast::http;
  std::string_view input = imagebank::fuzz::text_of(data, size);
  while (input.substr(0, 2) == "\r\n") input.remove_prefix(2);
  const std::size_t block_size = server::header_block_size(input);
  if (block_size == 0 || block_size > server::kMaxHeaderBytes) return 0;
  if (block_size > input.size()) __builtin_trap();
  const std::string_view block = input.substr(0, block_size);
  if (server::check_raw_header(block)) return 0;

  http::request_parser<http::empty_body> parser;
  parser.eager(false);
  parser.header_limit(static_cast<std::uint32_t>(server::kMaxHeaderBytes));
  parser.body_limit(boost::none);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(block.data(), block.size()), ec);
  if (ec || !parser.is_header_done()) return 0;
  const auto& message = parser.get();
  server::Headers headers;
  for (const auto& field : message) {
    headers.add(std::string(field.name_string()), std::string(field.value()));
  }
  const unsigned version = message.version();
  if (version != 10 && version != 11) return 0;
  const auto framing =
      server::check_framing(static_cast<int>(version), headers);
  if (std::holds_alternative<server::Refusal>(framing)) {
    const auto& refusal = std::get<server::Refusal>(framing);
    if (refusal.status < 400 || refusal.detail.empty()) __builtin_trap();
    return 0;
  }
  fuzz_target(message.target(), message.method_string());
  fuzz_multipart(headers, input.substr(block_size));
  return 0;
}
