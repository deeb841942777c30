#include "listener.hpp"

#include <array>
#include <boost/asio/post.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <charconv>

#include "http_date.hpp"
#include "problem.hpp"
#include "session.hpp"

namespace imagebank::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::chrono::milliseconds kRejectWriteTime{1000};
constexpr std::chrono::milliseconds kAcceptPause{50};

// The 503 of a connection over the cap: written, half-closed, closed.
class Rejection : public std::enable_shared_from_this<Rejection> {
 public:
  Rejection(tcp::socket socket,
            std::shared_ptr<std::atomic<std::size_t>> counter)
      : stream_(std::move(socket)), counter_(std::move(counter)) {}
  ~Rejection() { counter_->fetch_sub(1); }

  void start() {
    response_.result(http::status::service_unavailable);
    response_.set(http::field::server, "imagebank");
    response_.set(http::field::date, http_date());
    response_.set(http::field::content_type, kProblemContentType);
    response_.set(http::field::retry_after, "1");
    response_.body() =
        problem_json(503, "too many open connections; retry", "unavailable");
    response_.keep_alive(false);
    response_.prepare_payload();
    stream_.expires_after(kRejectWriteTime);
    http::async_write(
        stream_, response_,
        [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
          if (!ec) {
            self->stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
          }
          // The unread request makes close() send a reset;
          // a short read lets the client's request arrive
          // and its reader see the 503 first.
          self->drain();
        });
  }

 private:
  void drain() {
    stream_.async_read_some(
        asio::buffer(scratch_),
        [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
          if (!ec) self->drain();
        });
  }

  beast::tcp_stream stream_;
  http::response<http::string_body> response_;
  std::array<char, 4096> scratch_{};
  std::shared_ptr<std::atomic<std::size_t>> counter_;
};

}  // namespace

Result<tcp::endpoint> parse_listen_address(std::string_view address) {
  const auto colon = address.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return invalid_argument_error("--listen wants HOST:PORT, got '" +
                                  std::string(address) + "'");
  }
  std::string_view host = address.substr(0, colon);
  const std::string_view port_text = address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(
      port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() ||
      end != port_text.data() + port_text.size() || port > 65535) {
    return invalid_argument_error("--listen: bad port '" +
                                  std::string(port_text) + "'");
  }
  boost::system::error_code address_ec;
  const auto ip = asio::ip::make_address(std::string(host), address_ec);
  if (address_ec) {
    return invalid_argument_error("--listen: '" + std::string(host) +
                                  "' is not an IP address");
  }
  return tcp::endpoint(ip, static_cast<unsigned short>(port));
}

Listener::Listener(const std::vector<std::unique_ptr<asio::io_context>>& ios,
                   ServerContext& context)
    : ios_(ios),
      ctx_(context),
      strand_(asio::make_strand(*ios.front())),
      acceptor_(strand_),
      pause_(strand_) {}

asio::io_context& Listener::next_io() {
  asio::io_context& io = *ios_[next_];
  next_ = (next_ + 1) % ios_.size();
  return io;
}

Status Listener::open(std::string_view address) {
  auto endpoint = parse_listen_address(address);
  if (!endpoint.ok()) return endpoint.status();
  boost::system::error_code ec;
  acceptor_.open(endpoint->protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(*endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return unavailable_error("cannot listen on " + std::string(address) + ": " +
                             ec.message());
  }
  return ok_status();
}

tcp::endpoint Listener::local_endpoint() const {
  boost::system::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void Listener::start() {
  asio::post(strand_, [self = shared_from_this()] { self->accept(); });
}

void Listener::stop() {
  asio::post(strand_, [self = shared_from_this()] {
    boost::system::error_code ec;
    self->acceptor_.close(ec);
    self->pause_.cancel();
  });
}

void Listener::accept() {
  // Each connection lives on one io thread's context (the next in turn):
  // its handlers never run concurrently, different connections' do.
  acceptor_.async_accept(
      next_io(), [self = shared_from_this()](boost::system::error_code ec,
                                             ConnectionSocket socket) {
        self->on_accept(ec, std::move(socket));
      });
}

void Listener::on_accept(boost::system::error_code ec,
                         ConnectionSocket socket) {
  if (!acceptor_.is_open()) return;
  if (ec) {
    if (ec == asio::error::operation_aborted) return;
    // Out of descriptors or buffers: the pending connection stays in the
    // backlog; retrying at once would spin.
    if (ec == asio::error::no_descriptors ||
        ec == asio::error::no_buffer_space || ec == asio::error::no_memory ||
        ec.value() == ENFILE) {
      pause_.expires_after(kAcceptPause);
      pause_.async_wait(
          [self = shared_from_this()](boost::system::error_code wait_ec) {
            if (!wait_ec) self->accept();
          });
      return;
    }
    accept();
    return;
  }
  // Sessions are only removed elsewhere: the count can only have dropped
  // by the time try_add runs.
  if (ctx_.connections.count() >= ctx_.options.max_connections) {
    ctx_.metrics.connection_rejected();
    reject(std::move(socket));
    accept();
    return;
  }
  auto session = std::make_shared<Session>(std::move(socket), ctx_);
  ctx_.metrics.connection_opened();
  // Fails only when shutting down: the session closes as it goes.
  if (ctx_.connections.try_add(session, ctx_.options.max_connections)) {
    // Started on its own thread: nothing of it runs on two at once.
    auto executor = session->executor();
    asio::post(executor, [session = std::move(session)] { session->start(); });
  }
  accept();
}

void Listener::reject(ConnectionSocket socket) {
  if (rejecting_->load() >= kMaxRejecting) {
    boost::system::error_code ec;
    socket.close(ec);
    return;
  }
  rejecting_->fetch_add(1);
  auto executor = socket.get_executor();
  asio::post(executor,
             [rejection = std::make_shared<Rejection>(
                  std::move(socket), rejecting_)] { rejection->start(); });
}

}  // namespace imagebank::server
