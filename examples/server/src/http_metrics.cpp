#include "http_metrics.hpp"

#include <array>
#include <atomic>
#include <functional>

namespace imagebank::server {

namespace {

std::atomic<std::uint64_t> next_id{1};

// A direct-mapped cache per io thread: slot by hash, checked in full.
struct Slot {
  std::uint64_t owner = 0;  // HttpMetrics::id_; 0: empty
  const HttpMetrics::Cells* cells = nullptr;
};
constexpr std::size_t kSlots = 64;
thread_local std::array<Slot, kSlots> slots{};

std::size_t slot_of(std::string_view route, std::string_view method,
                    int status) {
  const std::size_t h =
      std::hash<std::string_view>()(route) ^
      (static_cast<std::size_t>(status) * 0x9e3779b97f4a7c15U) ^
      (method.size() * 0x85ebca6bU) ^
      static_cast<std::size_t>(method.empty() ? 0 : method[0]);
  return (h ^ (h >> 17)) % kSlots;
}

}  // namespace

HttpMetrics::HttpMetrics(MetricsRegistry& registry)
    : id_(next_id.fetch_add(1)),
      requests_(registry.counter("imagebank_http_requests_total",
                                 "HTTP requests answered",
                                 {"route", "method", "status"})),
      duration_(registry.histogram(
          "imagebank_http_request_duration_seconds",
          "From the first byte of a request to the last of its response",
          {"route"})),
      bytes_(registry.counter("imagebank_http_response_bytes_total",
                              "Response bytes written (headers and body)",
                              {"route"})),
      connections_(registry
                       .gauge("imagebank_http_connections_in_flight",
                              "Open client connections")
                       .cell({})),
      rejected_(registry
                    .counter("imagebank_http_connections_rejected_total",
                             "Connections refused because --max-connections "
                             "were open")
                    .cell({})) {}

HttpMetrics::~HttpMetrics() = default;

const HttpMetrics::Cells& HttpMetrics::cells(std::string_view route,
                                             std::string_view method,
                                             int status) {
  Slot& slot = slots[slot_of(route, method, status)];
  if (slot.owner == id_ && slot.cells->status == status &&
      slot.cells->method == method && slot.cells->route == route) {
    return *slot.cells;
  }
  std::string key(route);
  key += '\n';
  key += method;
  key += '\n';
  key += std::to_string(status);
  std::lock_guard lock(mu_);
  auto& found = cells_[key];
  if (!found) {
    auto made = std::make_unique<Cells>();
    made->route = std::string(route);
    made->method = method;
    made->status = status;
    made->requests = &requests_.cell(
        {made->route, std::string(method), std::to_string(status)});
    made->duration = &duration_.cell({made->route});
    made->bytes = &bytes_.cell({made->route});
    found = std::move(made);
  }
  slot = Slot{id_, found.get()};
  return *found;
}

void HttpMetrics::record(std::string_view route, std::string_view method,
                         int status, double seconds,
                         std::uint64_t response_bytes) {
  const Cells& c =
      cells(route.empty() ? "none" : route, method_label(method), status);
  c.requests->add();
  c.duration->observe(seconds);
  c.bytes->add(static_cast<double>(response_bytes));
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
