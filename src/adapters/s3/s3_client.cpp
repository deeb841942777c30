#include "adapters/s3/s3_client.hpp"

#include <chrono>
#include <thread>

#include "adapters/s3/crypto.hpp"
#include "adapters/s3/xml.hpp"

namespace imagebank::s3 {

Result<std::unique_ptr<S3Client>> S3Client::create(const S3Config& config) {
  std::unique_ptr<S3Client> client(new S3Client(config));
  client->connect_endpoint_ = config.endpoint;
  if (!config.path_style) {
    client->connect_endpoint_.host = config.bucket + "." + config.endpoint.host;
  }
  IMAGEBANK_ASSIGN_OR_RETURN(
      client->http_,
      http::HttpClient::create(client->connect_endpoint_, config.http));
  return client;
}

std::string S3Client::uri_of(std::string_view full_key) const {
  std::string out = "s3://" + config_.bucket;
  if (!full_key.empty()) {
    out.push_back('/');
    out += full_key;
  }
  return out;
}

http::HttpRequest S3Client::build(const S3Call& call,
                                  const std::string& payload_hash) const {
  std::string path;
  if (config_.path_style) {
    path = "/" + config_.bucket;
    if (!call.key.empty()) path += "/" + call.key;
  } else {
    path = "/" + call.key;
  }
  SigningInput input;
  input.method = call.method;
  input.canonical_uri = uri_encode(path, true);
  input.query = call.query;
  input.headers = call.headers;
  input.headers.emplace_back("host", http::host_header(connect_endpoint_));
  const auto now = std::chrono::system_clock::now();
  const std::string amz_date = amz_date_from_unix(
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch())
          .count());
  input.headers.emplace_back("x-amz-date", amz_date);
  input.headers.emplace_back("x-amz-content-sha256", payload_hash);
  if (!config_.credentials.session_token.empty()) {
    input.headers.emplace_back("x-amz-security-token",
                               config_.credentials.session_token);
  }
  input.payload_hash = payload_hash;
  SigningScope scope{config_.credentials.access_key_id,
                     config_.credentials.secret_access_key, config_.region,
                     "s3", amz_date};
  const Signature sig = sign_v4(input, scope);

  http::HttpRequest request;
  request.method = call.method;
  request.target = input.canonical_uri;
  const std::string query = canonical_query_string(call.query);
  if (!query.empty()) request.target += "?" + query;
  for (auto& header : input.headers) {
    // The HTTP client writes Host itself, from the same endpoint.
    if (header.first != "host") request.headers.push_back(std::move(header));
  }
  request.headers.emplace_back("Authorization", sig.authorization);
  request.body = call.body;
  return request;
}

Result<http::HttpResponse> S3Client::call(
    S3Call& call, std::string_view what, const http::ResponseSink* sink,
    std::size_t max_body, const std::function<void(S3Call&)>& before_retry) {
  std::string payload_hash = call.payload_hash;
  if (call.body == nullptr) {
    payload_hash = std::string(kEmptyPayloadSha256);
  } else if (payload_hash.empty()) {
    if (call.unsigned_payload_ok && tls()) {
      payload_hash = std::string(kUnsignedPayload);
    } else {
      IMAGEBANK_ASSIGN_OR_RETURN(payload_hash, sha256_of(*call.body));
    }
  }

  // The sink's own errors end the call as they are; bytes it has accepted
  // cannot be taken back, so only a caller that can resume (before_retry)
  // gets a retry after some were delivered.
  bool sink_failed = false;
  std::uint64_t delivered = 0;
  http::ResponseSink wrapped;
  if (sink != nullptr) {
    if (sink->on_head) {
      wrapped.on_head = [&](const http::HttpResponse& head) {
        Status s = sink->on_head(head);
        if (!s.ok()) sink_failed = true;
        return s;
      };
    }
    wrapped.on_body = [&](std::span<const std::byte> bytes) {
      Status s = sink->on_body(bytes);
      if (!s.ok()) sink_failed = true;
      delivered += bytes.size();
      return s;
    };
  }

  const int attempts = std::max(1, config_.retry.max_attempts);
  std::string last_reason;
  int made = 0;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    made = attempt;
    if (attempt > 1) {
      std::this_thread::sleep_for(backoff_delay(config_.retry, attempt - 1));
      if (before_retry) before_retry(call);
    }
    const http::HttpRequest request = build(call, payload_hash);
    Result<http::HttpResponse> response = http_->send(
        request, sink ? &wrapped : nullptr, sink ? kMaxErrorBody : max_body);
    if (!response.ok()) {
      if (sink_failed) return std::move(response).status();
      // Only failures in transit are worth another attempt; a bad TLS
      // certificate or a garbled answer will not fix itself.
      if (response.status().code() != ErrorCode::kUnavailable) {
        return response.status().with_context(what);
      }
      last_reason = response.status().message();
      if (delivered > 0 && !before_retry) break;
      continue;
    }
    if (response->status / 100 == 2) return response;
    const S3ErrorBody error = parse_error_body(response->body);
    if (!is_retryable_answer(response->status, error.code)) return response;
    last_reason = "the server answered " + std::to_string(response->status) +
                  (error.code.empty() ? std::string() : " " + error.code);
  }
  return unavailable_error(std::string(what) + ": gave up after " +
                           std::to_string(made) + " attempt" +
                           (made == 1 ? "" : "s") + ": " + last_reason);
}

Status S3Client::error_status(const http::HttpResponse& response,
                              std::string_view what) const {
  const S3ErrorBody error = parse_error_body(response.body);
  std::string detail = "HTTP " + std::to_string(response.status);
  if (!error.code.empty()) detail += " " + error.code;
  if (!error.message.empty()) detail += ": " + error.message;
  const std::string head = std::string(what) + ": ";
  switch (response.status) {
    case 404:
      return not_found_error(head + "not found (" + detail + ")");
    case 401:
    case 403:
      return io_error(head + "refused by the server (" + detail +
                      "); check the credentials, the region and the "
                      "bucket's policy");
    case 416:
      return invalid_argument_error(
          head + "the range starts past the end of the object (" + detail +
          ")");
    case 409:
    case 412:
      return conflict_error(head + detail);
    default:
      return io_error(head + "the server refused the request (" + detail + ")");
  }
}

}  // namespace imagebank::s3
