// The server's own metric families, recorded once per request when its
// response is done. Labels stay bounded: `route` is the route's pattern
// ("none" when no route took the request: refusals, 404), `method` one of
// the standard methods or "OTHER".
//
// record() runs on the io threads for every request: a (route, method,
// status) seen before is found in a small per-thread table and counted with
// atomic adds (MetricCell), without a lock or a label string; the first
// time, its cells are made under a lock.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "metrics.hpp"

namespace imagebank::server {

class HttpMetrics {
 public:
  explicit HttpMetrics(MetricsRegistry& registry);
  HttpMetrics(const HttpMetrics&) = delete;
  HttpMetrics& operator=(const HttpMetrics&) = delete;
  ~HttpMetrics();

  void record(std::string_view route, std::string_view method, int status,
              double seconds, std::uint64_t response_bytes);
  void connection_opened() { connections_.add(1); }
  void connection_closed() { connections_.add(-1); }
  // A connection answered 503 at accept (--max-connections reached), or
  // closed at once when even that was too many.
  void connection_rejected() { rejected_.add(1); }

  // The cells of one (route, method, status).
  struct Cells {
    std::string route;
    std::string_view method;  // method_label()'s
    int status = 0;
    MetricCell* requests = nullptr;
    MetricCell* duration = nullptr;
    MetricCell* bytes = nullptr;
  };

 private:
  const Cells& cells(std::string_view route, std::string_view method,
                     int status);

  // Tells this instance's entries in the per-thread tables from those of
  // one destroyed before (never reused).
  const std::uint64_t id_;
  MetricFamily& requests_;
  MetricFamily& duration_;
  MetricFamily& bytes_;
  MetricCell& connections_;
  MetricCell& rejected_;
  std::mutex mu_;
  // Key: route + '\n' + method + '\n' + status.
  std::unordered_map<std::string, std::unique_ptr<Cells>> cells_;
};

// `method` if it is a standard one, else "OTHER".
std::string_view method_label(std::string_view method) noexcept;

}  // namespace imagebank::server
