#include "server.hpp"

#include <boost/asio/post.hpp>
#include <csignal>
#include <sstream>
#include <thread>

namespace imagebank::server {

namespace asio = boost::asio;

namespace {

std::size_t io_thread_count(const ServerOptions& options) {
  if (options.io_threads > 0) return options.io_threads;
  const unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : cores;
}

std::vector<std::unique_ptr<asio::io_context>> make_contexts(
    std::size_t count) {
  std::vector<std::unique_ptr<asio::io_context>> ios;
  for (std::size_t i = 0; i < count; ++i) {
    // One thread runs each: the scheduler may skip waking other threads.
    ios.push_back(std::make_unique<asio::io_context>(1));
  }
  return ios;
}

}  // namespace

Server::Server(ServerOptions options, const Router& router,
               MetricsRegistry& metrics, Lifecycle* life)
    : options_(std::move(options)),
      cors_(options_.cors_origins),
      http_metrics_(metrics),
      context_{options_,
               router,
               cors_,
               workers_,
               http_metrics_,
               connections_,
               options_.upload_dir,
               life != nullptr ? *life : own_life_},
      ios_(make_contexts(io_thread_count(options_))),
      listener_(std::make_shared<Listener>(ios_, context_)),
      signals_(main_io(), SIGINT, SIGTERM),
      grace_(main_io()),
      workers_(options_.worker_threads, options_.worker_queue) {
  for (auto& io : ios_) busy_.push_back(asio::make_work_guard(*io));
}

Server::~Server() = default;

Status Server::listen() { return listener_->open(options_.listen); }

std::string Server::url() const {
  // Asio prints "127.0.0.1:8080" and "[::1]:8080".
  std::ostringstream out;
  out << "http://" << listener_->local_endpoint();
  return out.str();
}

void Server::stop() {
  asio::post(main_io(), [this] { begin_shutdown(); });
}

void Server::stop_io() {
  for (auto& io : ios_) io->stop();
}

void Server::wait_for_signal() {
  signals_.async_wait([this](boost::system::error_code ec, int) {
    if (ec) return;
    if (shutting_down_) {
      // Second signal: the operator does not want to wait.
      abandoned_ = connections_.count();
      stop_io();
      return;
    }
    begin_shutdown();
    wait_for_signal();
  });
}

void Server::begin_shutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  context_.life.stopping = true;
  listener_->stop();
  grace_.expires_after(options_.shutdown_grace);
  grace_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    abandoned_ = connections_.count();
    stop_io();
  });
  connections_.shutdown_all([this] {
    asio::post(main_io(), [this] {
      grace_.cancel();
      signals_.cancel();
      stop_io();
    });
  });
}

RunReport Server::run() {
  listener_->start();
  wait_for_signal();
  std::vector<std::thread> threads;
  threads.reserve(ios_.size() - 1);
  for (std::size_t i = 1; i < ios_.size(); ++i) {
    threads.emplace_back([io = ios_[i].get()] { io->run(); });
  }
  main_io().run();
  for (auto& t : threads) t.join();
  // Long-lived streams saw `stopping`; their threads reach the bank.
  const auto until = std::chrono::steady_clock::now() + options_.shutdown_grace;
  while (context_.life.live_streams.load() > 0 &&
         std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  abandoned_ += context_.life.live_streams.load();
  return RunReport{abandoned_};
}

}  // namespace imagebank::server
