#include "imagebank/serve/signed_url.hpp"

#include <gtest/gtest.h>

namespace imagebank {
namespace {

const std::string kSecretA(32, 'a');
const std::string kSecretB = "another secret of at least 32 bytes!";

UrlSigner signer(std::vector<SigningKey> keys) {
  auto made = UrlSigner::create(std::move(keys));
  EXPECT_TRUE(made.ok()) << made.status();
  return std::move(made).value();
}

TEST(Hmac, MatchesRfc4231TestCase2) {
  // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?",
  // HMAC-SHA256 = 5bdcc146bf60754e6a042426089575c7
  //               5a003f089d2739839dec58b964ec3843 (hex) in base64url:
  EXPECT_EQ(hmac_sha256_base64url("Jefe", "what do ya want for nothing?"),
            "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM");
}

TEST(Base64url, NoPaddingAndUrlAlphabet) {
  EXPECT_EQ(base64url(""), "");
  EXPECT_EQ(base64url("f"), "Zg");
  EXPECT_EQ(base64url("fo"), "Zm8");
  EXPECT_EQ(base64url("foo"), "Zm9v");
  EXPECT_EQ(base64url("\xfb\xff"), "-_8");
}

TEST(SignedUrl, SignsAndVerifiesUntilExpiry) {
  const UrlSigner s = signer({{"k1", kSecretA}});
  auto url = s.sign("/images/42?size=grid", 1000);
  ASSERT_TRUE(url.ok()) << url.status();
  EXPECT_EQ(url->rfind("/images/42?size=grid&exp=1000&kid=k1&sig=", 0), 0u)
      << *url;
  EXPECT_TRUE(s.verify(*url, 999).ok());
  EXPECT_TRUE(s.verify(*url, 1000).ok());
  const Status late = s.verify(*url, 1001);
  EXPECT_EQ(late.code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(late.message().find("expired"), std::string::npos) << late;

  auto bare = s.sign("/images/42", 50);
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->rfind("/images/42?exp=50&kid=k1&sig=", 0), 0u) << *bare;
  EXPECT_TRUE(s.verify(*bare, 0).ok());
}

TEST(SignedUrl, AnyChangeBreaksTheSignature) {
  const UrlSigner s = signer({{"k1", kSecretA}});
  const std::string url = *s.sign("/images/42?size=grid", 1000);
  auto tampered = [&](std::string from, std::string to) {
    std::string out = url;
    out.replace(out.find(from), from.size(), to);
    return out;
  };
  for (const std::string& bad :
       {tampered("/42", "/43"), tampered("grid", "zoom"),
        tampered("exp=1000", "exp=9999"),
        tampered("size=grid", "size=grid&x=1")}) {
    const Status st = s.verify(bad, 0);
    EXPECT_EQ(st.code(), ErrorCode::kPermissionDenied) << bad << " " << st;
  }
  // A parameter after sig is not signed: refused.
  EXPECT_EQ(s.verify(url + "&size=zoom", 0).code(),
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(s.verify("/images/42?size=grid", 0).code(),
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(s.verify("/images/42", 0).code(), ErrorCode::kUnauthenticated);
  // The same URL under another secret does not verify.
  const UrlSigner other = signer({{"k1", kSecretB}});
  EXPECT_EQ(other.verify(url, 0).code(), ErrorCode::kPermissionDenied);
}

TEST(SignedUrl, RotationSignsWithTheFirstKeyAndVerifiesWithAll) {
  const UrlSigner old_only = signer({{"old", kSecretA}});
  const UrlSigner rotated = signer({{"new", kSecretB}, {"old", kSecretA}});
  const std::string old_url = *old_only.sign("/images/7?size=thumbnail", 100);
  const std::string new_url = *rotated.sign("/images/7?size=thumbnail", 100);
  EXPECT_NE(new_url.find("kid=new"), std::string::npos);
  EXPECT_TRUE(rotated.verify(old_url, 0).ok());
  EXPECT_TRUE(rotated.verify(new_url, 0).ok());
  const Status unknown = old_only.verify(new_url, 0);
  EXPECT_EQ(unknown.code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(unknown.message().find("unknown key"), std::string::npos);
}

TEST(SignedUrl, BadKeysAndTargetsAreRefused) {
  EXPECT_FALSE(UrlSigner::create({}).ok());
  EXPECT_FALSE(UrlSigner::create({{"k1", "short"}}).ok());
  EXPECT_FALSE(UrlSigner::create({{"bad id", kSecretA}}).ok());
  EXPECT_FALSE(UrlSigner::create({{"k", kSecretA}, {"k", kSecretB}}).ok());
  const UrlSigner s = signer({{"k1", kSecretA}});
  EXPECT_FALSE(s.sign("images/1", 1).ok());
  EXPECT_FALSE(s.sign("/images/1#x", 1).ok());
  EXPECT_FALSE(s.sign("/images/1?exp=5", 1).ok());
  EXPECT_EQ(
      s.verify("/images/1?exp=x&kid=k1&sig=" + std::string(43, 'A'), 0).code(),
      ErrorCode::kUnauthenticated);
}

TEST(SignedUrl, StripSignatureKeepsTheOtherParameters) {
  EXPECT_EQ(UrlSigner::strip_signature("size=grid&exp=1&kid=k&sig=abc"),
            "size=grid");
  EXPECT_EQ(UrlSigner::strip_signature("exp=1&format=webp&sig=x"),
            "format=webp");
  EXPECT_EQ(UrlSigner::strip_signature(""), "");
}

}  // namespace
}  // namespace imagebank
