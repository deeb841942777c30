#include "imagebank/adapters/http/client.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <limits>
#include <mutex>

namespace imagebank::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using boost::system::error_code;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t kChunkBytes = 256 * 1024;
constexpr std::uint32_t kMaxHeaderBytes = 64 * 1024;
// After a failed write the server may still have answered (a 403 sent
// before the body was read); it gets this long to show it.
constexpr std::chrono::milliseconds kLateAnswerWait{2000};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool is_ip_literal(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

const std::string* HttpResponse::header(std::string_view name) const {
  const std::string lower_name = lower(name);
  for (const auto& [n, value] : headers) {
    if (n.size() == lower_name.size() && lower(n) == lower_name) return &value;
  }
  return nullptr;
}

// One TCP (and maybe TLS) connection with its own io_context, driven
// synchronously: each asynchronous step runs the context to completion, so
// the tcp_stream's expiry timer bounds every step.
class HttpClient::Connection {
 public:
  Connection(const Endpoint& endpoint, const HttpClientOptions& options,
             asio::ssl::context* ssl)
      : endpoint_(endpoint), options_(options), ssl_(ssl) {}

  Status connect(Clock::time_point deadline);
  Status connect_to(std::vector<tcp::endpoint> targets,
                    Clock::time_point deadline);
  tcp::endpoint to_endpoint(const IpAddress& a) const;
  Result<std::vector<tcp::endpoint>> vetted(
      const std::vector<tcp::endpoint>& found) const;
  // `stale` is set when the failure looks like a kept-alive connection the
  // server had closed: nothing came back and it was not a timeout.
  // Also sets the call's deadline (a pooled connection serves many calls).
  Status exchange(const HttpRequest& request, const ResponseSink* sink,
                  std::size_t max_body, HttpResponse& out, bool& stale);

  bool keep_alive() const { return keep_alive_; }
  std::chrono::steady_clock::time_point idle_since;

 private:
  template <typename Stream>
  Status exchange_on(Stream& stream, const HttpRequest& request,
                     const ResponseSink* sink, std::size_t max_body,
                     HttpResponse& out, bool& stale);

  template <typename Start>
  error_code run(Start&& start) {
    error_code result = asio::error::would_block;
    std::forward<Start>(start)(
        [&result](error_code ec, auto&&...) { result = ec; });
    ioc_.restart();
    ioc_.run();
    return result;
  }

  Status transport_error(std::string_view what, const error_code& ec,
                         std::chrono::milliseconds timeout) const;
  // The sooner of now + `timeout` and the call's deadline.
  Clock::time_point step_end(std::chrono::milliseconds timeout) const {
    const auto now = Clock::now();
    return deadline_ - now < timeout ? deadline_ : now + timeout;
  }

  Clock::time_point deadline_ = Clock::time_point::max();
  Clock::time_point call_start_;

  Endpoint endpoint_;
  HttpClientOptions options_;
  asio::ssl::context* ssl_;
  asio::io_context ioc_;
  std::unique_ptr<beast::tcp_stream> plain_;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls_;
  beast::flat_buffer buffer_;
  std::vector<char> read_buf_ = std::vector<char>(64 * 1024);
  bool keep_alive_ = false;
};

Status HttpClient::Connection::transport_error(
    std::string_view what, const error_code& ec,
    std::chrono::milliseconds timeout) const {
  const std::string where =
      endpoint_string(endpoint_) + ": " + std::string(what);
  if (ec == beast::error::timeout || ec == asio::error::timed_out ||
      ec == asio::error::operation_aborted) {
    if (Clock::now() >= deadline_) {
      const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline_ - call_start_);
      return deadline_exceeded_error(where + ": no complete answer within " +
                                     std::to_string(took.count()) +
                                     " ms (the call's deadline)");
    }
    return unavailable_error(where + " timed out after " +
                             std::to_string(timeout.count()) + " ms");
  }
  if (ec.category() == asio::error::get_ssl_category()) {
    const auto reason = ERR_GET_REASON(static_cast<unsigned long>(ec.value()));
    if (reason == SSL_R_CERTIFICATE_VERIFY_FAILED) {
      return io_error(where + ": TLS certificate verification failed (" +
                      ec.message() + ")");
    }
    return io_error(where + ": TLS error: " + ec.message());
  }
  if (ec == asio::ssl::error::stream_truncated) {
    return unavailable_error(where + ": the TLS stream was cut");
  }
  if (ec.category() ==
          http::make_error_code(http::error::end_of_stream).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message) {
    return corrupt_data_error(where + ": malformed HTTP response (" +
                              ec.message() + ")");
  }
  return unavailable_error(where + " failed: " + ec.message());
}

Status HttpClient::Connection::connect(Clock::time_point call_deadline) {
  deadline_ = call_deadline;
  call_start_ = Clock::now();
  const auto deadline = step_end(options_.connect_timeout);
  if (options_.resolve) {
    IMAGEBANK_ASSIGN_OR_RETURN(std::vector<IpAddress> found,
                               options_.resolve(endpoint_.host));
    std::vector<tcp::endpoint> eps;
    for (const IpAddress& a : found) eps.push_back(to_endpoint(a));
    return connect_to(std::move(eps), deadline);
  }
  tcp::resolver resolver(ioc_);
  asio::steady_timer timer(ioc_);
  tcp::resolver::results_type results;
  error_code resolve_ec = asio::error::would_block;
  timer.expires_at(deadline);
  timer.async_wait([&resolver](error_code ec) {
    if (!ec) resolver.cancel();
  });
  resolver.async_resolve(endpoint_.host, std::to_string(endpoint_.port),
                         [&](error_code ec, tcp::resolver::results_type r) {
                           resolve_ec = ec;
                           results = std::move(r);
                           timer.cancel();
                         });
  ioc_.restart();
  ioc_.run();
  if (resolve_ec) {
    if (resolve_ec == asio::error::operation_aborted) {
      if (Clock::now() >= deadline_) {
        return transport_error("resolving the host", beast::error::timeout,
                               options_.connect_timeout);
      }
      return unavailable_error(
          endpoint_string(endpoint_) + ": resolving the host timed out after " +
          std::to_string(options_.connect_timeout.count()) + " ms");
    }
    return unavailable_error(
        endpoint_string(endpoint_) +
        ": cannot resolve the host: " + resolve_ec.message());
  }
  std::vector<tcp::endpoint> found;
  for (const auto& entry : results) found.push_back(entry.endpoint());
  return connect_to(std::move(found), deadline);
}

tcp::endpoint HttpClient::Connection::to_endpoint(const IpAddress& a) const {
  if (!a.v6) {
    asio::ip::address_v4::bytes_type b;
    std::copy_n(a.bytes.begin(), 4, b.begin());
    return {asio::ip::address_v4(b), endpoint_.port};
  }
  return {asio::ip::address_v6(a.bytes), endpoint_.port};
}

Result<std::vector<tcp::endpoint>> HttpClient::Connection::vetted(
    const std::vector<tcp::endpoint>& found) const {
  std::vector<IpAddress> addresses;
  for (const tcp::endpoint& ep : found) {
    IpAddress a;
    if (ep.address().is_v4()) {
      const auto b = ep.address().to_v4().to_bytes();
      std::copy(b.begin(), b.end(), a.bytes.begin());
    } else {
      a.v6 = true;
      a.bytes = ep.address().to_v6().to_bytes();
    }
    addresses.push_back(a);
  }
  IMAGEBANK_ASSIGN_OR_RETURN(addresses,
                             options_.vet(endpoint_, std::move(addresses)));
  std::vector<tcp::endpoint> out;
  for (const IpAddress& a : addresses) out.push_back(to_endpoint(a));
  if (out.empty()) {
    return unavailable_error(endpoint_string(endpoint_) +
                             ": no address to connect to");
  }
  return out;
}

Status HttpClient::Connection::connect_to(std::vector<tcp::endpoint> targets,
                                          Clock::time_point deadline) {
  if (targets.empty()) {
    return unavailable_error(endpoint_string(endpoint_) +
                             ": the host has no address");
  }
  if (options_.vet) {
    IMAGEBANK_ASSIGN_OR_RETURN(targets, vetted(targets));
  }

  auto tcp_stream = std::make_unique<beast::tcp_stream>(ioc_);
  tcp_stream->expires_at(deadline);
  error_code ec = run([&](auto handler) {
    tcp_stream->async_connect(targets, std::move(handler));
  });
  if (ec) return transport_error("connect", ec, options_.connect_timeout);
  tcp_stream->socket().set_option(tcp::no_delay(true), ec);

  if (!endpoint_.tls) {
    plain_ = std::move(tcp_stream);
    return ok_status();
  }
  tls_ = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(
      std::move(*tcp_stream), *ssl_);
  if (!is_ip_literal(endpoint_.host) &&
      !SSL_set_tlsext_host_name(tls_->native_handle(),
                                endpoint_.host.c_str())) {
    return io_error(endpoint_string(endpoint_) + ": cannot set TLS SNI");
  }
  if (options_.verify_tls) {
    tls_->set_verify_mode(asio::ssl::verify_peer);
    tls_->set_verify_callback(
        asio::ssl::host_name_verification(endpoint_.host));
  } else {
    tls_->set_verify_mode(asio::ssl::verify_none);
  }
  beast::get_lowest_layer(*tls_).expires_at(deadline);
  ec = run([&](auto handler) {
    tls_->async_handshake(asio::ssl::stream_base::client, std::move(handler));
  });
  if (ec) return transport_error("TLS handshake", ec, options_.connect_timeout);
  return ok_status();
}

Status HttpClient::Connection::exchange(const HttpRequest& request,
                                        const ResponseSink* sink,
                                        std::size_t max_body, HttpResponse& out,
                                        bool& stale) {
  keep_alive_ = false;
  stale = false;
  if (deadline_ != request.deadline) {
    deadline_ = request.deadline;
    call_start_ = Clock::now();
  }
  if (tls_) return exchange_on(*tls_, request, sink, max_body, out, stale);
  return exchange_on(*plain_, request, sink, max_body, out, stale);
}

template <typename Stream>
Status HttpClient::Connection::exchange_on(Stream& stream,
                                           const HttpRequest& request,
                                           const ResponseSink* sink,
                                           std::size_t max_body,
                                           HttpResponse& out, bool& stale) {
  auto& tcp_layer = beast::get_lowest_layer(stream);
  const auto io_timeout = options_.io_timeout;

  http::request<http::empty_body> req;
  req.version(11);
  req.method_string(request.method);
  req.target(request.target);
  req.set(http::field::host, host_header(endpoint_));
  for (const auto& [name, value] : request.headers) req.insert(name, value);
  std::uint64_t body_size = 0;
  if (request.body != nullptr) {
    IMAGEBANK_RETURN_IF_ERROR(request.body->rewind());
    body_size = request.body->size();
  }
  if (request.body != nullptr || request.method == "PUT" ||
      request.method == "POST") {
    req.set(http::field::content_length, std::to_string(body_size));
  }

  http::request_serializer<http::empty_body> serializer{req};
  tcp_layer.expires_at(step_end(io_timeout));
  error_code ec = run([&](auto handler) {
    http::async_write_header(stream, serializer, std::move(handler));
  });
  Status write_status;
  bool write_timed_out = false;
  if (ec) {
    write_status = transport_error("sending the request", ec, io_timeout);
    write_timed_out = ec == beast::error::timeout;
  } else if (request.body != nullptr) {
    std::vector<std::byte> chunk(static_cast<std::size_t>(
        std::min<std::uint64_t>(kChunkBytes, body_size)));
    std::uint64_t sent = 0;
    while (sent < body_size) {
      IMAGEBANK_ASSIGN_OR_RETURN(std::size_t n, request.body->read(chunk));
      if (n == 0) return io_error("the request body ended early");
      tcp_layer.expires_at(step_end(io_timeout));
      ec = run([&](auto handler) {
        asio::async_write(stream, asio::buffer(chunk.data(), n),
                          std::move(handler));
      });
      if (ec) {
        write_status =
            transport_error("sending the request body", ec, io_timeout);
        write_timed_out = ec == beast::error::timeout;
        break;
      }
      sent += n;
    }
  }

  http::response_parser<http::buffer_body> parser;
  parser.header_limit(kMaxHeaderBytes);
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  if (request.method == "HEAD") parser.skip(true);
  const auto header_timeout =
      write_status.ok() ? io_timeout : std::min(io_timeout, kLateAnswerWait);
  tcp_layer.expires_at(step_end(header_timeout));
  ec = run([&](auto handler) {
    http::async_read_header(stream, buffer_, parser, std::move(handler));
  });
  if (ec) {
    stale =
        !parser.got_some() && !write_timed_out && ec != beast::error::timeout;
    if (!write_status.ok()) return write_status;
    return transport_error("reading the response", ec, header_timeout);
  }
  stale = false;

  out.status = static_cast<int>(parser.get().result_int());
  for (const auto& field : parser.get()) {
    out.headers.emplace_back(lower(field.name_string()),
                             std::string(field.value()));
  }
  const bool success = out.status / 100 == 2;
  const bool to_sink = sink != nullptr && success;
  if (to_sink && sink->on_head) IMAGEBANK_RETURN_IF_ERROR(sink->on_head(out));
  while (!parser.is_done()) {
    parser.get().body().data = read_buf_.data();
    parser.get().body().size = read_buf_.size();
    tcp_layer.expires_at(step_end(io_timeout));
    ec = run([&](auto handler) {
      http::async_read(stream, buffer_, parser, std::move(handler));
    });
    if (ec == http::error::need_buffer) ec = {};
    const std::size_t n = read_buf_.size() - parser.get().body().size;
    if (n > 0) {
      if (to_sink) {
        IMAGEBANK_RETURN_IF_ERROR(sink->on_body(
            std::as_bytes(std::span<const char>(read_buf_.data(), n))));
      } else if (out.body.size() + n > max_body) {
        if (success) {
          return corrupt_data_error(endpoint_string(endpoint_) +
                                    ": the response body is larger "
                                    "than the " +
                                    std::to_string(max_body) +
                                    " bytes allowed");
        }
        // An error body only feeds a message: keep its head, drop the
        // connection rather than read the rest.
        out.body.append(read_buf_.data(), max_body - out.body.size());
        return ok_status();
      } else {
        out.body.append(read_buf_.data(), n);
      }
    }
    if (ec) return transport_error("reading the response body", ec, io_timeout);
  }
  keep_alive_ = write_status.ok() && parser.keep_alive();
  return ok_status();
}

struct HttpClient::Pool {
  std::mutex mu;
  std::vector<std::unique_ptr<Connection>> idle;
  std::unique_ptr<asio::ssl::context> ssl;
};

HttpClient::HttpClient(const Endpoint& endpoint,
                       const HttpClientOptions& options)
    : endpoint_(endpoint), options_(options), pool_(std::make_unique<Pool>()) {}

HttpClient::~HttpClient() = default;

Result<std::unique_ptr<HttpClient>> HttpClient::create(
    const Endpoint& endpoint, const HttpClientOptions& options) {
  std::unique_ptr<HttpClient> client(new HttpClient(endpoint, options));
  if (endpoint.tls) {
    try {
      auto ctx =
          std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
      ctx->set_options(
          asio::ssl::context::default_workarounds |
          asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
          asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
      if (!options.ca_file.empty()) {
        ctx->load_verify_file(options.ca_file);
      } else {
        ctx->set_default_verify_paths();
      }
      client->pool_->ssl = std::move(ctx);
    } catch (const boost::system::system_error& e) {
      return io_error(endpoint_string(endpoint) + ": cannot set up TLS" +
                      (options.ca_file.empty()
                           ? std::string()
                           : " with CA file '" + options.ca_file + "'") +
                      ": " + e.code().message());
    }
  }
  return client;
}

Result<HttpResponse> HttpClient::send(const HttpRequest& request,
                                      const ResponseSink* sink,
                                      std::size_t max_body) {
  // A timer that has already expired races with operations that complete
  // at once (a loopback connect): check the deadline before starting.
  if (Clock::now() >= request.deadline) {
    return deadline_exceeded_error(endpoint_string(endpoint_) + ": " +
                                   request.method +
                                   ": the call's deadline had passed before "
                                   "it started");
  }
  for (int round = 0; round < 2; ++round) {
    std::unique_ptr<Connection> conn;
    if (round == 0) {
      std::lock_guard lock(pool_->mu);
      const auto now = std::chrono::steady_clock::now();
      while (!pool_->idle.empty()) {
        std::unique_ptr<Connection> c = std::move(pool_->idle.back());
        pool_->idle.pop_back();
        if (now - c->idle_since < options_.idle_expiry) {
          conn = std::move(c);
          break;
        }
      }
    }
    const bool reused = conn != nullptr;
    if (!conn) {
      conn =
          std::make_unique<Connection>(endpoint_, options_, pool_->ssl.get());
      IMAGEBANK_RETURN_IF_ERROR(conn->connect(request.deadline));
    }
    HttpResponse response;
    bool stale = false;
    Status status = conn->exchange(request, sink, max_body, response, stale);
    if (status.ok()) {
      if (conn->keep_alive()) {
        conn->idle_since = std::chrono::steady_clock::now();
        std::lock_guard lock(pool_->mu);
        if (pool_->idle.size() < options_.max_idle_connections) {
          pool_->idle.push_back(std::move(conn));
        }
      }
      return response;
    }
    if (!(reused && stale) || Clock::now() >= request.deadline) return status;
    // The server closed the kept-alive connection before we used it: one
    // fresh connection, not a retry of the request's attempt budget.
  }
  return internal_error("unreachable");
}

Result<HttpResponse> HttpClient::send_text(std::string_view method,
                                           std::string_view target,
                                           std::vector<NameValue> headers,
                                           std::string_view body,
                                           std::size_t max_body,
                                           Clock::time_point deadline) {
  MemoryBody source(std::as_bytes(std::span(body.data(), body.size())));
  HttpRequest request;
  request.method = std::string(method);
  request.target = std::string(target);
  request.headers = std::move(headers);
  request.body = &source;
  request.deadline = deadline;
  return send(request, nullptr, max_body);
}

}  // namespace imagebank::http
