// The routes every deployment has: liveness, readiness and metrics.
//
//   GET /api/v1/health  200 {"status":"ok"} while the process serves
//   GET /api/v1/ready   200 when the catalog and the storage answer, else
//                       503 (a load balancer stops sending traffic)
//   GET /metrics        Prometheus text (metrics.hpp)
#pragma once

#include "imagebank/bank/bank.hpp"
#include "metrics.hpp"
#include "router.hpp"

namespace imagebank::server {

// `bank` and `metrics` must outlive the router.
Status add_builtin_routes(Router& router, Bank& bank, MetricsRegistry& metrics);

}  // namespace imagebank::server
