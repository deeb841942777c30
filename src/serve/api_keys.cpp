#include "imagebank/serve/api_keys.hpp"

#include <openssl/rand.h>

#include <algorithm>

#include "imagebank/hash/sha256.hpp"
#include "imagebank/serve/signed_url.hpp"

namespace imagebank {
namespace {

constexpr std::string_view kKeyStart = "ib_";
constexpr std::size_t kPrefixHex = 8;
constexpr std::size_t kSecretChars = 43;  // 32 bytes in base64url
constexpr std::size_t kKeySize = 3 + kPrefixHex + 1 + kSecretChars;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<std::string> random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()),
                 static_cast<int>(n)) != 1) {
    return internal_error("the system's random generator failed");
  }
  return out;
}

std::string key_hash(std::string_view key) {
  return to_hex(sha256(std::as_bytes(std::span(key.data(), key.size()))));
}

bool is_b64url(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_';
}

}  // namespace

ApiKeys::ApiKeys(std::shared_ptr<CatalogStore> catalog, ApiKeysOptions options)
    : catalog_(std::move(catalog)), options_(options) {}

std::string ApiKeys::prefix_of(std::string_view key) {
  if (key.size() != kKeySize || key.substr(0, 3) != kKeyStart ||
      key[3 + kPrefixHex] != '_') {
    return {};
  }
  const std::string_view hex = key.substr(3, kPrefixHex);
  const bool hex_ok = std::all_of(hex.begin(), hex.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
  const std::string_view secret = key.substr(3 + kPrefixHex + 1);
  if (!hex_ok || !std::all_of(secret.begin(), secret.end(), is_b64url)) {
    return {};
  }
  return std::string(key.substr(0, 3 + kPrefixHex));
}

Result<NewApiKey> ApiKeys::create(std::string_view name,
                                  std::span<const ApiScope> scopes) {
  std::vector<ApiScope> sorted(scopes.begin(), scopes.end());
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  // A 32-bit prefix collides rarely; a few tries make it never.
  for (int attempt = 0;; ++attempt) {
    IMAGEBANK_ASSIGN_OR_RETURN(std::string prefix_bytes, random_bytes(4));
    IMAGEBANK_ASSIGN_OR_RETURN(std::string secret_bytes, random_bytes(32));
    static constexpr char kHex[] = "0123456789abcdef";
    std::string prefix(kKeyStart);
    for (unsigned char c : prefix_bytes) {
      prefix += kHex[c >> 4];
      prefix += kHex[c & 15];
    }
    NewApiKey out;
    out.key = prefix + "_" + base64url(secret_bytes);
    out.record.name = std::string(name);
    out.record.prefix = prefix;
    out.record.secret_hash = key_hash(out.key);
    out.record.scopes = sorted;
    auto stored = catalog_->insert_api_key(out.record);
    if (stored.ok()) {
      out.record = std::move(stored).value();
      return out;
    }
    if (stored.status().code() != ErrorCode::kConflict || attempt == 4) {
      return stored.status();
    }
  }
}

Result<std::vector<ApiKeyRecord>> ApiKeys::list() {
  return catalog_->api_keys();
}

Result<ApiKeyRecord> ApiKeys::revoke(std::string_view prefix) {
  auto revoked = catalog_->revoke_api_key(prefix);
  std::lock_guard lock(mu_);
  cache_.erase(std::string(prefix));
  return revoked;
}

Result<ApiKeyRecord> ApiKeys::authenticate(std::string_view key) {
  const std::string prefix = prefix_of(key);
  if (prefix.empty()) {
    return unauthenticated_error("malformed API key");
  }
  const std::int64_t now = now_ms();
  ApiKeyRecord record;
  bool cached = false;
  if (options_.cache_ms > 0) {
    std::lock_guard lock(mu_);
    const auto it = cache_.find(prefix);
    if (it != cache_.end() && it->second.until_ms > now) {
      record = it->second.record;
      cached = true;
    }
  }
  if (!cached) {
    auto found = catalog_->find_api_key(prefix);
    if (!found.ok()) {
      if (found.status().code() == ErrorCode::kNotFound) {
        return unauthenticated_error("unknown API key " + prefix);
      }
      return found.status();
    }
    record = std::move(found).value();
    if (options_.cache_ms > 0) {
      std::lock_guard lock(mu_);
      // Bounded: a flood of made-up prefixes never reaches here (unknown
      // ones are not cached), and real keys are few.
      if (cache_.size() > 10000) cache_.clear();
      cache_[prefix] = Cached{record, now + options_.cache_ms};
    }
  }
  if (!constant_time_equal(key_hash(key), record.secret_hash)) {
    return unauthenticated_error("invalid API key " + prefix);
  }
  if (record.revoked_ms) {
    return unauthenticated_error("API key " + prefix + " was revoked");
  }
  return record;
}

Result<ApiKeyRecord> ApiKeys::authorize(std::string_view key, ApiScope needed) {
  IMAGEBANK_ASSIGN_OR_RETURN(ApiKeyRecord record, authenticate(key));
  if (!api_scopes_allow(record.scopes, needed)) {
    return permission_denied_error(
        "API key " + record.prefix + " (" + api_scopes_text(record.scopes) +
        ") lacks the " + std::string(api_scope_name(needed)) + " scope");
  }
  return record;
}

}  // namespace imagebank
