// The retry policy of S3 requests: which answers are worth another attempt,
// and how long to wait before it.
#pragma once

#include <chrono>
#include <string_view>

namespace imagebank::s3 {

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

// 5xx and 429 answers, and the S3 error codes that mean "try again"
// (some servers send them with a 400).
bool is_retryable_answer(int http_status, std::string_view s3_error_code);

}  // namespace imagebank::s3
