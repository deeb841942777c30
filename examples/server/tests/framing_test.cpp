#include "framing.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace imagebank::server {
namespace {

Headers fields(std::initializer_list<std::pair<const char*, const char*>> list,
               bool host = true) {
  Headers h;
  if (host) h.add("Host", "example");
  for (const auto& [n, v] : list) h.add(n, v);
  return h;
}

int refused(int version, const Headers& h) {
  auto verdict = check_framing(version, h);
  const auto* r = std::get_if<Refusal>(&verdict);
  return r ? r->status : 0;
}

TEST(HeaderBlock, FindsTheEmptyLine) {
  EXPECT_EQ(header_block_size("GET / HTTP/1.1\r\nHost: a\r\n\r\nbody"), 27u);
  EXPECT_EQ(header_block_size("GET / HTTP/1.1\r\nHost: a\r\n"), 0u);
}

TEST(RawHeader, AcceptsAPlainHeader) {
  EXPECT_FALSE(
      check_raw_header("GET / HTTP/1.1\r\nHost: a\r\nX: b\tc\r\n\r\n"));
}

TEST(RawHeader, RefusesObsFold) {
  auto r = check_raw_header("GET / HTTP/1.1\r\nX: a\r\n b\r\nHost: a\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->detail.find("obs-fold"), std::string::npos);
  EXPECT_TRUE(check_raw_header("GET / HTTP/1.1\r\nX: a\r\n\tb\r\n\r\n"));
  // Whitespace between the request line and the first field.
  EXPECT_TRUE(check_raw_header("GET / HTTP/1.1\r\n Host: a\r\n\r\n"));
}

// The check as it was first written (a state machine over every byte):
// the faster one must refuse the same blocks with the same reason.
std::optional<std::string> reference_raw_check(std::string_view block) {
  bool line_start = true;
  bool first_line = true;
  for (std::size_t i = 0; i < block.size(); ++i) {
    const char c = block[i];
    if (line_start && !first_line && (c == ' ' || c == '\t')) {
      return "obsolete line folding (obs-fold) in the header";
    }
    line_start = false;
    if (c == '\r') {
      if (i + 1 >= block.size() || block[i + 1] != '\n') {
        return "bare CR in the header";
      }
      ++i;
      line_start = true;
      first_line = false;
      continue;
    }
    if (c == '\n') return "bare LF in the header";
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) {
      return "control character in the header";
    }
  }
  return std::nullopt;
}

TEST(RawHeader, SameVerdictsAsTheReference) {
  const std::string alphabet("\r\n \t\x7f\x01\0a:\x80\xff", 11);
  std::uint32_t seed = 7;
  for (int i = 0; i < 50000; ++i) {
    std::string block = "GET / HTTP/1.1";
    seed = seed * 1664525u + 1013904223u;
    const int len = static_cast<int>(seed >> 28);
    for (int k = 0; k < len; ++k) {
      seed = seed * 1664525u + 1013904223u;
      block += alphabet[(seed >> 16) % alphabet.size()];
    }
    if (seed & 1) block += "\r\n\r\n";
    const auto got = check_raw_header(block);
    const auto want = reference_raw_check(block);
    ASSERT_EQ(got.has_value(), want.has_value()) << block;
    if (got) {
      EXPECT_EQ(got->status, 400);
      EXPECT_EQ(got->detail, *want) << block;
    }
  }
}

TEST(RawHeader, RefusesBareCrLfAndControls) {
  EXPECT_TRUE(check_raw_header("GET / HTTP/1.1\nHost: a\r\n\r\n"));
  EXPECT_TRUE(check_raw_header("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n"));
  EXPECT_TRUE(check_raw_header(
      std::string_view("GET / HTTP/1.1\r\nX: \0\r\n\r\n", 24)));
  EXPECT_TRUE(check_raw_header("GET / HTTP/1.1\r\nX: \x7f\r\n\r\n"));
  EXPECT_TRUE(check_raw_header("GET / HTTP/1.1\r\nX: \x1b\r\n\r\n"));
}

TEST(Framing, PlainRequests) {
  auto v = check_framing(11, fields({}));
  ASSERT_TRUE(std::holds_alternative<Framing>(v));
  EXPECT_FALSE(std::get<Framing>(v).chunked);
  EXPECT_EQ(std::get<Framing>(v).content_length, 0u);

  v = check_framing(11, fields({{"Content-Length", "42"}}));
  EXPECT_EQ(std::get<Framing>(v).content_length, 42u);

  v = check_framing(11, fields({{"Transfer-Encoding", "Chunked"}}));
  EXPECT_TRUE(std::get<Framing>(v).chunked);
  // HTTP/1.0 needs no Host.
  EXPECT_EQ(refused(10, fields({}, false)), 0);
}

TEST(Framing, TransferEncodingWithContentLength) {
  EXPECT_EQ(refused(11, fields({{"Transfer-Encoding", "chunked"},
                                {"Content-Length", "5"}})),
            400);
  EXPECT_EQ(refused(11, fields({{"Content-Length", "5"},
                                {"Transfer-Encoding", "gzip"}})),
            400);
}

TEST(Framing, CodingListMustEndInChunked) {
  EXPECT_EQ(refused(11, fields({{"Transfer-Encoding", "gzip"}})), 400);
  EXPECT_EQ(refused(11, fields({{"Transfer-Encoding", "chunked, gzip"}})), 400);
  EXPECT_EQ(refused(11, fields({{"Transfer-Encoding", "chunked"},
                                {"Transfer-Encoding", "identity"}})),
            400);
  EXPECT_EQ(refused(11, fields({{"Transfer-Encoding", "chunked, chunked"}})),
            400);
  EXPECT_EQ(refused(11, fields({{"Transfer-Encoding", ""}})), 400);
  // A known list shape we do not implement.
  EXPECT_EQ(refused(11, fields({{"Transfer-Encoding", "gzip, chunked"}})), 501);
}

TEST(Framing, ChunkedInHttp10) {
  EXPECT_EQ(refused(10, fields({{"Transfer-Encoding", "chunked"}})), 400);
}

TEST(Framing, ContentLengthRepeatedOrMalformed) {
  EXPECT_EQ(
      refused(11, fields({{"Content-Length", "5"}, {"Content-Length", "6"}})),
      400);
  EXPECT_EQ(
      refused(11, fields({{"Content-Length", "5"}, {"Content-Length", "5"}})),
      400);
  EXPECT_EQ(refused(11, fields({{"Content-Length", "5, 5"}})), 400);
  EXPECT_EQ(refused(11, fields({{"Content-Length", "-1"}})), 400);
  EXPECT_EQ(refused(11, fields({{"Content-Length", "+1"}})), 400);
  EXPECT_EQ(refused(11, fields({{"Content-Length", "0x10"}})), 400);
  EXPECT_EQ(
      refused(11, fields({{"Content-Length", "99999999999999999999999"}})),
      400);
}

TEST(Framing, Host) {
  EXPECT_EQ(refused(11, fields({}, false)), 400);
  EXPECT_EQ(refused(11, fields({{"Host", "b"}})), 400);
}

TEST(Framing, Expect) {
  auto v = check_framing(11, fields({{"Expect", "100-Continue"}}));
  EXPECT_TRUE(std::get<Framing>(v).expect_continue);
  EXPECT_EQ(refused(11, fields({{"Expect", "200-ok"}})), 417);
  // HTTP/1.0 clients do not wait for 100 (RFC 9110 10.1.1).
  v = check_framing(10, fields({{"Expect", "100-continue"}}));
  EXPECT_FALSE(std::get<Framing>(v).expect_continue);
}

}  // namespace
}  // namespace imagebank::server
