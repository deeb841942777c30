#include "multipart.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace imagebank::server {
namespace {

struct Parsed {
  std::vector<MultipartPart> parts;
  std::vector<std::string> bodies;
  std::size_t chunks = 0;
};

Result<Parsed> parse(std::string_view body, std::string_view boundary = "XyZ") {
  Parsed out;
  MultipartHandler h;
  h.begin = [&](const MultipartPart& p) {
    out.parts.push_back(p);
    out.bodies.emplace_back();
    return Status{};
  };
  h.data = [&](std::span<const std::byte> d) {
    out.bodies.back().append(reinterpret_cast<const char*>(d.data()), d.size());
    ++out.chunks;
    return Status{};
  };
  h.end = [] { return Status{}; };
  IMAGEBANK_RETURN_IF_ERROR(parse_multipart_bytes(body, boundary, h));
  return out;
}

TEST(Multipart, Boundary) {
  EXPECT_EQ(*multipart_boundary("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(*multipart_boundary("Multipart/Form-Data;boundary=\"a b:c\""),
            "a b:c");
  EXPECT_FALSE(multipart_boundary("application/json").ok());
  EXPECT_FALSE(multipart_boundary("multipart/form-data").ok());
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=").ok());
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=" +
                                  std::string(71, 'a'))
                   .ok());
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=a{b").ok());
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=\"abc").ok());
}

TEST(Multipart, FilesAndFieldsWithPreambleAndEpilogue) {
  const std::string body =
      "preamble\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"note\"\r\n\r\n"
      "olá\r\n"
      "--XyZ  \r\n"
      "Content-Disposition: form-data; name=\"file\"; "
      "filename=\"ABC1_FRENTE.jpg\"\r\n"
      "Content-Type: image/jpeg\r\n\r\n"
      "\xff\xd8 binary \r\n-XyZ \n--XyZ\r\n"
      "\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=file; filename=\"a.jpg\"; "
      "filename*=UTF-8''cal%C3%A7a.jpg\r\n\r\n"
      "\r\n"
      "--XyZ--\r\nepilogue";
  auto r = parse(body);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->parts.size(), 3u);
  EXPECT_EQ(r->parts[0].name, "note");
  EXPECT_FALSE(r->parts[0].filename.has_value());
  EXPECT_EQ(r->bodies[0], "olá");
  EXPECT_EQ(*r->parts[1].filename, "ABC1_FRENTE.jpg");
  EXPECT_EQ(r->parts[1].content_type, "image/jpeg");
  // Near-delimiters inside data are data.
  EXPECT_EQ(r->bodies[1], "\xff\xd8 binary \r\n-XyZ \n--XyZ\r\n");
  EXPECT_EQ(*r->parts[2].filename, "calça.jpg");
  EXPECT_EQ(r->bodies[2], "");  // the CRLF before a delimiter is its own
}

TEST(Multipart, DelimitersSplitAcrossReadsAndLargeParts) {
  std::string data(600 * 1024, 'x');
  for (std::size_t i = 0; i < data.size(); i += 997) data[i] = '\r';
  const std::string body =
      "--B\r\nContent-Disposition: form-data; name=f; "
      "filename=big\r\n\r\n" +
      data + "\r\n--B--";
  auto r = parse(body, "B");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->bodies.size(), 1u);
  EXPECT_EQ(r->bodies[0], data);
  EXPECT_GT(r->chunks, 1u);
}

TEST(Multipart, MalformedBodiesAreRefusedWithTheReason) {
  const std::string head =
      "--XyZ\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n";
  struct Case {
    std::string body;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"", "no part"},
      {"--XyZ--", "no part"},
      {head + "abc", "ends before its closing boundary"},
      {head + "abc\r\n--XyZ", "ends before its closing boundary"},
      {"--XyZ\r\nContent-Disposition: form-data; name=\"f\"\r\n", "ends"},
      {"--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--",
       "no Content-Disposition"},
      {"--XyZ\r\nContent-Disposition: attachment; name=f\r\n\r\nx\r\n--XyZ--",
       "not form-data"},
      {"--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n--XyZ--",
       "no name"},
      {"--XyZ\r\nContent-Disposition: form-data; name=\"f\r\n\r\nx\r\n--XyZ--",
       "malformed"},
      {"--XyZ\r\nContent-Disposition: form-data; name=f\r\n folded\r\n\r\nx"
       "\r\n--XyZ--",
       "folding"},
      {"--XyZ\r\n" + std::string(17 * 1024, 'a') + ": b\r\n\r\nx\r\n--XyZ--",
       "16 KiB"},
      {"--XyZjunk\r\n", "line end"},
      {"--XyZ\r\nContent-Disposition: form-data; name=f; "
       "filename*=UTF-8''%ZZ\r\n\r\nx\r\n--XyZ--",
       "filename*"},
  };
  for (const Case& c : cases) {
    auto r = parse(c.body);
    ASSERT_FALSE(r.ok()) << c.body.substr(0, 60);
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.reason), std::string::npos)
        << r.status() << " / wanted: " << c.reason;
  }
}

TEST(Multipart, AHandlerErrorStopsTheParse) {
  MultipartHandler h;
  int begun = 0;
  h.begin = [&](const MultipartPart&) {
    ++begun;
    return conflict_error("stop here");
  };
  const std::string body =
      "--B\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n"
      "--B\r\nContent-Disposition: form-data; name=b\r\n\r\n2\r\n--B--";
  EXPECT_EQ(parse_multipart_bytes(body, "B", h).code(), ErrorCode::kConflict);
  EXPECT_EQ(begun, 1);
}

}  // namespace
}  // namespace imagebank::server
