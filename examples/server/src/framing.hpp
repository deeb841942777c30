// Request framing checks: what decides where a request's body ends, checked
// on the whole header before any body byte is read. Each refusal closes the
// connection, since after an ambiguous framing the next byte's meaning is
// unknown (request smuggling).
//
// Beast 1.81's parser is lenient where later versions are strict: it joins
// obs-fold continuation lines into the value, accepts Transfer-Encoding
// without "chunked" last (and then reads no body), and a Transfer-Encoding
// that is not chunked next to a Content-Length. Hence two checks: the raw
// header block before Beast parses it, and the parsed fields after.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "http_types.hpp"

namespace imagebank::server {

inline constexpr std::size_t kMaxHeaderBytes = 16 * 1024;

// Why a request is refused: the HTTP status and a sentence for the
// problem's detail.
struct Refusal {
  int status = 400;
  std::string detail;
};

// The length of the header block at the start of `data` (request line to
// the empty line, CRLFCRLF included); 0 while it is incomplete.
std::size_t header_block_size(std::string_view data);

// The raw block (header_block_size bytes): refused on obs-fold (a field line
// starting with SP or HTAB, which also covers whitespace before the first
// field), a CR not followed by LF or an LF not preceded by CR, and NUL or
// other control characters (HTAB allowed).
std::optional<Refusal> check_raw_header(std::string_view block);

struct Framing {
  // The body is chunked (Transfer-Encoding: chunked) or has
  // content_length bytes (0 when neither header is present).
  bool chunked = false;
  std::uint64_t content_length = 0;
  // "Expect: 100-continue" on an HTTP/1.1 request.
  bool expect_continue = false;
};

// The parsed fields, `version` 10 or 11:
// - Transfer-Encoding with Content-Length, Transfer-Encoding in HTTP/1.0,
//   a coding list not ending in "chunked", or "chunked" twice: 400. Codings
//   before a final "chunked" (gzip, ...): 501, none is implemented.
// - Content-Length repeated (even with the same value: there is no reason
//   to send it twice) or not 1*DIGIT: 400.
// - HTTP/1.1 without exactly one Host: 400 (RFC 9112 3.2).
// - Expect other than "100-continue": 417.
std::variant<Framing, Refusal> check_framing(int version,
                                             const Headers& headers);

}  // namespace imagebank::server
