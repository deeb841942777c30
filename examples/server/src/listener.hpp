// Listener: accepts connections and starts a Session for each, within
// --max-connections.
//
// Beyond the cap a connection is accepted and answered 503 with
// Retry-After, then closed, without reading its request: the client learns
// to come back instead of waiting in the kernel's backlog. Those answers are
// themselves bounded (kMaxRejecting at once, each given a short deadline);
// past that, or when accept() fails for lack of descriptors, connections
// are closed at once and accepting pauses briefly rather than spinning.
//
// Threading: start()/stop() from any thread; the accept loop runs on its
// own strand of the first io_context. Each session is started on the
// io_context it was given (server.hpp).
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <memory>
#include <string>
#include <vector>

#include "imagebank/core/result.hpp"
#include "server_context.hpp"
#include "session.hpp"

namespace imagebank::server {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  static constexpr std::size_t kMaxRejecting = 64;

  // Listens on the first of `ios`; connections go to each in turn.
  Listener(const std::vector<std::unique_ptr<boost::asio::io_context>>& ios,
           ServerContext& context);

  // Binds and listens on "host:port" ("[v6]:port"); port 0 picks one.
  Status open(std::string_view address);
  boost::asio::ip::tcp::endpoint local_endpoint() const;

  void start();
  void stop();

 private:
  void accept();
  void on_accept(boost::system::error_code ec, ConnectionSocket socket);
  void reject(ConnectionSocket socket);

  boost::asio::io_context& next_io();

  const std::vector<std::unique_ptr<boost::asio::io_context>>& ios_;
  std::size_t next_ = 0;  // on the strand
  ServerContext& ctx_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer pause_;
  std::shared_ptr<std::atomic<std::size_t>> rejecting_ =
      std::make_shared<std::atomic<std::size_t>>(0);
};

// "127.0.0.1:8080" / "[::1]:8080" -> endpoint; `invalid_argument` if not.
Result<boost::asio::ip::tcp::endpoint> parse_listen_address(
    std::string_view address);

}  // namespace imagebank::server
