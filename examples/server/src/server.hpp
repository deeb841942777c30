// Server: the io threads, the listener, the worker pool and the shutdown
// sequence.
//
// Each io thread runs an io_context of its own, and each connection lives
// on one of them (handed out in turn at accept): a connection's handlers
// never run concurrently without a strand, and the threads share no
// scheduler (no lock handed between them, no wake-ups of each other). The
// first context also holds the listener, the signals and the grace timer.
//
// Shutdown (SIGTERM or SIGINT, or stop()): the listener closes, idle
// connections close, requests in flight finish and their connections close
// after the response; run() returns once none is left, or when
// shutdown_grace has passed (then `abandoned` tells how many were cut).
// A second signal cuts them at once.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstddef>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "connections.hpp"
#include "cors.hpp"
#include "http_metrics.hpp"
#include "imagebank/core/status.hpp"
#include "listener.hpp"
#include "options.hpp"
#include "router.hpp"
#include "server_context.hpp"
#include "worker_pool.hpp"

namespace imagebank::server {

struct RunReport {
  // Connections still open when the grace period ran out.
  std::size_t abandoned = 0;
};

class Server {
 public:
  // `router` and `metrics` must outlive the server; routes are added before
  // listen().
  // `life` (when given) must outlive the server too: routes made before
  // it watch its `stopping`.
  Server(ServerOptions options, const Router& router, MetricsRegistry& metrics,
         Lifecycle* life = nullptr);
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  ~Server();

  // Binds the listening socket (the upload directory must exist).
  Status listen();
  // "http://127.0.0.1:8080" once listening.
  std::string url() const;
  // Serves until shut down; returns on the calling thread.
  RunReport run();
  // Starts the graceful shutdown (any thread).
  void stop();

 private:
  void begin_shutdown();
  void wait_for_signal();

  boost::asio::io_context& main_io() { return *ios_.front(); }
  void stop_io();

  // Destroyed bottom up: the workers join first (their tasks may hold
  // sessions), then the io_contexts drop their pending handlers (and the
  // sessions in them, which still reach the context above them).
  ServerOptions options_;
  Lifecycle own_life_;
  Cors cors_;
  HttpMetrics http_metrics_;
  Connections connections_;
  ServerContext context_;
  std::vector<std::unique_ptr<boost::asio::io_context>> ios_;
  // Keep the contexts' run() going while they have no connection.
  std::vector<
      boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>
      busy_;
  std::shared_ptr<Listener> listener_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer grace_;
  WorkerPool workers_;
  bool shutting_down_ = false;
  std::size_t abandoned_ = 0;
};

}  // namespace imagebank::server
