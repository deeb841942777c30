// API keys of the server: made, listed, revoked and checked here; stored in
// the catalog (imagebank/catalog/api_keys.hpp) as the SHA-256 of the key.
//
// A key reads "ib_3f9a1c2e_<43 characters of base64url>": 256 random bits
// after a public prefix ("ib_3f9a1c2e") that identifies it in lists, logs
// and revocations. A key is shown once, when made; it is never logged, and
// no error message repeats it.
//
// Threading: every method may be called from several threads at once.
// authenticate() keeps what it found for `cache_ms`, so a revocation made
// elsewhere (another server on the same database) takes effect within that
// time; one made through this object at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "imagebank/catalog/api_keys.hpp"
#include "imagebank/catalog/catalog_store.hpp"

namespace imagebank {

struct NewApiKey {
  ApiKeyRecord record;
  std::string key;  // the only time the key exists outside its holder
};

struct ApiKeysOptions {
  std::int64_t cache_ms = 5000;  // 0: ask the catalog every time
};

class ApiKeys {
 public:
  explicit ApiKeys(std::shared_ptr<CatalogStore> catalog,
                   ApiKeysOptions options = {});
  ApiKeys(const ApiKeys&) = delete;
  ApiKeys& operator=(const ApiKeys&) = delete;

  // A new key with these scopes (see parse_api_scopes). invalid_argument for
  // a bad name or no scopes; errors of the catalog.
  Result<NewApiKey> create(std::string_view name,
                           std::span<const ApiScope> scopes);
  Result<std::vector<ApiKeyRecord>> list();
  // not_found for an unknown prefix.
  Result<ApiKeyRecord> revoke(std::string_view prefix);

  // The record of `key` when it is well formed, known, not revoked and its
  // secret matches (compared in constant time). unauthenticated otherwise,
  // naming at most the prefix; errors of the catalog (unavailable, ...).
  Result<ApiKeyRecord> authenticate(std::string_view key);
  // authenticate(), then permission_denied when its scopes do not allow
  // `needed`.
  Result<ApiKeyRecord> authorize(std::string_view key, ApiScope needed);

  // "ib_3f9a1c2e" for a well-formed key, empty otherwise.
  static std::string prefix_of(std::string_view key);

 private:
  struct Cached {
    ApiKeyRecord record;
    std::int64_t until_ms = 0;
  };
  std::shared_ptr<CatalogStore> catalog_;
  ApiKeysOptions options_;
  std::mutex mu_;
  std::unordered_map<std::string, Cached> cache_;  // by prefix
};

}  // namespace imagebank
