// Retry helpers shared by the HTTP callers: full-jitter backoff and the
// Retry-After header. Which answers deserve another attempt is each
// caller's policy (S3's error codes, a vision service's 429 bodies).
//
// Part of the one HTTPS client the adapters share; not part of the Python
// API.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace imagebank::http {

struct RetryPolicy {
  int max_attempts = 4;
  std::chrono::milliseconds base{200};
  std::chrono::milliseconds cap{5000};
};

// The wait before attempt `attempt + 1` after `attempt` failed (attempt >=
// 1): uniform in [0, min(cap, base * 2^(attempt-1))] ("full jitter", so a
// crowd of clients does not retry in lockstep). `unit` is a number in
// [0, 1) from the caller's random source (tests pass fixed values).
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int attempt,
                                        double unit);
// Same, drawing `unit` from a per-thread generator.
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int attempt);

// A Retry-After value (RFC 9110): delta-seconds ("120") or an HTTP date
// ("Wed, 21 Oct 2015 07:28:00 GMT", read against `now`; a date in the past
// is 0). nullopt when it is neither. Delays are capped at one day.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);

// Seconds since the Unix epoch of an IMF-fixdate ("Sun, 06 Nov 1994
// 08:49:37 GMT"); nullopt when malformed.
std::optional<std::int64_t> parse_http_date(std::string_view text);

}  // namespace imagebank::http
