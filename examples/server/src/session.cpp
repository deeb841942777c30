// Session, reading side: from the first byte of a request to its handler.
#include "session.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <cerrno>
#include <cstring>
#include <exception>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

#include "cors.hpp"
#include "problem.hpp"
#include "target.hpp"

namespace imagebank::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;

namespace {

// The most a single read asks for while the header is incomplete.
constexpr std::size_t kHeaderReadBytes = 4096;

bool is_http_error(const boost::system::error_code& ec) {
  return ec.category() ==
         http::make_error_code(http::error::end_of_stream).category();
}

std::string endpoint_text(const ConnectionSocket& socket) {
  boost::system::error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  std::ostringstream out;
  out << endpoint;
  return out.str();
}

Result<Response> invoke(const Route& route, Request& request) {
  try {
    return route.handler(request);
  } catch (const std::exception& e) {
    return internal_error(std::string("handler failed: ") + e.what());
  } catch (...) {
    return internal_error("handler failed");
  }
}

}  // namespace

Session::TempFile::~TempFile() {
  std::error_code ec;
  std::filesystem::remove(path, ec);
}

Session::Session(ConnectionSocket socket, ServerContext& context)
    : stream_(std::move(socket)), ctx_(context) {
  remote_ = endpoint_text(stream_.socket());
  boost::system::error_code ec;
  // Responses go out in one gather write; Nagle would only hold back the
  // last segment of each.
  stream_.socket().set_option(asio::ip::tcp::no_delay(true), ec);
}

Session::~Session() {
  if (pipe_) pipe_->cancel();
  ctx_.metrics.connection_closed();
  ctx_.connections.remove(this);
}

void Session::start() {
  // The first request's header is due header_timeout after accept: a
  // connection that never sends a byte is cut at the same deadline.
  stream_.expires_after(ctx_.options.header_timeout);
  read_header();
}

void Session::shutdown() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] {
    self->shutdown_requested_ = true;
    if (self->phase_ == Phase::kIdle || self->phase_ == Phase::kHeader) {
      self->close_now();
    }
  });
}

void Session::await_request() {
  phase_ = Phase::kIdle;
  if (shutdown_requested_) {
    close_now();
    return;
  }
  if (buffer_.size() > 0) {  // pipelined: the next request is here already
    begin_request();
    take_buffered_header();
    return;
  }
  stream_.expires_after(ctx_.options.idle_timeout);
  read_header();
}

void Session::begin_request() {
  phase_ = Phase::kHeader;
  started_ = std::chrono::steady_clock::now();
  deadline_ = started_ + ctx_.options.request_timeout;
  if (!first_request_) {
    stream_.expires_at(
        std::min(started_ + ctx_.options.header_timeout, deadline_));
  }
}

void Session::read_header() {
  const std::size_t room = kMaxHeaderBytes - buffer_.size();
  stream_.async_read_some(
      buffer_.prepare(std::min(room, kHeaderReadBytes)),
      [self = shared_from_this()](ErrorCode ec, std::size_t n) {
        self->on_header_bytes(ec, n);
      });
}

void Session::on_header_bytes(ErrorCode ec, std::size_t n) {
  if (ec) {
    // End of stream, reset, header deadline or shutdown: there is no
    // request to answer (a slowloris client gets nothing back).
    close_now();
    return;
  }
  buffer_.commit(n);
  if (phase_ == Phase::kIdle) begin_request();
  take_buffered_header();
}

void Session::take_buffered_header() {
  auto data = std::string_view(static_cast<const char*>(buffer_.data().data()),
                               buffer_.size());
  // RFC 9112 2.2: empty lines before a request-line are ignored (clients
  // send a CRLF after a POST body).
  std::size_t skip = 0;
  while (data.substr(skip, 2) == "\r\n") skip += 2;
  if (skip > 0) {
    buffer_.consume(skip);
    data.remove_prefix(skip);
  }
  const std::size_t block = header_block_size(data);
  if (block == 0) {
    if (data.size() >= kMaxHeaderBytes) {
      refuse(431, "the request header is larger than 16 KiB");
      return;
    }
    read_header();
    return;
  }
  if (block > kMaxHeaderBytes) {
    refuse(431, "the request header is larger than 16 KiB");
    return;
  }
  on_header(data.substr(0, block));
}

void Session::on_header(std::string_view block) {
  if (auto refusal = check_raw_header(block)) {
    refuse(refusal->status, refusal->detail);
    return;
  }
  header_parser_.emplace();
  header_parser_->eager(false);
  header_parser_->header_limit(static_cast<std::uint32_t>(kMaxHeaderBytes));
  // Lengths are judged against the route's limit below, once the route is
  // known; Beast's default (1 MB) would refuse uploads here.
  header_parser_->body_limit(boost::none);
  ErrorCode ec;
  const std::size_t used =
      header_parser_->put(asio::buffer(block.data(), block.size()), ec);
  if (ec == http::error::header_limit) {
    refuse(431, "the request header is larger than 16 KiB");
    return;
  }
  if (ec == http::error::bad_version) {
    refuse(505, "only HTTP/1.0 and HTTP/1.1 are served");
    return;
  }
  if (ec || !header_parser_->is_header_done()) {
    refuse(400, ec ? "malformed request header: " + ec.message()
                   : "malformed request header");
    return;
  }
  buffer_.consume(used);

  const auto& message = header_parser_->get();
  version_ = message.version();
  request_.method = std::string(message.method_string());
  request_.target = std::string(message.target());
  for (const auto& field : message) {
    request_.headers.add(std::string(field.name_string()),
                         std::string(field.value()));
  }
  request_.remote_address = remote_;
  keep_alive_ = message.keep_alive();
  if (version_ != 10 && version_ != 11) {
    refuse(505, "only HTTP/1.0 and HTTP/1.1 are served");
    return;
  }
  auto framing = check_framing(static_cast<int>(version_), request_.headers);
  if (const auto* refusal = std::get_if<Refusal>(&framing)) {
    refuse(refusal->status, refusal->detail);
    return;
  }
  framing_ = std::get<Framing>(framing);
  if (!route_request()) return;
  if (!has_body()) {
    dispatch();
    return;
  }
  if (!route_->options.before_body) {
    continue_with_body();
    return;
  }
  phase_ = Phase::kHandler;
  const bool queued = ctx_.workers.try_submit([self = shared_from_this()] {
    std::optional<Response> early;
    try {
      early = self->route_->options.before_body(self->request_);
    } catch (const std::exception& e) {
      early = problem_response(500, std::string("check failed: ") + e.what());
    }
    auto executor = self->stream_.get_executor();
    asio::post(executor, [self, early = std::move(early)]() mutable {
      if (early) {
        self->answer_early(std::move(*early));
      } else {
        self->continue_with_body();
      }
    });
  });
  if (!queued) {
    Response busy = problem_response(503, "the server is busy; retry");
    busy.headers.set("Retry-After", "1");
    answer_early(std::move(busy));
  }
}

void Session::answer_early(Response response) {
  keep_alive_ = keep_alive_ && !has_body();
  respond(std::move(response));
}

void Session::continue_with_body() {
  if (!framing_.expect_continue) {
    read_body();
    return;
  }
  // The header passed every check: only now is the client told to send.
  static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  stream_.expires_at(deadline_);
  asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                    [self = shared_from_this()](ErrorCode ec, std::size_t n) {
                      self->bytes_written_ += n;
                      if (ec) {
                        self->close_now();
                        return;
                      }
                      self->read_body();
                    });
}

// Target, CORS preflight, route and body limits; false when answered.
bool Session::route_request() {
  auto target = parse_target(request_.target);
  if (!target.ok()) {
    refuse(400, target.status().message());
    return false;
  }
  request_.path = std::move(target->path);
  request_.query = std::move(target->query);
  // An answer before the body is read keeps the connection only when there
  // is no body to skip.
  const auto answer_early = [this](Response response) {
    this->answer_early(std::move(response));
  };
  if (ctx_.cors.enabled() &&
      Cors::is_preflight(request_.method, request_.headers)) {
    const std::string allow = ctx_.router.allowed_methods(target->segments);
    if (allow.empty()) {
      answer_early(problem_response(404, "no such resource"));
    } else {
      answer_early(ctx_.cors.preflight(request_.headers, allow));
    }
    return false;
  }
  auto match = ctx_.router.match(request_.method, target->segments);
  if (match.kind == RouteMatch::Kind::kNotFound) {
    answer_early(problem_response(404, "no such resource: " + request_.path));
    return false;
  }
  if (match.kind == RouteMatch::Kind::kMethodNotAllowed) {
    Response response = problem_response(
        405, request_.method + " is not allowed on " + request_.path);
    response.headers.set("Allow", match.allow);
    answer_early(std::move(response));
    return false;
  }
  route_ = match.route;
  request_.route = route_->pattern;
  request_.path_params = std::move(match.path_params);

  const BodySpec& spec = route_->options.body;
  if (has_body() && spec.kind == BodyKind::kNone) {
    refuse(413, "this resource takes no request body");
    return false;
  }
  if (!framing_.chunked && framing_.content_length > spec.limit()) {
    refuse(413, "the request body is larger than " +
                    std::to_string(spec.limit()) + " bytes");
    return false;
  }
  return true;
}

void Session::read_body() {
  phase_ = Phase::kBody;
  stream_.expires_at(deadline_);
  const BodySpec& spec = route_->options.body;
  auto on_read = [self = shared_from_this()](ErrorCode ec, std::size_t) {
    self->on_body(ec);
  };
  if (spec.kind == BodyKind::kMemory) {
    text_parser_.emplace(std::move(*header_parser_));
    text_parser_->body_limit(spec.limit());
    header_parser_.reset();
    http::async_read(stream_, buffer_, *text_parser_, std::move(on_read));
    return;
  }
  // Beast reads as much as the buffer has room for (up to 64 KiB): the
  // header left it a few KiB, which would make a large upload thousands of
  // tiny reads (each re-arming the timer and epoll). Given back in on_body.
  buffer_.reserve(kBodyReadBytes);
  const auto serial = ctx_.upload_serial.fetch_add(1);
  upload_.emplace(ctx_.upload_dir / ("upload-" + std::to_string(serial)));
  file_parser_.emplace(std::move(*header_parser_));
  file_parser_->body_limit(spec.limit());
  header_parser_.reset();
  if (route_->options.body_timeout.count() > 0) {
    deadline_ = std::chrono::steady_clock::now() + route_->options.body_timeout;
    stream_.expires_at(deadline_);
  }
  std::error_code ec;
  file_parser_->get().body().open(upload_->path, ec);
  if (ec) {
    keep_alive_ = false;
    respond(problem_response(
        500, "cannot spool the request body: " + ec.message(), "io_error"));
    return;
  }
  http::async_read(stream_, buffer_, *file_parser_, std::move(on_read));
}

void Session::on_body(ErrorCode ec) {
  if (ec == http::error::body_limit) {
    refuse(413, "the request body is larger than " +
                    std::to_string(route_->options.body.limit()) + " bytes");
    return;
  }
  if (file_parser_ && file_parser_->get().body().write_error() != 0) {
    // The disk, not the client: say so (507 when it is full).
    const int err = file_parser_->get().body().write_error();
    file_parser_->get().body().close();
    file_parser_.reset();
    keep_alive_ = false;
    respond(problem_response(
        err == ENOSPC ? 507 : 500,
        std::string("cannot spool the request body: ") + std::strerror(err),
        err == ENOSPC ? "unavailable" : "io_error"));
    return;
  }
  if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
      (ec && !is_http_error(ec))) {
    if (file_parser_ && route_->options.keep_partial_body) {
      keep_partial_body();
      return;
    }
    close_now();  // the client left or the deadline passed
    return;
  }
  if (ec) {
    refuse(400, "malformed request body: " + ec.message());
    return;
  }
  if (text_parser_) {
    request_.body = std::move(text_parser_->get().body());
    text_parser_.reset();
  } else if (file_parser_) {
    auto& body = file_parser_->get().body();
    body.close();
    request_.body =
        UploadedFile{upload_->path, body.size(), body.finish_sha256(), true};
    file_parser_.reset();
    // An idle connection keeps a small buffer (pipelined bytes stay).
    buffer_.shrink_to_fit();
  }
  dispatch();
}

// The client left (or ran out of time) mid-body: what arrived goes to the
// handler, and the connection closes once it is done.
void Session::keep_partial_body() {
  auto& body = file_parser_->get().body();
  body.close();
  request_.body =
      UploadedFile{upload_->path, body.size(), body.finish_sha256(), false};
  file_parser_.reset();
  keep_alive_ = false;
  dispatch();
}

void Session::dispatch() {
  phase_ = Phase::kHandler;
  header_parser_.reset();
  if (!route_->options.blocking) {
    respond(invoke(*route_, request_));
    return;
  }
  if (route_->options.try_inline) {
    std::optional<Result<Response>> fast;
    try {
      fast = route_->options.try_inline(request_);
    } catch (const std::exception& e) {
      fast = Result<Response>(
          internal_error(std::string("handler failed: ") + e.what()));
    }
    if (fast) {
      respond(std::move(*fast));
      return;
    }
  }
  if (!ctx_.workers.try_submit([self = shared_from_this()]() mutable {
        run_on_worker(std::move(self));
      })) {
    Response busy = problem_response(503, "the server is busy; retry");
    busy.headers.set("Retry-After", "1");
    respond(std::move(busy));
  }
}

// On a worker: the handler, then a streamed body's producer. The session is
// handed back to its io thread before the producer runs, so only the pipe ties
// the two (the session cancels it if the client goes).
void Session::run_on_worker(std::shared_ptr<Session> self) {
  Result<Response> result = invoke(*self->route_, self->request_);
  std::shared_ptr<BodyPipe> pipe;
  BodyProducer producer;
  bool long_lived = false;
  if (result.ok() && !self->request_.is_head()) {
    if (auto* stream = std::get_if<StreamBody>(&result->body)) {
      pipe = std::make_shared<BodyPipe>();
      producer = std::move(stream->produce);
      long_lived = stream->long_lived;
    }
  }
  ServerContext& self_context = self->ctx_;
  // Counted before the session can answer: shutdown waits for it.
  if (producer && long_lived) ++self_context.life.live_streams;
  auto executor = self->stream_.get_executor();
  asio::post(executor, [self = std::move(self), result = std::move(result),
                        pipe]() mutable {
    self->pipe_ = std::move(pipe);
    self->respond(std::move(result));
  });
  if (!producer) return;
  if (long_lived) {
    // Its own thread: an event stream must not hold a worker for hours.
    ServerContext& ctx = self_context;
    try {
      std::thread([&ctx, pipe, producer = std::move(producer)] {
        run_producer(producer, *pipe);
        --ctx.life.live_streams;
      }).detach();
    } catch (const std::system_error& e) {
      // No thread to be had: the stream ends (the client reconnects).
      pipe->finish(unavailable_error(std::string("no thread for a stream: ") +
                                     e.what()));
      --ctx.life.live_streams;
    }
    return;
  }
  run_producer(producer, *pipe);
}

void Session::run_producer(const BodyProducer& producer, BodyPipe& pipe) {
  Status status;
  try {
    status = producer(
        [&pipe](std::span<const std::byte> data) { return pipe.write(data); });
  } catch (const std::exception& e) {
    status = internal_error(std::string("body producer failed: ") + e.what());
  }
  pipe.finish(std::move(status));
}

}  // namespace imagebank::server
