// The tus header parsers (the store and routes are driven by
// tests/python/server/test_server_uploads.py with a real tus client).
#include <gtest/gtest.h>

#include "tus_store.hpp"

namespace imagebank::server {
namespace {

TEST(Tus, Base64IsStrict) {
  EXPECT_EQ(*base64_decode(""), "");
  EXPECT_EQ(*base64_decode("YQ=="), "a");
  EXPECT_EQ(*base64_decode("YWI="), "ab");
  EXPECT_EQ(*base64_decode("YWJj"), "abc");
  EXPECT_EQ(*base64_decode("w6fDo28="), "\xC3\xA7\xC3\xA3o");
  for (const char* bad :
       {"YQ", "YQ=", "Y===", "YQ==YQ==", "*QQQ", "YW=j", "YWJj-_==", "YWJ\n"}) {
    EXPECT_EQ(base64_decode(bad).status().code(), ErrorCode::kInvalidArgument)
        << bad;
  }
}

TEST(Tus, UploadMetadata) {
  auto m =
      parse_upload_metadata("batch MTI=,filename QUJDMV9GUkVOVEUuanBn,flag");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->at("batch"), "12");
  EXPECT_EQ(m->at("filename"), "ABC1_FRENTE.jpg");
  EXPECT_EQ(m->at("flag"), "");
  EXPECT_TRUE(parse_upload_metadata("")->empty());
  EXPECT_TRUE(parse_upload_metadata("  ")->empty());
  EXPECT_EQ(parse_upload_metadata(" batch MTI= , name YQ== ")->size(), 2u);
  for (const char* bad :
       {"batch MTI=,batch MTI=", "batch ***", ",", "a,,b", "b\x01 YQ=="}) {
    auto r = parse_upload_metadata(bad);
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument) << bad;
  }
  EXPECT_NE(parse_upload_metadata("batch MTI=,batch MTI=")
                .status()
                .message()
                .find("repeated"),
            std::string::npos);
}

TEST(Tus, UploadChecksum) {
  // sha1("") = da39a3ee..., base64 2jmj7l5rSw0yVb/vlWAYkK/YBwk=
  auto c = parse_upload_checksum("sha1 2jmj7l5rSw0yVb/vlWAYkK/YBwk=");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->algorithm, "sha1");
  EXPECT_EQ(c->digest.size(), 20u);
  EXPECT_EQ(static_cast<unsigned char>(c->digest[0]), 0xda);
  EXPECT_TRUE(parse_upload_checksum(
                  "sha256 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
                  .ok());
  for (const char* bad : {"sha1", "md5 1B2M2Y8AsgTpgAmY7PhCfg==", "sha1 YQ==",
                          "sha256 ***", "sha1  2jmj7l5rSw0yVb/vlWAYkK/YBwk="}) {
    EXPECT_EQ(parse_upload_checksum(bad).status().code(),
              ErrorCode::kInvalidArgument)
        << bad;
  }
}

TEST(Tus, PermanentHandOverFailures) {
  EXPECT_TRUE(permanent_hand_over_failure(ErrorCode::kConflict));
  EXPECT_TRUE(permanent_hand_over_failure(ErrorCode::kInvalidArgument));
  EXPECT_FALSE(permanent_hand_over_failure(ErrorCode::kUnavailable));
  EXPECT_FALSE(permanent_hand_over_failure(ErrorCode::kIoError));
}

}  // namespace
}  // namespace imagebank::server
