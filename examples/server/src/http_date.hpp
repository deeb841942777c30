// The Date header's format (RFC 9110 5.6.7 IMF-fixdate).
#pragma once

#include <chrono>
#include <string>

namespace imagebank::server {

// "Sun, 06 Nov 1994 08:49:37 GMT".
std::string http_date(std::chrono::system_clock::time_point when =
                          std::chrono::system_clock::now());

}  // namespace imagebank::server
