#include "framing.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <charconv>
#include <vector>

namespace imagebank::server {

namespace {

using boost::beast::iequals;

Refusal bad_request(std::string detail) { return {400, std::move(detail)}; }

}  // namespace

std::size_t header_block_size(std::string_view data) {
  const auto end = data.find("\r\n\r\n");
  return end == std::string_view::npos ? 0 : end + 4;
}

std::optional<Refusal> check_raw_header(std::string_view block) {
  // Printable bytes (and HTAB) are nearly all of a header: one test each;
  // the rest are looked at one by one. Runs on every request.
  const std::size_t n = block.size();
  std::size_t i = 0;
  while (i < n) {
    const auto u = static_cast<unsigned char>(block[i]);
    if ((u >= 0x20 && u != 0x7f) || u == '\t') {
      ++i;
      continue;
    }
    if (u == '\r') {
      if (i + 1 >= n || block[i + 1] != '\n') {
        return bad_request("bare CR in the header");
      }
      i += 2;
      // A line after the request line starting with SP or HTAB.
      if (i < n && (block[i] == ' ' || block[i] == '\t')) {
        return bad_request("obsolete line folding (obs-fold) in the header");
      }
      continue;
    }
    if (u == '\n') return bad_request("bare LF in the header");
    return bad_request("control character in the header");
  }
  return std::nullopt;
}

std::variant<Framing, Refusal> check_framing(int version,
                                             const Headers& headers) {
  Framing out;
  const auto te = headers.all("Transfer-Encoding");
  const auto cl = headers.all("Content-Length");
  if (!te.empty()) {
    if (version < 11) {
      return bad_request("Transfer-Encoding in an HTTP/1.0 request");
    }
    if (!cl.empty()) {
      return bad_request("both Transfer-Encoding and Content-Length");
    }
    // The codings of every Transfer-Encoding field, in order.
    std::vector<std::string_view> codings;
    for (const auto value : te) {
      for (const auto coding : boost::beast::http::token_list(value)) {
        codings.emplace_back(coding.data(), coding.size());
      }
    }
    if (codings.empty() || !iequals(codings.back(), "chunked")) {
      return bad_request("the transfer coding list does not end in chunked");
    }
    for (std::size_t i = 0; i + 1 < codings.size(); ++i) {
      if (iequals(codings[i], "chunked")) {
        return bad_request("chunked applied more than once");
      }
    }
    if (codings.size() > 1) {
      return Refusal{501, "only the chunked transfer coding is implemented"};
    }
    out.chunked = true;
  }
  if (cl.size() > 1) return bad_request("Content-Length repeated");
  if (cl.size() == 1) {
    const auto value = cl.front();
    const char* end = value.data() + value.size();
    const auto [ptr, ec] =
        std::from_chars(value.data(), end, out.content_length);
    if (value.empty() || ec != std::errc() || ptr != end ||
        value.front() == '+' || value.front() == '-') {
      return bad_request("Content-Length is not a decimal number");
    }
  }
  const auto hosts = headers.all("Host");
  if (version >= 11 && hosts.size() != 1) {
    return bad_request(hosts.empty() ? "no Host header"
                                     : "Host header repeated");
  }
  if (const auto* expect = headers.find("Expect")) {
    if (headers.all("Expect").size() > 1 || !iequals(*expect, "100-continue")) {
      return Refusal{417, "only Expect: 100-continue is understood"};
    }
    out.expect_continue = version >= 11;
  }
  return out;
}

}  // namespace imagebank::server
