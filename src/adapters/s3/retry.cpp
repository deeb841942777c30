#include "adapters/s3/retry.hpp"

#include <algorithm>
#include <random>

namespace imagebank::s3 {

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int attempt,
                                        double unit) {
  using std::chrono::milliseconds;
  const int shift = std::clamp(attempt - 1, 0, 30);
  const long long base = std::max<long long>(policy.base.count(), 0);
  const long long cap = std::max<long long>(policy.cap.count(), 0);
  // Saturating base * 2^shift.
  const long long ceiling =
      base > (cap >> shift) ? cap : std::min(cap, base << shift);
  const double u = std::clamp(unit, 0.0, 1.0);
  return milliseconds(static_cast<long long>(u * static_cast<double>(ceiling)));
}

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy,
                                        int attempt) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> dist(0.0, 1.0);
  return backoff_delay(policy, attempt, dist(rng));
}

bool is_retryable_answer(int http_status, std::string_view code) {
  if (http_status >= 500 || http_status == 429) return true;
  return code == "RequestTimeout" || code == "SlowDown" ||
         code == "InternalError" || code == "ServiceUnavailable" ||
         code == "ThrottlingException";
}

}  // namespace imagebank::s3
