// The Date header's format (RFC 9110 5.6.7 IMF-fixdate).
#pragma once

#include <chrono>
#include <ctime>
#include <string>
#include <string_view>

namespace imagebank::server {

// "Sun, 06 Nov 1994 08:49:37 GMT".
std::string http_date(std::chrono::system_clock::time_point when =
                          std::chrono::system_clock::now());

// http_date() formatted once per second: every response carries a Date,
// and the text changes once a second. Not thread-safe: one per thread
// (http_date_now() keeps one per thread).
class HttpDateCache {
 public:
  // The text of `when`'s second; valid until the next call.
  std::string_view at(std::chrono::system_clock::time_point when);

 private:
  std::time_t second_ = -1;
  std::string text_;
};

// The Date of a response sent now, from the calling thread's cache.
std::string_view http_date_now();

}  // namespace imagebank::server
