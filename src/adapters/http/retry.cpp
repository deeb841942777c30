#include "imagebank/adapters/http/retry.hpp"

#include <algorithm>
#include <charconv>
#include <random>

namespace imagebank::http {

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

namespace {

constexpr std::int64_t kMaxDelaySeconds = 24 * 3600;

// -1 unless text[at, at + n) is all digits.
int digits(std::string_view t, std::size_t at, std::size_t n) {
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (t[i] < '0' || t[i] > '9') return -1;
    v = v * 10 + (t[i] - '0');
  }
  return v;
}

}  // namespace

std::optional<std::int64_t> parse_http_date(std::string_view t) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr",
                                                 "May", "Jun", "Jul", "Aug",
                                                 "Sep", "Oct", "Nov", "Dec"};
  if (t.size() != 29 || t[3] != ',' || t[4] != ' ' || t[7] != ' ' ||
      t[11] != ' ' || t[16] != ' ' || t[19] != ':' || t[22] != ':' ||
      t.substr(25) != " GMT") {
    return std::nullopt;
  }
  int month = 0;
  for (int i = 0; i < 12; ++i) {
    if (t.substr(8, 3) == kMonths[i]) month = i + 1;
  }
  const int day = digits(t, 5, 2);
  const int year = digits(t, 12, 4);
  const int hh = digits(t, 17, 2);
  const int mm = digits(t, 20, 2);
  const int ss = digits(t, 23, 2);
  if (month == 0 || day < 1 || day > 31 || year < 0 || hh < 0 || hh > 23 ||
      mm < 0 || mm > 59 || ss < 0 || ss > 60) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{
      std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
      std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return std::nullopt;
  const std::int64_t days =
      std::chrono::sys_days(date).time_since_epoch().count();
  return days * 86400 + hh * 3600 + mm * 60 + ss;
}

std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
    value.remove_prefix(1);
  }
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
    value.remove_suffix(1);
  }
  if (value.empty()) return std::nullopt;
  if (value.front() >= '0' && value.front() <= '9') {
    std::int64_t seconds = 0;
    const auto [end, err] =
        std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (err == std::errc::result_out_of_range &&
        value.find_first_not_of("0123456789") == std::string_view::npos) {
      seconds = kMaxDelaySeconds;
    } else if (err != std::errc() || end != value.data() + value.size()) {
      return std::nullopt;
    }
    return std::chrono::seconds(std::min(seconds, kMaxDelaySeconds));
  }
  const std::optional<std::int64_t> at = parse_http_date(value);
  if (!at) return std::nullopt;
  const std::int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(
          now.time_since_epoch())
          .count();
  const std::int64_t delta = *at * 1000 - now_ms;
  return std::chrono::milliseconds(
      std::clamp<std::int64_t>(delta, 0, kMaxDelaySeconds * 1000));
}

}  // namespace imagebank::http
