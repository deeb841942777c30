// The server's own metric families, recorded once per request when its
// response is done. Labels stay bounded: `route` is the route's pattern
// ("none" when no route took the request: refusals, 404), `method` one of
// the standard methods or "OTHER".
#pragma once

#include <cstdint>
#include <string_view>

#include "metrics.hpp"

namespace imagebank::server {

class HttpMetrics {
 public:
  explicit HttpMetrics(MetricsRegistry& registry);

  void record(std::string_view route, std::string_view method, int status,
              double seconds, std::uint64_t response_bytes);
  void connection_opened() { connections_.add({}, 1); }
  void connection_closed() { connections_.add({}, -1); }
  // A connection answered 503 at accept (--max-connections reached), or
  // closed at once when even that was too many.
  void connection_rejected() { rejected_.add({}, 1); }

 private:
  MetricFamily& requests_;
  MetricFamily& duration_;
  MetricFamily& bytes_;
  MetricFamily& connections_;
  MetricFamily& rejected_;
};

// `method` if it is a standard one, else "OTHER".
std::string_view method_label(std::string_view method) noexcept;

}  // namespace imagebank::server
