// CatalogStore's API keys, on every adapter.
#include <string>

#include "catalog/catalog_store_conformance.hpp"

namespace imagebank::testing {
namespace {

ApiKeyRecord key(std::string prefix, std::vector<ApiScope> scopes) {
  ApiKeyRecord out;
  out.name = "estúdio " + prefix;
  out.prefix = std::move(prefix);
  out.secret_hash = std::string(63, 'a') + "f";
  out.scopes = std::move(scopes);
  return out;
}

TEST_P(CatalogStoreConformance, ApiKeysAreStoredFoundListedAndRevoked) {
  auto first = store_->insert_api_key(key("ib_0001", {ApiScope::kRead}));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_GT(first->id, 0);
  EXPECT_GT(first->created_ms, 0);
  EXPECT_FALSE(first->revoked_ms.has_value());
  auto second = store_->insert_api_key(
      key("ib_0002", {ApiScope::kUpload, ApiScope::kReview}));
  ASSERT_TRUE(second.ok()) << second.status();

  auto found = store_->find_api_key("ib_0002");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(*found, *second);
  EXPECT_EQ(found->name, "estúdio ib_0002");
  EXPECT_EQ(found->scopes,
            (std::vector<ApiScope>{ApiScope::kUpload, ApiScope::kReview}));

  auto all = store_->api_keys();
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].prefix, "ib_0001");
  EXPECT_EQ((*all)[1].prefix, "ib_0002");

  auto revoked = store_->revoke_api_key("ib_0001");
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  ASSERT_TRUE(revoked->revoked_ms.has_value());
  EXPECT_GE(*revoked->revoked_ms, first->created_ms);
  // Revoking again keeps the first time.
  auto again = store_->revoke_api_key("ib_0001");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->revoked_ms, revoked->revoked_ms);
  auto other = store_->find_api_key("ib_0002");
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->revoked_ms.has_value());
}

TEST_P(CatalogStoreConformance, ApiKeyErrors) {
  ASSERT_TRUE(store_->insert_api_key(key("ib_dup", {ApiScope::kRead})).ok());
  auto dup = store_->insert_api_key(key("ib_dup", {ApiScope::kAdmin}));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().code(), ErrorCode::kConflict) << dup.status();
  auto stored = store_->find_api_key("ib_dup");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->scopes, std::vector<ApiScope>{ApiScope::kRead});

  EXPECT_EQ(store_->find_api_key("ib_none").status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(store_->revoke_api_key("ib_none").status().code(),
            ErrorCode::kNotFound);

  ApiKeyRecord bad = key("ib_bad", {});
  EXPECT_EQ(store_->insert_api_key(bad).status().code(),
            ErrorCode::kInvalidArgument);
  bad = key("IB BAD", {ApiScope::kRead});
  EXPECT_EQ(store_->insert_api_key(bad).status().code(),
            ErrorCode::kInvalidArgument);
  bad = key("ib_bad", {ApiScope::kRead});
  bad.secret_hash = "not-a-hash";
  EXPECT_EQ(store_->insert_api_key(bad).status().code(),
            ErrorCode::kInvalidArgument);
  bad = key("ib_bad", {ApiScope::kRead});
  bad.name.clear();
  EXPECT_EQ(store_->insert_api_key(bad).status().code(),
            ErrorCode::kInvalidArgument);
  auto all = store_->api_keys();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 1u);
}

}  // namespace
}  // namespace imagebank::testing
