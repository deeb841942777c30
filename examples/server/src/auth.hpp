// Who may call what: Bearer API keys on /api/v1 by scope, and the three
// ways an image request is allowed (public images, a valid signed URL, a
// Bearer key with the read scope). The key itself is never logged or
// echoed; errors name at most its public prefix.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "http_types.hpp"
#include "imagebank/serve/api_keys.hpp"
#include "imagebank/serve/signed_url.hpp"
#include "options.hpp"
#include "verified_urls.hpp"

namespace imagebank::server {

class Auth {
 public:
  Auth(ApiKeys& keys, UrlSigner signer, ImageAccess access)
      : keys_(keys), signer_(std::move(signer)), access_(access) {}
  Auth(const Auth&) = delete;
  Auth& operator=(const Auth&) = delete;

  // The caller's key when its Authorization header carries a valid Bearer
  // key allowing `needed`. unauthenticated (401) without one or with a bad
  // one; permission_denied (403) for a key without the scope.
  Result<ApiKeyRecord> require(const Request& request, ApiScope needed);
  // OK when the image request may be served. A signed URL verified before
  // is not verified again (VerifiedUrls), only its expiry.
  Status allow_image(const Request& request);

  const UrlSigner& signer() const noexcept { return signer_; }
  ImageAccess access() const noexcept { return access_; }

 private:
  ApiKeys& keys_;
  UrlSigner signer_;
  ImageAccess access_;
  VerifiedUrls verified_{kVerifiedUrls};

  // Per generation: about 2 x 4096 x 200 bytes at most.
  static constexpr std::size_t kVerifiedUrls = 4096;
};

// The URL signing keys: IMAGEBANK_URL_KEYS="id:secret[,id:secret...]" (the
// first signs), else one random key for this process's life (URLs it signs
// then break on restart; the server says so on stderr).
Result<UrlSigner> url_signer_from_environment(bool* generated);

}  // namespace imagebank::server
