// What the remote providers (OpenAI, Gemini, Google Cloud Vision) share:
// the URI parameters every one takes, one HTTPS client per analyzer, the
// checks on the photo they are given, base64, and the mapping of HTTP
// answers to the error contract of imagebank/catalog/vision.hpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/vision/providers.hpp"
#include "imagebank/adapters/http/client.hpp"
#include "imagebank/adapters/http/endpoint.hpp"

namespace imagebank::vision {

// The longest answer body read (the JSON of one call).
inline constexpr std::size_t kMaxAnswerBytes = 8u << 20;

struct RemoteConfig {
  std::string provider;  // "openai"
  std::string model;     // the URI's, else the provider's default
  http::BaseUrl base;    // endpoint= (or the public service)
  bool custom_endpoint = false;
  std::string api_key;
  // timeout_ms= when given: caps VisionRequest::timeout.
  std::optional<std::chrono::milliseconds> timeout;
};

struct RemoteDefaults {
  std::string_view provider;
  std::string_view model;     // "" when the provider has none
  std::string_view endpoint;  // "https://api.openai.com"
  std::string_view key_env;   // "OPENAI_API_KEY"
};

// Consumes endpoint=, timeout_ms= and key_env= (and reads the key); the
// caller takes its own params and then calls refuse_unknown_params.
Result<RemoteConfig> remote_config(VisionUri& uri,
                                   const RemoteDefaults& defaults,
                                   const VisionOpenOptions& options);

// One analyzer's connection pool to its service.
class RemoteClient {
 public:
  static Result<std::unique_ptr<RemoteClient>> create(
      RemoteConfig config, const VisionOpenOptions& options);

  const RemoteConfig& config() const { return config_; }
  // "openai (gpt-4o-mini)", for messages.
  std::string who() const;

  // POSTs a JSON body to base path + `path` within the request's timeout.
  // Transport failures come back as the contract's codes (unavailable,
  // deadline_exceeded, ...) with messages naming the provider and `image`.
  Result<http::HttpResponse> post_json(std::string_view path,
                                       std::vector<http::NameValue> headers,
                                       std::string_view body,
                                       const VisionRequest& request,
                                       std::string_view image) const;

  // `message` with the API key blanked out (services echo keys in 401s).
  std::string redact(std::string message) const;
  // The same status (code, retry_after) with its message redacted.
  Status redact(const Status& status) const;

 private:
  RemoteClient(RemoteConfig config, std::unique_ptr<http::HttpClient> http)
      : config_(std::move(config)), http_(std::move(http)) {}
  RemoteConfig config_;
  std::unique_ptr<http::HttpClient> http_;
};

// The image's name for messages: "photo 'a.jpg'" (its sha256 when unnamed).
std::string image_label(const VisionImage& image);

// invalid_argument unless the photo is a JPEG whose declared size is at most
// kVisionMaxSide on each side (what prepare_vision_image makes).
Status check_prepared_image(const VisionImage& image, std::string_view who);

// At most ~300 bytes of a service's text (whole UTF-8 characters), with
// control characters as spaces.
std::string clip_message(std::string text);

std::string base64_encode(std::span<const std::uint8_t> bytes);

// "1s", "6m0s", "250ms", "1.5s", "2h3m" (the x-ratelimit-reset-* format);
// nullopt when malformed.
std::optional<std::chrono::milliseconds> parse_reset_duration(
    std::string_view text);
// A Google "30s" / "1.5s" duration (RetryInfo.retryDelay).
std::optional<std::chrono::milliseconds> parse_google_duration(
    std::string_view text);

// The delay a 429 asks for: Retry-After first (seconds or an HTTP date),
// else x-ratelimit-reset-requests / -tokens (the limit whose
// x-ratelimit-remaining-* is 0; the longest when none says so).
std::optional<std::chrono::milliseconds> retry_delay_from_headers(
    const http::HttpResponse& response,
    std::chrono::system_clock::time_point now);

// What a failed answer's body says, from the two shapes the providers use:
// OpenAI {"error": {"message", "type", "code"}} and Google {"error":
// {"code", "message", "status", "details": [...]}}.
struct ServiceError {
  std::string message;
  std::string code;    // OpenAI error.code / Google error.status
  std::string type;    // OpenAI error.type
  std::string reason;  // Google ErrorInfo.reason ("API_KEY_INVALID")
  std::optional<std::chrono::milliseconds> retry_delay;  // RetryInfo
  bool per_day_quota = false;  // a QuotaFailure quotaId with "PerDay"
};
ServiceError parse_service_error(std::string_view body);

// The Status of a non-2xx answer, per the contract: 400 invalid_argument
// (an invalid key is unauthenticated), 401 unauthenticated, 403
// permission_denied, 429 rate_limited (with the delay) or quota_exhausted,
// 408/5xx unavailable. `context` is "openai (gpt-4o-mini): photo 'a.jpg'".
Status answer_status(const http::HttpResponse& response,
                     const ServiceError& error, std::string_view context,
                     std::chrono::system_clock::time_point now);

// Lowercase for ASCII and the Latin-1 letters of Portuguese (UTF-8).
std::string lower_text(std::string_view text);
// Whitespace trimmed at both ends.
std::string_view trim(std::string_view text);

}  // namespace imagebank::vision
