// Session, writing side: a Response onto the wire, then keep-alive or close.
#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/write.hpp>
#include <charconv>
#include <iostream>
#include <optional>
#include <string_view>
#include <utility>

#include "http_date.hpp"
#include "problem.hpp"
#include "session.hpp"

namespace imagebank::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;

namespace {

// After a refusal or the last response, how long and how much of what the
// client still sends is read and dropped before the socket is closed.
constexpr std::chrono::milliseconds kLingerTime{2000};
constexpr std::uint64_t kLingerBytes = 1 << 20;
// A refusal gets this long to reach the client.
constexpr std::chrono::milliseconds kRefusalWriteTime{5000};

// Headers the server owns: framing and connection management.
bool is_reserved(std::string_view name) {
  static constexpr auto kReserved = std::to_array<std::string_view>(
      {"Server", "Date", "Content-Length", "Transfer-Encoding", "Connection",
       "Keep-Alive"});
  for (auto r : kReserved) {
    if (beast::iequals(r, name)) return true;
  }
  return false;
}

bool status_has_no_body(int status) {
  return (status >= 100 && status < 200) || status == 204 || status == 304;
}

}  // namespace

void Session::respond(Result<Response> result) {
  if (!result.ok()) {
    respond(problem_response(result.status()));
    return;
  }
  Response response = std::move(result).value();
  auto* stream = std::get_if<StreamBody>(&response.body);
  if (stream && !pipe_ && !request_.is_head() &&
      !status_has_no_body(response.status)) {
    // A non-blocking route returned a stream: its producer needs a worker.
    auto pipe = std::make_shared<BodyPipe>();
    const bool queued =
        ctx_.workers.try_submit([pipe, produce = std::move(stream->produce)] {
          run_producer(produce, *pipe);
        });
    if (!queued) {
      Response busy = problem_response(503, "the server is busy; retry");
      busy.headers.set("Retry-After", "1");
      respond(std::move(busy));
      return;
    }
    pipe_ = std::move(pipe);
  }
  respond(std::move(response));
}

void Session::respond(Response response) {
  if (phase_ == Phase::kClosing) return;
  phase_ = Phase::kWriting;
  status_ = response.status;
  ctx_.cors.decorate(request_.headers, response.headers);
  if (shutdown_requested_ || ctx_.connections.shutting_down()) {
    keep_alive_ = false;
  }

  const bool no_body = status_has_no_body(response.status);
  const bool headers_only = no_body || request_.is_head();
  if (auto* text = std::get_if<std::string>(&response.body)) {
    body_ = std::move(*text);
    const std::size_t size = body_.size();
    if (headers_only) body_.clear();
    write_whole(response, no_body ? std::nullopt : std::optional(size), body_);
    return;
  }
  if (auto* shared = std::get_if<SharedBody>(&response.body)) {
    const std::size_t size = shared->bytes ? shared->bytes->size() : 0;
    std::string_view whole;
    if (!headers_only && size > 0) {
      shared_body_ = std::move(shared->bytes);
      whole = *shared_body_;
    }
    write_whole(response, no_body ? std::nullopt : std::optional(size), whole);
    return;
  }

  response_.emplace();
  ResponseMessage& message = *response_;
  message.version(version_);
  message.result(static_cast<unsigned>(response.status));
  for (const auto& [name, value] : response.headers.fields()) {
    if (!is_reserved(name)) message.insert(name, value);
  }
  message.set(http::field::server, "imagebank");
  message.set(http::field::date, http_date_now());

  auto& stream = std::get<StreamBody>(response.body);
  stream_length_ = stream.length;
  long_lived_ = stream.long_lived;
  if (no_body) {
  } else if (stream.length) {
    message.content_length(*stream.length);
  } else if (version_ >= 11) {
    message.chunked(true);
  } else {
    keep_alive_ = false;  // HTTP/1.0: the end of the body is the close
  }
  const bool streamed = !headers_only;
  message.keep_alive(keep_alive_);
  // Said even where it is the default (HTTP/1.0): clients and proxies
  // should not have to work it out.
  if (!keep_alive_) message.set(http::field::connection, "close");
  serializer_.emplace(message);
  arm_write_deadline();

  auto self = shared_from_this();
  if (pipe_ && !streamed) pipe_->cancel();
  http::async_write_header(stream_, *serializer_,
                           [self, streamed](ErrorCode ec, std::size_t n) {
                             if (!streamed || ec) {
                               self->on_response_written(ec, n);
                               return;
                             }
                             self->bytes_written_ += n;
                             self->pull_stream();
                           });
  if (streamed && long_lived_) watch_client();
}

// A body in memory: the header is written here, the way Beast's serializer
// writes it (status line, the fields in order, then Server, Date,
// Content-Length and Connection as message.keep_alive() leaves it), and
// goes out with the body in one gather write. Beast's serializer costs more
// than the rest of a small cached answer.
void Session::write_whole(const Response& response,
                          std::optional<std::size_t> content_length,
                          std::string_view body) {
  std::string& head = head_;
  head.clear();
  // A refusal (505) answers in the version asked, as Beast's serializer.
  head += "HTTP/";
  head += static_cast<char>('0' + version_ / 10 % 10);
  head += '.';
  head += static_cast<char>('0' + version_ % 10);
  head += ' ';
  char digits[16];
  const auto status_end =
      std::to_chars(digits, digits + sizeof digits, response.status).ptr;
  head.append(digits, status_end);
  head += ' ';
  head += http::obsolete_reason(
      http::int_to_status(static_cast<unsigned>(response.status)));
  head += "\r\n";
  for (const auto& [name, value] : response.headers.fields()) {
    if (is_reserved(name)) continue;
    head += name;
    head += ": ";
    head += value;
    head += "\r\n";
  }
  head += "Server: imagebank\r\nDate: ";
  head += http_date_now();
  head += "\r\n";
  if (content_length) {
    const auto end =
        std::to_chars(digits, digits + sizeof digits, *content_length).ptr;
    head += "Content-Length: ";
    head.append(digits, end);
    head += "\r\n";
  }
  // What Beast's keep_alive() leaves: HTTP/1.1 says only close, HTTP/1.0
  // says keep-alive; close is said even where it is the default.
  if (!keep_alive_) {
    head += "Connection: close\r\n";
  } else if (version_ < 11) {
    head += "Connection: keep-alive\r\n";
  }
  head += "\r\n";
  arm_write_deadline();
  const std::array<asio::const_buffer, 2> buffers{
      asio::buffer(head), asio::buffer(body.data(), body.size())};
  asio::async_write(stream_, buffers,
                    [self = shared_from_this()](ErrorCode ec, std::size_t n) {
                      self->on_response_written(ec, n);
                    });
}

// A long-lived stream has no overall deadline; each of its writes must
// still finish within request_timeout (a client that stops reading goes).
void Session::arm_write_deadline() {
  if (long_lived_) {
    stream_.expires_after(ctx_.options.request_timeout);
  } else {
    stream_.expires_at(deadline_);
  }
}

void Session::refuse(int status, std::string_view detail) {
  keep_alive_ = false;
  if (phase_ == Phase::kIdle || phase_ == Phase::kHeader) {
    started_ = std::chrono::steady_clock::now();
  }
  deadline_ = std::chrono::steady_clock::now() + kRefusalWriteTime;
  respond(problem_response(status, detail));
}

// A long-lived stream is only written to: the client closing its end is
// seen as the socket turning readable with nothing to read, and ends the
// stream (its producer's next probe fails) instead of waiting for a write.
void Session::watch_client() {
  stream_.socket().async_wait(
      asio::ip::tcp::socket::wait_read,
      [self = shared_from_this()](ErrorCode ec) {
        if (ec || !self->long_lived_ || self->phase_ != Phase::kWriting) {
          return;
        }
        ErrorCode e;
        if (self->stream_.socket().available(e) == 0 || e) {
          if (self->pipe_) self->pipe_->cancel();
          self->close_now();
        }
      });
}

void Session::on_response_written(ErrorCode ec, std::size_t n) {
  bytes_written_ += n;
  finish_exchange(ec);
}

void Session::pull_stream() {
  auto self = shared_from_this();
  pipe_->on_ready([self] {
    asio::post(self->stream_.get_executor(),
               [self] { self->on_stream_ready(); });
  });
}

void Session::on_stream_ready() {
  if (phase_ == Phase::kClosing) return;
  bool done = false;
  Status result;
  pipe_->take(body_, done, result);
  auto& body = response_->body();
  if (!body_.empty()) {
    streamed_ += body_.size();
    if (stream_length_ && streamed_ > *stream_length_) {
      std::cerr << "imagebank-server: " << request_.route
                << ": the body producer wrote more than its length\n";
      close_now();
      return;
    }
    body.data = body_.data();
    body.size = body_.size();
    body.more = true;
    arm_write_deadline();
    http::async_write(stream_, *serializer_,
                      [self = shared_from_this()](ErrorCode ec, std::size_t n) {
                        self->on_chunk_written(ec, n);
                      });
    return;
  }
  if (!done) {
    pull_stream();
    return;
  }
  if (!result.ok() || (stream_length_ && streamed_ != *stream_length_)) {
    // The status line is out: cutting the connection is the only way left
    // to tell the client the body is incomplete.
    std::cerr << "imagebank-server: " << request_.route << ": "
              << (result.ok() ? "the body producer wrote less than its length"
                              : result.to_string())
              << '\n';
    close_now();
    return;
  }
  body.data = nullptr;
  body.size = 0;
  body.more = false;
  http::async_write(stream_, *serializer_,
                    [self = shared_from_this()](ErrorCode ec, std::size_t n) {
                      self->on_response_written(ec, n);
                    });
}

void Session::on_chunk_written(ErrorCode ec, std::size_t n) {
  bytes_written_ += n;
  // Beast's way of saying the chunk is out and it wants the next one.
  if (ec == http::error::need_buffer) ec = {};
  if (ec) {
    close_now();
    return;
  }
  pull_stream();
}

void Session::finish_exchange(ErrorCode ec) {
  record_metrics();
  if (ec) {
    close_now();
    return;
  }
  if (!keep_alive_) {
    close_gracefully();
    return;
  }
  reset_request();
  first_request_ = false;
  await_request();
}

void Session::record_metrics() {
  if (recorded_ || status_ == 0) return;
  recorded_ = true;
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_)
          .count();
  ctx_.metrics.record(route_ ? std::string_view(route_->pattern) : "none",
                      request_.method, status_, seconds, bytes_written_);
}

void Session::reset_request() {
  if (pipe_) pipe_->cancel();
  pipe_.reset();
  request_ = Request{};
  route_ = nullptr;
  framing_ = Framing{};
  header_parser_.reset();
  text_parser_.reset();
  file_parser_.reset();
  upload_.reset();
  status_ = 0;
  recorded_ = false;
  serializer_.reset();
  response_.reset();
  body_.clear();
  body_.shrink_to_fit();
  shared_body_.reset();
  stream_length_.reset();
  long_lived_ = false;
  streamed_ = 0;
  bytes_written_ = 0;
}

void Session::close_gracefully() {
  phase_ = Phase::kClosing;
  upload_.reset();
  ErrorCode ec;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  if (ec) {
    close_now();
    return;
  }
  stream_.expires_after(kLingerTime);
  buffer_.clear();
  drain();
}

void Session::drain() {
  stream_.async_read_some(
      buffer_.prepare(16 * 1024),
      [self = shared_from_this()](ErrorCode ec, std::size_t n) {
        self->drained_ += n;
        if (ec || self->drained_ > kLingerBytes) {
          self->close_now();
          return;
        }
        self->drain();
      });
}

void Session::close_now() {
  record_metrics();
  phase_ = Phase::kClosing;
  if (pipe_) pipe_->cancel();
  upload_.reset();
  stream_.close();
}

}  // namespace imagebank::server
