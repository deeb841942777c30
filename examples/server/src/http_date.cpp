#include "http_date.hpp"

namespace imagebank::server {

std::string http_date(std::chrono::system_clock::time_point when) {
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  // strftime's %a and %b follow the locale; the C locale is the only one
  // this program runs in (it never calls setlocale).
  char buffer[64];
  const std::size_t n =
      std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return std::string(buffer, n);
}

std::string_view HttpDateCache::at(std::chrono::system_clock::time_point when) {
  const auto floor = std::chrono::floor<std::chrono::seconds>(when);
  const auto second =
      static_cast<std::time_t>(floor.time_since_epoch().count());
  if (second != second_) {
    text_ = http_date(floor);
    second_ = second;
  }
  return text_;
}

std::string_view http_date_now() {
  thread_local HttpDateCache cache;
  return cache.at(std::chrono::system_clock::now());
}

}  // namespace imagebank::server
