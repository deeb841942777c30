#include "adapters/vision/remote.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>

#include "imagebank/adapters/http/retry.hpp"
#include "imagebank/image/probe.hpp"

namespace imagebank::vision {

namespace json = boost::json;
using std::chrono::milliseconds;

namespace {

constexpr milliseconds kMaxTimeout{24LL * 3600 * 1000};
constexpr milliseconds kConnectTimeout{10000};
// The longest piece of a service's error message kept in ours.
constexpr std::size_t kMaxServiceMessage = 300;

}  // namespace

std::string clip_message(std::string text) {
  if (text.size() > kMaxServiceMessage) {
    text.resize(kMaxServiceMessage);
    // Do not leave half a UTF-8 sequence at the end.
    while (!text.empty() &&
           (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80) {
      text.pop_back();
    }
    if (!text.empty() && static_cast<unsigned char>(text.back()) >= 0xC0) {
      text.pop_back();
    }
    text += "...";
  }
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return text;
}

namespace {

const json::value* member(const json::value& v, std::string_view key) {
  if (!v.is_object()) return nullptr;
  return v.as_object().if_contains(key);
}

std::string string_member(const json::value& v, std::string_view key) {
  const json::value* m = member(v, key);
  if (m == nullptr || !m->is_string()) return {};
  return std::string(m->as_string());
}

}  // namespace

Result<RemoteConfig> remote_config(VisionUri& uri,
                                   const RemoteDefaults& defaults,
                                   const VisionOpenOptions& options) {
  RemoteConfig config;
  config.provider = std::string(defaults.provider);
  config.model = uri.model.empty() ? std::string(defaults.model) : uri.model;
  const std::optional<std::string> endpoint = take_param(uri, "endpoint");
  config.custom_endpoint = endpoint.has_value();
  IMAGEBANK_ASSIGN_OR_RETURN(
      config.base,
      http::parse_base_url(endpoint.value_or(std::string(defaults.endpoint))));
  if (const auto t = take_param(uri, "timeout_ms")) {
    long long ms = 0;
    const auto [end, err] =
        std::from_chars(t->data(), t->data() + t->size(), ms);
    if (err != std::errc() || end != t->data() + t->size() || ms <= 0 ||
        ms > kMaxTimeout.count()) {
      return invalid_argument_error("timeout_ms '" + *t +
                                    "' is not a number of milliseconds in "
                                    "1..86400000");
    }
    config.timeout = milliseconds(ms);
  }
  IMAGEBANK_ASSIGN_OR_RETURN(config.api_key,
                             api_key(uri, defaults.key_env, options));
  for (char c : config.api_key) {
    // A key goes into a header: no line breaks or controls.
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return invalid_argument_error(uri.scheme +
                                    ": the API key has a control character");
    }
  }
  return config;
}

Result<std::unique_ptr<RemoteClient>> RemoteClient::create(
    RemoteConfig config, const VisionOpenOptions& options) {
  http::HttpClientOptions http_options;
  http_options.connect_timeout = kConnectTimeout;
  // Each call has its deadline (VisionRequest::timeout); a step never
  // outlasts it.
  http_options.io_timeout = kMaxTimeout;
  http_options.verify_tls = options.verify_tls;
  http_options.ca_file = options.ca_file;
  IMAGEBANK_ASSIGN_OR_RETURN(
      std::unique_ptr<http::HttpClient> http,
      http::HttpClient::create(config.base.endpoint, http_options));
  return std::unique_ptr<RemoteClient>(
      new RemoteClient(std::move(config), std::move(http)));
}

std::string RemoteClient::who() const {
  return config_.provider + " (" + config_.model + ")";
}

std::string RemoteClient::redact(std::string message) const {
  const std::string& key = config_.api_key;
  if (key.empty()) return message;
  for (std::size_t at = message.find(key); at != std::string::npos;
       at = message.find(key, at)) {
    message.replace(at, key.size(), "***");
  }
  return message;
}

Status RemoteClient::redact(const Status& status) const {
  Status out(status.code(), redact(status.message()));
  if (const auto delay = status.retry_after()) {
    out = out.with_retry_after(*delay);
  }
  return out;
}

Result<http::HttpResponse> RemoteClient::post_json(
    std::string_view path, std::vector<http::NameValue> headers,
    std::string_view body, const VisionRequest& request,
    std::string_view image) const {
  milliseconds timeout =
      std::clamp(request.timeout, milliseconds(1), kMaxTimeout);
  if (config_.timeout) timeout = std::min(timeout, *config_.timeout);
  headers.emplace_back("Content-Type", "application/json");
  headers.emplace_back("Accept", "application/json");
  headers.emplace_back("User-Agent", "imagebank");
  Result<http::HttpResponse> response = http_->send_text(
      "POST", config_.base.path + std::string(path), std::move(headers), body,
      kMaxAnswerBytes, http::Clock::now() + timeout);
  if (response.ok()) return response;
  const Status& s = response.status();
  const std::string context = who() + ": " + std::string(image);
  switch (s.code()) {
    case ErrorCode::kDeadlineExceeded:
      return deadline_exceeded_error(context + ": no answer within " +
                                     std::to_string(timeout.count()) + " ms (" +
                                     redact(s.message()) + ")");
    case ErrorCode::kCorruptData:
      return corrupt_data_error(context + ": " + redact(s.message()));
    default:
      // io_error (TLS verification and the like) included: this service
      // cannot be reached as configured; another provider may be.
      return unavailable_error(context + ": " + redact(s.message()));
  }
}

std::string image_label(const VisionImage& image) {
  if (!image.name.empty()) return "photo '" + image.name + "'";
  if (!image.sha256.empty()) return "photo " + image.sha256;
  return "photo <unnamed>";
}

Status check_prepared_image(const VisionImage& image, std::string_view who) {
  const std::string context = std::string(who) + ": " + image_label(image);
  if (image.jpeg.size() < 4 || image.jpeg[0] != 0xFF || image.jpeg[1] != 0xD8) {
    return invalid_argument_error(
        context + ": not a JPEG (prepare the photo with prepare_vision_image)");
  }
  auto info = probe(std::as_bytes(image.jpeg));
  if (!info.ok()) {
    return invalid_argument_error(
        context + ": the JPEG cannot be read: " + info.status().message());
  }
  if (info->format != Format::kJpeg) {
    return invalid_argument_error(context + ": not a JPEG");
  }
  if (info->width > static_cast<std::uint32_t>(kVisionMaxSide) ||
      info->height > static_cast<std::uint32_t>(kVisionMaxSide)) {
    return invalid_argument_error(
        context + ": " + std::to_string(info->width) + "x" +
        std::to_string(info->height) + " is larger than " +
        std::to_string(kVisionMaxSide) +
        " px on a side (prepare the photo with prepare_vision_image)");
  }
  return ok_status();
}

std::string base64_encode(std::span<const std::uint8_t> bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = (std::uint32_t{bytes[i]} << 16) |
                            (std::uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  if (i < bytes.size()) {
    std::uint32_t v = std::uint32_t{bytes[i]} << 16;
    if (i + 1 < bytes.size()) v |= std::uint32_t{bytes[i + 1]} << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::optional<milliseconds> parse_reset_duration(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  double total_ms = 0;
  while (!text.empty()) {
    std::size_t n = 0;
    while (n < text.size() &&
           ((text[n] >= '0' && text[n] <= '9') || text[n] == '.')) {
      ++n;
    }
    if (n == 0) return std::nullopt;
    double value = 0;
    const auto [end, err] =
        std::from_chars(text.data(), text.data() + n, value);
    if (err != std::errc() || end != text.data() + n) return std::nullopt;
    text.remove_prefix(n);
    double unit = 0;
    if (text.starts_with("ms")) {
      unit = 1;
      text.remove_prefix(2);
    } else if (text.starts_with("h")) {
      unit = 3600e3;
      text.remove_prefix(1);
    } else if (text.starts_with("m")) {
      unit = 60e3;
      text.remove_prefix(1);
    } else if (text.starts_with("s")) {
      unit = 1e3;
      text.remove_prefix(1);
    } else {
      return std::nullopt;
    }
    total_ms += value * unit;
  }
  if (!std::isfinite(total_ms) ||
      total_ms > static_cast<double>(kMaxTimeout.count())) {
    return kMaxTimeout;
  }
  return milliseconds(static_cast<long long>(std::ceil(total_ms)));
}

std::optional<milliseconds> parse_google_duration(std::string_view text) {
  text = trim(text);
  if (!text.ends_with('s') || text.ends_with("ms")) return std::nullopt;
  return parse_reset_duration(text);
}

std::optional<milliseconds> retry_delay_from_headers(
    const http::HttpResponse& response,
    std::chrono::system_clock::time_point now) {
  if (const std::string* v = response.header("retry-after")) {
    if (auto d = http::parse_retry_after(*v, now)) return d;
  }
  std::optional<milliseconds> exhausted;
  std::optional<milliseconds> longest;
  for (std::string_view kind : {"requests", "tokens"}) {
    const std::string* reset =
        response.header("x-ratelimit-reset-" + std::string(kind));
    if (reset == nullptr) continue;
    const auto d = parse_reset_duration(*reset);
    if (!d) continue;
    longest = longest ? std::max(*longest, *d) : *d;
    const std::string* remaining =
        response.header("x-ratelimit-remaining-" + std::string(kind));
    if (remaining != nullptr && trim(*remaining) == "0") {
      exhausted = exhausted ? std::max(*exhausted, *d) : *d;
    }
  }
  return exhausted ? exhausted : longest;
}

ServiceError parse_service_error(std::string_view body) {
  ServiceError out;
  json::error_code ec;
  const json::value doc = json::parse(body, ec);
  if (ec) {
    out.message = clip_message(std::string(trim(body)));
    return out;
  }
  // Some Google front ends answer with a list holding the error object.
  const json::value* root = &doc;
  if (doc.is_array() && !doc.as_array().empty()) root = &doc.as_array()[0];
  const json::value* error = member(*root, "error");
  if (error == nullptr) {
    out.message = clip_message(std::string(trim(body)));
    return out;
  }
  if (error->is_string()) {
    out.message = clip_message(std::string(error->as_string()));
    return out;
  }
  out.message = clip_message(string_member(*error, "message"));
  out.type = string_member(*error, "type");
  out.code = string_member(*error, "status");
  if (out.code.empty()) out.code = string_member(*error, "code");
  const json::value* details = member(*error, "details");
  if (details != nullptr && details->is_array()) {
    for (const json::value& d : details->as_array()) {
      const std::string type = string_member(d, "@type");
      if (type.ends_with("google.rpc.RetryInfo")) {
        out.retry_delay = parse_google_duration(string_member(d, "retryDelay"));
      } else if (type.ends_with("google.rpc.ErrorInfo")) {
        out.reason = string_member(d, "reason");
      } else if (type.ends_with("google.rpc.QuotaFailure")) {
        const json::value* violations = member(d, "violations");
        if (violations == nullptr || !violations->is_array()) continue;
        for (const json::value& v : violations->as_array()) {
          const std::string id = string_member(v, "quotaId");
          const std::string metric = string_member(v, "quotaMetric");
          if (id.find("PerDay") != std::string::npos ||
              metric.find("per_day") != std::string::npos) {
            out.per_day_quota = true;
          }
        }
      }
    }
  }
  return out;
}

Status answer_status(const http::HttpResponse& response,
                     const ServiceError& error, std::string_view context,
                     std::chrono::system_clock::time_point now) {
  std::string detail = "HTTP " + std::to_string(response.status);
  if (!error.code.empty()) detail += " " + error.code;
  if (!error.message.empty()) detail += ": " + error.message;
  const std::string head = std::string(context) + ": ";
  const bool bad_key = error.reason == "API_KEY_INVALID" ||
                       error.code == "invalid_api_key" ||
                       error.code == "UNAUTHENTICATED";
  switch (response.status) {
    case 400:
      if (bad_key) {
        return unauthenticated_error(head + "the API key was refused (" +
                                     detail + ")");
      }
      return invalid_argument_error(head + "the service refused the request (" +
                                    detail + ")");
    case 401:
      return unauthenticated_error(head + "the API key was refused (" + detail +
                                   ")");
    case 403:
      return permission_denied_error(head + "the key may not do this (" +
                                     detail + ")");
    case 404:
      return invalid_argument_error(head + "no such model or endpoint (" +
                                    detail + ")");
    case 408:
      return unavailable_error(head + "the service timed out (" + detail + ")");
    case 429: {
      const bool quota = error.code == "insufficient_quota" ||
                         error.type == "insufficient_quota" ||
                         error.per_day_quota;
      if (quota) {
        return quota_exhausted_error(head + "the quota is used up (" + detail +
                                     ")");
      }
      Status s = rate_limited_error(head + "rate limited (" + detail + ")");
      std::optional<milliseconds> delay =
          retry_delay_from_headers(response, now);
      if (!delay) delay = error.retry_delay;
      return delay ? s.with_retry_after(*delay) : s;
    }
    default:
      break;
  }
  if (response.status >= 500) {
    Status s = unavailable_error(head + "the service failed (" + detail + ")");
    std::optional<milliseconds> delay = retry_delay_from_headers(response, now);
    if (!delay) delay = error.retry_delay;
    return delay ? s.with_retry_after(*delay) : s;
  }
  return invalid_argument_error(head + "unexpected answer (" + detail + ")");
}

std::string lower_text(std::string_view text) {
  std::string out(text);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto c = static_cast<unsigned char>(out[i]);
    if (c >= 'A' && c <= 'Z') {
      out[i] = static_cast<char>(c + 32);
    } else if (c == 0xC3 && i + 1 < out.size()) {
      // U+00C0..U+00DE (but U+00D7, the multiplication sign): À..Þ → à..þ.
      const auto next = static_cast<unsigned char>(out[i + 1]);
      if (next >= 0x80 && next <= 0x9E && next != 0x97) {
        out[i + 1] = static_cast<char>(next + 0x20);
      }
      ++i;
    }
  }
  return out;
}

std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const std::size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  const std::size_t last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

}  // namespace imagebank::vision
