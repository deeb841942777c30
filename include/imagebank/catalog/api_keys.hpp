// API keys of the server's HTTP API, as the catalog keeps them: a name for
// the audit trail, a public prefix that identifies the key, the SHA-256 of
// the whole key (the key itself is shown once, when made, and never stored)
// and its scopes. Making and checking keys is the serve module's
// (imagebank/serve/api_keys.hpp); the catalog only stores them.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/catalog/types.hpp"
#include "imagebank/core/result.hpp"

namespace imagebank {

// What a key may do. `admin` includes every other scope; every scope
// includes `read`.
enum class ApiScope : int { kRead, kUpload, kReview, kAdmin };

// "read", "upload", "review", "admin".
std::string_view api_scope_name(ApiScope scope) noexcept;
// invalid_argument naming the text for anything else.
Result<ApiScope> parse_api_scope(std::string_view name);
// A comma-separated list ("read,upload"; spaces ignored, duplicates merged,
// sorted); invalid_argument for an unknown or empty list.
Result<std::vector<ApiScope>> parse_api_scopes(std::string_view list);
// "read,upload": the form parse_api_scopes() reads.
std::string api_scopes_text(std::span<const ApiScope> scopes);
// Whether a key with `granted` scopes may do what needs `needed`.
bool api_scopes_allow(std::span<const ApiScope> granted,
                      ApiScope needed) noexcept;

struct ApiKeyRecord {
  RowId id = 0;
  std::string name;  // who holds it ("studio-sp"); 1..100 bytes of UTF-8
  // The key's public identifier ("ib_3f9a1c2e"): unique, safe to log.
  std::string prefix;
  std::string secret_hash;       // 64 lowercase hex digits: SHA-256 of the key
  std::vector<ApiScope> scopes;  // sorted, not empty
  std::int64_t created_ms = 0;
  std::optional<std::int64_t> revoked_ms;  // none = in force
  friend bool operator==(const ApiKeyRecord&, const ApiKeyRecord&) = default;
};

// invalid_argument when a record cannot be stored: bad name, prefix (3..32
// of [a-z0-9_]), hash or scopes.
Status validate_api_key_record(const ApiKeyRecord& key);

}  // namespace imagebank
