// Signed image URLs: an <img src> that works without headers for a limited
// time. The signature is HMAC-SHA256 over the exact bytes of the URL's
// origin-form target up to "&sig=" ("/images/42?size=grid&exp=1767225600&
// kid=k1"), base64url without padding, so any change to the path, the query
// or the expiry breaks it. `sig` must be the last parameter; proxies that
// reorder query parameters break signed URLs.
//
// Several keys may verify at once (rotation): the first signs, all verify,
// each URL names its key with `kid`. Comparisons take constant time.
//
// Threading: a UrlSigner is immutable after create(); share it freely.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/core/result.hpp"
#include "imagebank/core/status.hpp"

namespace imagebank {

struct SigningKey {
  std::string id;      // 1..32 of [A-Za-z0-9_-]; travels in the URL as kid
  std::string secret;  // at least 32 bytes; never leaves the server
};

class UrlSigner {
 public:
  // invalid_argument for no keys, a bad id, a secret under 32 bytes or two
  // keys with one id.
  static Result<UrlSigner> create(std::vector<SigningKey> keys);

  // `target` with "exp=<expires_unix_s>&kid=<first key>&sig=<sig>" appended
  // ('?' or '&' as needed). invalid_argument for a target that is not
  // origin-form ("/..."), has a fragment, or already has exp, kid or sig.
  Result<std::string> sign(std::string_view target,
                           std::int64_t expires_unix_s) const;

  // OK when `target` (as received, percent-encoding untouched) carries a
  // valid signature that has not expired at `now_unix_s`.
  // unauthenticated: no signature, or exp/kid/sig missing or malformed;
  // permission_denied: unknown kid, wrong signature, or expired.
  Status verify(std::string_view target, std::int64_t now_unix_s) const;

  // The query without the signing parameters (exp, kid, sig), as the rest
  // of the server parses it: "size=grid".
  static std::string strip_signature(std::string_view query);

  const std::vector<SigningKey>& keys() const noexcept { return keys_; }

 private:
  explicit UrlSigner(std::vector<SigningKey> keys) : keys_(std::move(keys)) {}
  std::vector<SigningKey> keys_;
};

// HMAC-SHA256 of `message` under `key`, base64url without padding (43
// characters). For signed URLs and other tokens of the server.
std::string hmac_sha256_base64url(std::string_view key,
                                  std::string_view message);
// Constant-time equality of two strings of any length (the length itself is
// not secret).
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;
// base64url without padding.
std::string base64url(std::string_view bytes);

}  // namespace imagebank
