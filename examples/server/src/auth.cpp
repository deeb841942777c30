#include "auth.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <random>

namespace imagebank::server {
namespace {

std::int64_t now_unix_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The key of "Authorization: Bearer <key>"; empty when absent. The scheme
// is case-insensitive (RFC 9110 §11.1).
std::string bearer(const Request& request) {
  const std::string* value = request.headers.find("Authorization");
  if (value == nullptr || value->size() < 7) return {};
  std::string scheme = value->substr(0, 7);
  for (char& c : scheme) c = static_cast<char>(std::tolower(c));
  if (scheme != "bearer ") return {};
  std::string key = value->substr(7);
  while (!key.empty() && key.front() == ' ') key.erase(key.begin());
  while (!key.empty() && key.back() == ' ') key.pop_back();
  return key;
}

bool is_b64url(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

Status check_signature_syntax(const Request& request) {
  if (const auto exp = request.query.find("exp")) {
    std::int64_t v = 0;
    const auto [end, ec] =
        std::from_chars(exp->data(), exp->data() + exp->size(), v);
    if (exp->empty() || ec != std::errc() || end != exp->data() + exp->size() ||
        v < 0) {
      return invalid_argument_error("malformed exp in an image URL");
    }
  }
  if (const auto kid = request.query.find("kid")) {
    if (kid->empty() || kid->size() > 32 || !is_b64url(*kid)) {
      return invalid_argument_error("malformed kid in an image URL");
    }
  }
  if (const auto sig = request.query.find("sig")) {
    if (sig->size() != 43 || !is_b64url(*sig)) {
      return invalid_argument_error("malformed sig in an image URL");
    }
  }
  return Status();
}

}  // namespace

Result<ApiKeyRecord> Auth::require(const Request& request, ApiScope needed) {
  const std::string key = bearer(request);
  if (key.empty()) {
    return unauthenticated_error(
        "this endpoint needs an API key: Authorization: Bearer <key>");
  }
  return keys_.authorize(key, needed);
}

Status Auth::allow_image(const Request& request) {
  if (access_ == ImageAccess::kPublic) {
    // Public images need no signature, but one that is there must be well
    // formed (a URL made for a signed deployment).
    return check_signature_syntax(request);
  }
  if (request.query.find("sig")) {
    const std::int64_t now = now_unix_s();
    if (const auto expires = verified_.find(request.target);
        expires && now <= *expires) {
      return Status();
    }
    Status verified = signer_.verify(request.target, now);
    if (verified.ok()) {
      // The signed exp (verify read the same first exp from the raw query;
      // a good signature means it is all digits, so decoding left it as is).
      const auto exp = request.query.find("exp");
      std::int64_t expires = 0;
      if (exp) {
        const auto [end, ec] =
            std::from_chars(exp->data(), exp->data() + exp->size(), expires);
        if (ec == std::errc() && end == exp->data() + exp->size()) {
          verified_.add(request.target, expires);
        }
      }
    }
    return verified;
  }
  if (!bearer(request).empty())
    return require(request, ApiScope::kRead).status();
  return unauthenticated_error(
      "images need a signed URL (the API's JSON gives them) or an API key");
}

Result<UrlSigner> url_signer_from_environment(bool* generated) {
  *generated = false;
  std::vector<SigningKey> keys;
  if (const char* env = std::getenv("IMAGEBANK_URL_KEYS"); env && *env) {
    std::string_view rest(env);
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const std::string_view item = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view()
                                             : rest.substr(comma + 1);
      const auto colon = item.find(':');
      if (colon == std::string_view::npos) {
        return invalid_argument_error(
            "IMAGEBANK_URL_KEYS: each key is id:secret");
      }
      keys.push_back({std::string(item.substr(0, colon)),
                      std::string(item.substr(colon + 1))});
    }
  } else {
    // libstdc++'s random_device reads the kernel's CSPRNG.
    std::random_device random;
    std::string secret;
    for (int i = 0; i < 8; ++i) {
      const unsigned v = random();
      secret.append(reinterpret_cast<const char*>(&v), sizeof v);
    }
    keys.push_back({"p" + std::to_string(::getpid()), base64url(secret)});
    *generated = true;
  }
  auto signer = UrlSigner::create(std::move(keys));
  if (!signer.ok()) return signer.status().with_context("IMAGEBANK_URL_KEYS");
  return signer;
}

}  // namespace imagebank::server
