#include "http_date.hpp"

#include <ctime>

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

}  // namespace imagebank::server
