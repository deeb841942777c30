#include "imagebank/serve/api_keys.hpp"

#include <gtest/gtest.h>

#include <cctype>

#include "adapters/fs_test_util.hpp"
#include "imagebank/bank/bank.hpp"

namespace imagebank::testing {
namespace {

class ApiKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = open_catalog_store("sqlite://" +
                                 (scratch_.path() / "bank.db").string());
    ASSERT_TRUE(db.ok()) << db.status();
    catalog_ = std::shared_ptr<CatalogDatabase>(std::move(*db));
  }
  ScratchDir scratch_;
  std::shared_ptr<CatalogStore> catalog_;
};

TEST_F(ApiKeysTest, AKeyIsShownOnceStoredAsItsHashAndAuthenticates) {
  ApiKeys keys(catalog_);
  const std::vector<ApiScope> scopes = {ApiScope::kUpload, ApiScope::kRead};
  auto made = keys.create("estúdio SP", scopes);
  ASSERT_TRUE(made.ok()) << made.status();
  // ib_<8 lowercase hex>_<43 base64url>
  ASSERT_EQ(made->key.size(), 55u) << made->key;
  EXPECT_EQ(made->key.substr(0, 3), "ib_");
  EXPECT_EQ(made->key[11], '_');
  for (std::size_t i = 3; i < 11; ++i) {
    EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(made->key[i])) ||
                (made->key[i] >= 'a' && made->key[i] <= 'f'))
        << made->key;
  }
  for (std::size_t i = 12; i < made->key.size(); ++i) {
    const char c = made->key[i];
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' ||
                c == '_')
        << made->key;
  }
  EXPECT_EQ(made->record.prefix, made->key.substr(0, 11));
  EXPECT_EQ(made->record.scopes,
            (std::vector<ApiScope>{ApiScope::kRead, ApiScope::kUpload}));
  // The catalog holds a hash, never the key or its secret part.
  auto stored = catalog_->find_api_key(made->record.prefix);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->secret_hash.size(), 64u);
  EXPECT_EQ(stored->secret_hash.find(made->key.substr(12, 8)),
            std::string::npos);

  auto who = keys.authenticate(made->key);
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->name, "estúdio SP");
  EXPECT_TRUE(keys.authorize(made->key, ApiScope::kUpload).ok());
  const auto denied = keys.authorize(made->key, ApiScope::kReview);
  EXPECT_EQ(denied.status().code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(denied.status().message().find("review"), std::string::npos);

  auto other = keys.create("outro", std::vector<ApiScope>{ApiScope::kRead});
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->record.prefix, made->record.prefix);
  auto listed = keys.list();
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 2u);
}

TEST_F(ApiKeysTest, WrongMalformedAndRevokedKeysAreUnauthenticated) {
  ApiKeys keys(catalog_);
  auto made = keys.create("k", std::vector<ApiScope>{ApiScope::kAdmin});
  ASSERT_TRUE(made.ok());
  std::string wrong = made->key;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  const auto bad = keys.authenticate(wrong);
  EXPECT_EQ(bad.status().code(), ErrorCode::kUnauthenticated);
  // The message names the prefix, never the key.
  EXPECT_EQ(bad.status().message().find(wrong.substr(12)), std::string::npos);
  EXPECT_NE(bad.status().message().find(made->record.prefix),
            std::string::npos);
  for (const std::string& junk :
       {std::string(), std::string("Bearer x"), made->key + "x",
        "ib_ZZZZZZZZ_" + made->key.substr(12),
        "ib_00000000_" + made->key.substr(12)}) {
    EXPECT_EQ(keys.authenticate(junk).status().code(),
              ErrorCode::kUnauthenticated)
        << junk;
  }
  ASSERT_TRUE(keys.authenticate(made->key).ok());  // now cached
  auto revoked = keys.revoke(made->record.prefix);
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  const auto after = keys.authenticate(made->key);
  EXPECT_EQ(after.status().code(), ErrorCode::kUnauthenticated);
  EXPECT_NE(after.status().message().find("revoked"), std::string::npos);
  EXPECT_EQ(keys.revoke("ib_ffffffff").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(
      keys.create("", std::vector<ApiScope>{ApiScope::kRead}).status().code(),
      ErrorCode::kInvalidArgument);
  EXPECT_EQ(keys.create("x", {}).status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(ApiKeysTest, ARevocationElsewhereLandsWithinTheCacheTime) {
  ApiKeys server(catalog_, ApiKeysOptions{0});
  ApiKeys admin(catalog_);
  auto made = admin.create("k", std::vector<ApiScope>{ApiScope::kRead});
  ASSERT_TRUE(made.ok());
  ASSERT_TRUE(server.authenticate(made->key).ok());
  ASSERT_TRUE(admin.revoke(made->record.prefix).ok());
  EXPECT_EQ(server.authenticate(made->key).status().code(),
            ErrorCode::kUnauthenticated);
}

}  // namespace
}  // namespace imagebank::testing
