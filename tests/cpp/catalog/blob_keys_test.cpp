// Key rules (validate_blob_key) and the key builders.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "imagebank/catalog/blob_store.hpp"

namespace imagebank {
namespace {

const std::string kSha =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

TEST(ValidateBlobKey, AcceptsKeysOfTheAllowedAlphabet) {
  for (const std::string& key : std::vector<std::string>{
           "a", "A", "0", "-", "_", "a.b", "..a", "a..", "...", ".hidden",
           "originals/01/23/abc.jpg", "a/b/c/d/e", "x-y_z.Z-9/Q",
           std::string(1024, 'k')}) {
    EXPECT_TRUE(validate_blob_key(key).ok())
        << key << ": " << validate_blob_key(key);
  }
}

TEST(ValidateBlobKey, RejectsWithTheReason) {
  struct Case {
    std::string key;
    std::string reason;
  };
  for (const Case& c :
       std::initializer_list<Case>{{"", "empty"},
                                   {std::string(1025, 'k'), "longer than 1024"},
                                   {"/a", "starts with '/'"},
                                   {"a/", "ends with '/'"},
                                   {"a//b", "empty segment"},
                                   {".", "'.' segment"},
                                   {"a/./b", "'.' segment"},
                                   {"..", "'..' segment"},
                                   {"a/../b", "'..' segment"},
                                   {"../etc/passwd", "'..' segment"},
                                   {"a b", "byte 1"},
                                   {"a\\b", "byte 1"},
                                   {"~x", "byte 0"},
                                   {"a:b", "byte 1"},
                                   {std::string("a\0b", 3), "byte 1"},
                                   {"caf\xc3\xa9", "byte 3"},
                                   {"a\nb", "byte 1"}}) {
    const Status status = validate_blob_key(c.key);
    EXPECT_EQ(status.code(), ErrorCode::kInvalidArgument) << c.key;
    EXPECT_NE(status.message().find(c.reason), std::string::npos)
        << "key of " << c.key.size() << " bytes: " << status;
  }
}

TEST(ValidateBlobKey, MessagesQuoteKeysSafely) {
  const Status status = validate_blob_key(std::string("a\0\x01\xff", 4));
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("\"a\\x00\\x01\\xff\""), std::string::npos)
      << status;
  const Status long_key = validate_blob_key(std::string(5000, 'k'));
  EXPECT_LT(long_key.message().size(), 400u) << "long keys are cut";
}

TEST(OriginalBlobKey, IsContentAddressedUnderTwoLevels) {
  auto key = original_blob_key(kSha, "jpg");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(*key, "originals/01/23/" + kSha + ".jpg");
  EXPECT_TRUE(validate_blob_key(*key).ok());
  EXPECT_EQ(*original_blob_key(kSha, "avif"),
            "originals/01/23/" + kSha + ".avif");
}

TEST(OriginalBlobKey, RejectsBadDigestsAndExtensions) {
  std::string upper = kSha;
  upper[10] = 'A';
  for (const std::string& sha : std::vector<std::string>{
           std::string(), kSha.substr(1), kSha + "0", upper,
           std::string(63, 'a') + "g", std::string(62, 'a') + "/.",
           std::string(64, ' ')}) {
    const auto key = original_blob_key(sha, "jpg");
    EXPECT_EQ(key.status().code(), ErrorCode::kInvalidArgument) << sha;
    EXPECT_NE(key.status().message().find("64 lowercase hexadecimal"),
              std::string::npos);
  }
  for (const std::string& ext :
       std::vector<std::string>{"", ".jpg", "JPG", "j/g", "j.g", "../x",
                                std::string(17, 'a'), "jp g"}) {
    const auto key = original_blob_key(kSha, ext);
    EXPECT_EQ(key.status().code(), ErrorCode::kInvalidArgument) << ext;
    EXPECT_NE(key.status().message().find("extension"), std::string::npos);
  }
}

}  // namespace
}  // namespace imagebank
