// The one HTTP/1.1 client the adapters share (S3, the vision providers, and
// later the URL fetcher): Boost.Beast, plain or TLS (OpenSSL), a timeout on
// every step, an optional deadline on the whole call, and a keep-alive
// connection pool. Public so that every adapter module can include it; not
// part of the Python API (docs/python.md).
//
// send() makes exactly one exchange (no retry: that is each caller's
// policy), except that a pooled connection the server had already closed is
// replaced once by a fresh one, transparently. Errors:
// - `unavailable`: the exchange failed in transit (refused, reset, a step
//   timed out, DNS); retrying may succeed.
// - `deadline_exceeded`: the request's deadline passed before the answer
//   was complete.
// - `io_error`: TLS certificate verification failed, or similar failures
//   that a retry will not fix.
// - `corrupt_data`: the server's answer is not valid HTTP, or a body is
//   larger than the caller allowed.
// - the sink's own error, unchanged, when the sink refuses a chunk.
// An HTTP error status (4xx, 5xx) is not an error here: it is the answer.
//
// Threading: send() may be called from any number of threads; each call
// owns one connection (and its io_context) for its duration.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "imagebank/adapters/http/address_policy.hpp"
#include "imagebank/adapters/http/body.hpp"
#include "imagebank/adapters/http/endpoint.hpp"
#include "imagebank/core/result.hpp"

namespace imagebank::http {

using NameValue = std::pair<std::string, std::string>;
using Clock = std::chrono::steady_clock;

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds io_timeout{30000};
  bool verify_tls = true;
  std::string ca_file;
  std::size_t max_idle_connections = 8;
  // Servers drop idle connections (MinIO after ~30 s, S3 after ~20 s); ours
  // are retired before that rather than found dead.
  std::chrono::milliseconds idle_expiry{15000};
  // Optional: replaces DNS for the host (tests map a name to an address).
  // Its errors end the call unchanged.
  std::function<Result<std::vector<IpAddress>>(const std::string& host)>
      resolve;
  // Optional: sees the addresses the host resolved to, once, before any
  // connection; connections go only to the addresses it returns (so a
  // second resolution cannot switch them), and its error ends the call
  // unchanged (the URL fetcher's address policy).
  std::function<Result<std::vector<IpAddress>>(const Endpoint& endpoint,
                                               std::vector<IpAddress> found)>
      vet;
};

struct HttpRequest {
  std::string method;              // "GET", "PUT", ...
  std::string target;              // "/bucket/key?a=b", already encoded
  std::vector<NameValue> headers;  // Host is added by the client
  BodySource* body = nullptr;      // rewound before sending
  // The whole call (connection, request, answer) ends by then, else
  // `deadline_exceeded`; each step is also bounded by the client's timeouts.
  Clock::time_point deadline = Clock::time_point::max();
};

struct HttpResponse {
  int status = 0;
  std::vector<NameValue> headers;  // names lowercased
  std::string body;                // unless it went to the sink
  // The value of a header, its name compared without case; nullptr when
  // absent.
  const std::string* header(std::string_view name) const;
};

using ChunkSink = std::function<Status(std::span<const std::byte>)>;

// Where a 2xx answer's body goes when it is streamed.
struct ResponseSink {
  // Optional: the status and headers, before the first byte of the body.
  std::function<Status(const HttpResponse& head)> on_head;
  ChunkSink on_body;
};

class HttpClient {
 public:
  static Result<std::unique_ptr<HttpClient>> create(
      const Endpoint& endpoint, const HttpClientOptions& options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // When `sink` is set and the answer is 2xx, the body is streamed to it;
  // its errors end the exchange and are returned unchanged;
  // otherwise it is collected in response.body, keeping at most `max_body`
  // bytes: more is corrupt_data for a 2xx answer, and is cut off for an
  // error answer (whose body only feeds a message).
  Result<HttpResponse> send(const HttpRequest& request,
                            const ResponseSink* sink, std::size_t max_body);

  // A request with a body in memory ("POST", JSON for instance): `target`
  // already encoded, `headers` besides Host and Content-Length. The answer's
  // body is collected (at most `max_body` bytes, as in send()).
  Result<HttpResponse> send_text(std::string_view method,
                                 std::string_view target,
                                 std::vector<NameValue> headers,
                                 std::string_view body, std::size_t max_body,
                                 Clock::time_point deadline);

  const Endpoint& endpoint() const { return endpoint_; }

 private:
  class Connection;
  struct Pool;
  HttpClient(const Endpoint& endpoint, const HttpClientOptions& options);

  Endpoint endpoint_;
  HttpClientOptions options_;
  std::unique_ptr<Pool> pool_;
};

}  // namespace imagebank::http
