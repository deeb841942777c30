#include "imagebank/catalog/api_keys.hpp"

#include <gtest/gtest.h>

namespace imagebank {
namespace {

TEST(ApiScopes, ParseSortsMergesAndNamesTheBadOne) {
  auto scopes = parse_api_scopes(" review, read ,review");
  ASSERT_TRUE(scopes.ok()) << scopes.status();
  EXPECT_EQ(*scopes,
            (std::vector<ApiScope>{ApiScope::kRead, ApiScope::kReview}));
  EXPECT_EQ(api_scopes_text(*scopes), "read,review");

  auto bad = parse_api_scopes("read,write");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("'write'"), std::string::npos);
  EXPECT_FALSE(parse_api_scopes(" , ").ok());
  EXPECT_FALSE(parse_api_scopes("").ok());
}

TEST(ApiScopes, AdminGrantsAllAndEveryScopeReads) {
  const std::vector<ApiScope> upload = {ApiScope::kUpload};
  EXPECT_TRUE(api_scopes_allow(upload, ApiScope::kUpload));
  EXPECT_TRUE(api_scopes_allow(upload, ApiScope::kRead));
  EXPECT_FALSE(api_scopes_allow(upload, ApiScope::kReview));
  EXPECT_FALSE(api_scopes_allow(upload, ApiScope::kAdmin));
  const std::vector<ApiScope> admin = {ApiScope::kAdmin};
  for (ApiScope s : {ApiScope::kRead, ApiScope::kUpload, ApiScope::kReview,
                     ApiScope::kAdmin}) {
    EXPECT_TRUE(api_scopes_allow(admin, s)) << api_scope_name(s);
  }
  EXPECT_FALSE(api_scopes_allow({}, ApiScope::kRead));
}

TEST(ApiKeyRecord, ValidationNamesTheField) {
  ApiKeyRecord key;
  key.name = "studio";
  key.prefix = "ib_1234abcd";
  key.secret_hash = std::string(64, '0');
  key.scopes = {ApiScope::kRead};
  EXPECT_TRUE(validate_api_key_record(key).ok());
  auto unsorted = key;
  unsorted.scopes = {ApiScope::kReview, ApiScope::kRead};
  EXPECT_FALSE(validate_api_key_record(unsorted).ok());
  auto upper = key;
  upper.secret_hash = std::string(64, 'A');
  EXPECT_NE(validate_api_key_record(upper).message().find("hash"),
            std::string::npos);
  auto long_name = key;
  long_name.name = std::string(101, 'x');
  EXPECT_NE(validate_api_key_record(long_name).message().find("name"),
            std::string::npos);
}

}  // namespace
}  // namespace imagebank
