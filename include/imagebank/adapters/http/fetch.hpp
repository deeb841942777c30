// The URL fetcher: GET an image by its URL for a URL-list batch, on the
// shared HTTP client, safely.
//
// - Only http and https URLs; no user info in them.
// - SSRF-safe: each host is resolved once, every address it resolved to is
//   checked with the AddressPolicy (loopback, private, link-local — the
//   cloud metadata service at 169.254.169.254 —, multicast, unspecified and
//   reserved addresses are refused unless the host is allowed), and the
//   connection goes to an address that was checked, so a second DNS answer
//   cannot switch it (DNS rebinding). Every redirect is checked the same
//   way; more than max_redirects is refused.
// - The body is streamed and cut off past max_bytes (the connection is
//   dropped, the rest never read); a Content-Length above it is refused
//   before any byte. The Content-Type is not trusted: callers sniff bytes.
// - 429 and 5xx answers and failed connections are retried with full-jitter
//   backoff, waiting what Retry-After asks when it fits the deadline.
// - At most per_host exchanges at once per host:port and `global` overall,
//   across every thread using one fetcher.
//
// Errors (each message names the URL): invalid_argument (not a URL we
// fetch, a bad redirect), permission_denied (an address the policy
// refuses, or HTTP 403), not_found (404, 410), unauthenticated (401),
// rate_limited (429 after the retries), unavailable (5xx or the network
// after the retries), limit_exceeded (larger than max_bytes, too many
// redirects), deadline_exceeded (total_timeout), corrupt_data (an empty
// body or a broken answer).
//
// Threading: fetch() may be called from any number of threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/adapters/http/address_policy.hpp"
#include "imagebank/adapters/http/client.hpp"
#include "imagebank/adapters/http/endpoint.hpp"
#include "imagebank/adapters/http/retry.hpp"
#include "imagebank/catalog/image_fetcher.hpp"
#include "imagebank/core/result.hpp"

namespace imagebank::http {

// The longest URL accepted.
inline constexpr std::size_t kMaxUrlBytes = 2048;

// A URL split for the client: where to connect and what to ask for.
struct Url {
  Endpoint endpoint;
  std::string target;        // path and query, percent-encoded; "/" at least
  std::string text() const;  // "https://host[:port]/target"
};
// An absolute http or https URL. Spaces and bytes above 0x7F in the path
// and query are percent-encoded; the fragment is dropped. invalid_argument
// (naming the URL) for another scheme, user info, an empty or malformed
// host, a bad port, control characters, or more than kMaxUrlBytes.
Result<Url> parse_url(std::string_view text);
// A redirect's Location resolved against the URL that answered it
// (absolute, scheme-relative "//host/x", absolute path or relative path).
Result<Url> resolve_location(const Url& base, std::string_view location);

struct FetchOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds io_timeout{15000};     // each read or write
  std::chrono::milliseconds total_timeout{60000};  // the whole fetch
  std::uint64_t max_bytes = 50ull << 20;           // Limits::max_file_bytes
  int max_redirects = 5;
  RetryPolicy retry;  // attempts per URL, for 429, 5xx and the network
  // The longest Retry-After honoured (longer: the fetch fails rate_limited
  // and the job's own retry comes later).
  std::chrono::milliseconds max_retry_after{30000};
  AddressPolicy policy;
  std::size_t per_host = 2;  // exchanges at once per host:port, 1..64
  std::size_t global = 16;   // exchanges at once overall, 1..1024
  std::string user_agent = "imagebank";
  bool verify_tls = true;
  std::string ca_file;
  // Optional: replaces DNS (tests map "evil.test" to 10.0.0.5).
  std::function<Result<std::vector<IpAddress>>(const std::string& host)>
      resolve;
};

// invalid_argument naming the first option out of range.
Status validate(const FetchOptions& options);

struct Fetched {
  std::vector<std::byte> bytes;
  std::string url;           // where the bytes came from, after redirects
  std::string content_type;  // as the server said (not trusted)
  int redirects = 0;
  int attempts = 0;  // exchanges made, retries included
};

// The ImageFetcher of URL-list batches (catalog/image_fetcher.hpp).
class UrlFetcher final : public ImageFetcher {
 public:
  static Result<std::unique_ptr<UrlFetcher>> create(FetchOptions options);
  ~UrlFetcher() override;

  // The bytes at `url`, within total_timeout (and `deadline` when sooner).
  Result<Fetched> fetch(std::string_view url,
                        Clock::time_point deadline = Clock::time_point::max());

  // fetch() under the smaller of max_bytes and options().max_bytes.
  Result<FetchedImage> fetch_image(std::string_view url,
                                   std::uint64_t max_bytes) override;

  const FetchOptions& options() const noexcept;

 private:
  struct Impl;
  explicit UrlFetcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace imagebank::http
