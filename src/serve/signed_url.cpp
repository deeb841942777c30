#include "imagebank/serve/signed_url.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <charconv>
#include <set>

namespace imagebank {
namespace {

bool is_key_id(std::string_view id) {
  return !id.empty() && id.size() <= 32 &&
         std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  (c >= '0' && c <= '9') || c == '_' || c == '-';
         });
}

// The value of parameter `name` in `query` ("a=1&b=2"); nullopt if absent.
std::optional<std::string_view> param(std::string_view query,
                                      std::string_view name) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view item = query.substr(0, amp);
    const auto eq = item.find('=');
    if (item.substr(0, eq) == name) {
      return eq == std::string_view::npos ? std::string_view()
                                          : item.substr(eq + 1);
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

bool is_signing_param(std::string_view item) {
  const std::string_view name = item.substr(0, item.find('='));
  return name == "exp" || name == "kid" || name == "sig";
}

}  // namespace

std::string base64url(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    if (rest == 2) out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

std::string hmac_sha256_base64url(std::string_view key,
                                  std::string_view message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
       mac, &size);
  return base64url(std::string_view(reinterpret_cast<const char*>(mac), size));
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Result<UrlSigner> UrlSigner::create(std::vector<SigningKey> keys) {
  if (keys.empty()) {
    return invalid_argument_error("a URL signer needs at least one key");
  }
  std::set<std::string> ids;
  for (const SigningKey& key : keys) {
    if (!is_key_id(key.id)) {
      return invalid_argument_error("bad signing key id '" +
                                    key.id.substr(0, 40) +
                                    "' (1 to 32 of A-Z, a-z, 0-9, _ and -)");
    }
    if (key.secret.size() < 32) {
      return invalid_argument_error(
          "signing key '" + key.id + "' has a secret of " +
          std::to_string(key.secret.size()) + " bytes; at least 32 are needed");
    }
    if (!ids.insert(key.id).second) {
      return invalid_argument_error("two signing keys have the id '" + key.id +
                                    "'");
    }
  }
  return UrlSigner(std::move(keys));
}

Result<std::string> UrlSigner::sign(std::string_view target,
                                    std::int64_t expires_unix_s) const {
  if (target.empty() || target.front() != '/' ||
      target.find('#') != std::string_view::npos) {
    return invalid_argument_error(
        "a signed URL's target is a path with an optional query, not '" +
        std::string(target.substr(0, 80)) + "'");
  }
  const auto q = target.find('?');
  if (q != std::string_view::npos) {
    const std::string_view query = target.substr(q + 1);
    for (const char* name : {"exp", "kid", "sig"}) {
      if (param(query, name)) {
        return invalid_argument_error(std::string("the URL already has '") +
                                      name + "'");
      }
    }
  }
  std::string out(target);
  out += q == std::string_view::npos ? '?' : '&';
  if (out.back() == '&' && out[out.size() - 2] == '?') out.pop_back();
  out += "exp=" + std::to_string(expires_unix_s) + "&kid=" + keys_.front().id;
  const std::string sig = hmac_sha256_base64url(keys_.front().secret, out);
  out += "&sig=" + sig;
  return out;
}

Status UrlSigner::verify(std::string_view target,
                         std::int64_t now_unix_s) const {
  const auto q = target.find('?');
  const auto at = target.rfind("&sig=");
  if (q == std::string_view::npos || at == std::string_view::npos || at < q) {
    return unauthenticated_error("the URL is not signed (no sig parameter)");
  }
  const std::string_view signed_part = target.substr(0, at);
  const std::string_view sig = target.substr(at + 5);
  if (sig.size() != 43 || sig.find('&') != std::string_view::npos) {
    return unauthenticated_error(
        "malformed URL signature (sig must be last and 43 characters)");
  }
  const std::string_view query = signed_part.substr(q + 1);
  const auto exp = param(query, "exp");
  const auto kid = param(query, "kid");
  if (!exp || !kid) {
    return unauthenticated_error("a signed URL needs exp and kid");
  }
  std::int64_t expires = 0;
  const auto [end, ec] =
      std::from_chars(exp->data(), exp->data() + exp->size(), expires);
  if (ec != std::errc() || end != exp->data() + exp->size()) {
    return unauthenticated_error("malformed exp in a signed URL");
  }
  const auto key =
      std::find_if(keys_.begin(), keys_.end(),
                   [&](const SigningKey& k) { return k.id == *kid; });
  if (key == keys_.end()) {
    return permission_denied_error("the URL is signed with an unknown key '" +
                                   std::string(kid->substr(0, 32)) + "'");
  }
  if (!constant_time_equal(hmac_sha256_base64url(key->secret, signed_part),
                           sig)) {
    return permission_denied_error("the URL's signature does not match");
  }
  // After the signature: an attacker learns nothing from which came first.
  if (now_unix_s > expires) {
    return permission_denied_error("the signed URL expired at " +
                                   std::to_string(expires) + " (now " +
                                   std::to_string(now_unix_s) + ")");
  }
  return Status();
}

std::string UrlSigner::strip_signature(std::string_view query) {
  std::string out;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view item = query.substr(0, amp);
    if (!item.empty() && !is_signing_param(item)) {
      if (!out.empty()) out += '&';
      out += item;
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

}  // namespace imagebank
