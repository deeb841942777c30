#include "http_metrics.hpp"

#include <array>
#include <string>

namespace imagebank::server {

HttpMetrics::HttpMetrics(MetricsRegistry& registry)
    : requests_(registry.counter("imagebank_http_requests_total",
                                 "HTTP requests answered",
                                 {"route", "method", "status"})),
      duration_(registry.histogram(
          "imagebank_http_request_duration_seconds",
          "From the first byte of a request to the last of its response",
          {"route"})),
      bytes_(registry.counter("imagebank_http_response_bytes_total",
                              "Response bytes written (headers and body)",
                              {"route"})),
      connections_(registry.gauge("imagebank_http_connections_in_flight",
                                  "Open client connections")),
      rejected_(registry.counter(
          "imagebank_http_connections_rejected_total",
          "Connections refused because --max-connections were open")) {
  connections_.set({}, 0);
  rejected_.add({}, 0);
}

void HttpMetrics::record(std::string_view route, std::string_view method,
                         int status, double seconds,
                         std::uint64_t response_bytes) {
  const std::string route_label(route.empty() ? "none" : route);
  requests_.add(
      {route_label, std::string(method_label(method)), std::to_string(status)});
  duration_.observe({route_label}, seconds);
  bytes_.add({route_label}, static_cast<double>(response_bytes));
}

std::string_view method_label(std::string_view method) noexcept {
  static constexpr auto kMethods = std::to_array<std::string_view>(
      {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"});
  for (auto m : kMethods) {
    if (m == method) return m;
  }
  return "OTHER";
}

}  // namespace imagebank::server
