// What every session shares: the options, the routes, the worker pool and
// the metrics. Owned by Server; outlives every session.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>

#include "connections.hpp"
#include "cors.hpp"
#include "http_metrics.hpp"
#include "options.hpp"
#include "router.hpp"
#include "worker_pool.hpp"

namespace imagebank::server {

// What routes' long-lived work (event streams, ingest workers) watches:
// made before the routes, handed to the Server.
struct Lifecycle {
  // Set when the server begins to shut down: long-lived streams end.
  std::atomic<bool> stopping{false};
  // Producers of long-lived streams running on their own threads.
  std::atomic<std::size_t> live_streams{0};
  // How many may run at once; routes answer 503 beyond (a thread each).
  std::size_t max_streams = 64;
};

struct ServerContext {
  const ServerOptions& options;
  const Router& router;
  const Cors& cors;
  WorkerPool& workers;
  HttpMetrics& metrics;
  Connections& connections;
  std::filesystem::path upload_dir;
  Lifecycle& life;
  std::atomic<std::uint64_t> upload_serial{0};
};

}  // namespace imagebank::server
