// What every session shares: the options, the routes, the worker pool and
// the metrics. Owned by Server; outlives every session.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>

#include "connections.hpp"
#include "cors.hpp"
#include "http_metrics.hpp"
#include "options.hpp"
#include "router.hpp"
#include "worker_pool.hpp"

namespace imagebank::server {

struct ServerContext {
  const ServerOptions& options;
  const Router& router;
  const Cors& cors;
  WorkerPool& workers;
  HttpMetrics& metrics;
  Connections& connections;
  std::filesystem::path upload_dir;
  std::atomic<std::uint64_t> upload_serial{0};
};

}  // namespace imagebank::server
