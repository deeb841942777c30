// Session: one client connection, its requests one after another
// (keep-alive; pipelined requests are read once the previous response is
// out).
//
// Each request: the header is read whole (within header_timeout, at most
// kMaxHeaderBytes) and checked (framing.hpp, target.hpp) before a byte of
// the body is read; the route then decides whether and where the body goes
// (BodySpec) and 100 Continue is sent if asked for; the handler runs on the
// worker pool (or inline for non-blocking routes); the response is written,
// streamed bodies chunk by chunk from a BodyPipe. A request that cannot be
// framed safely is answered and the connection closed.
//
// Threading: everything runs on the connection's io thread (the one
// running its io_context) except the handler and a streamed body's
// producer, which run on a worker and hand back through asio::post.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "body_pipe.hpp"
#include "framing.hpp"
#include "hashing_file_body.hpp"
#include "http_types.hpp"
#include "imagebank/core/result.hpp"
#include "router.hpp"
#include "server_context.hpp"

namespace imagebank::server {

// Room in the read buffer while a body streams to a file.
inline constexpr std::size_t kBodyReadBytes = 256 * 1024;

// A connection's socket, bound to its io thread's io_context by type: no
// type-erased executor copied and destroyed around every operation.
using ConnectionSocket =
    boost::asio::basic_stream_socket<boost::asio::ip::tcp,
                                     boost::asio::io_context::executor_type>;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(ConnectionSocket socket, ServerContext& context);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session();

  // On the session's executor (its io thread).
  void start();
  boost::asio::io_context::executor_type executor() {
    return stream_.get_executor();
  }
  // Graceful stop (any thread): a connection waiting for a request, or in
  // the middle of its header, closes now; one inside a request closes after
  // its response.
  void shutdown();

 private:
  enum class Phase { kIdle, kHeader, kBody, kHandler, kWriting, kClosing };
  using ErrorCode = boost::system::error_code;
  template <typename Body>
  using RequestParser = boost::beast::http::request_parser<Body>;
  using ResponseMessage =
      boost::beast::http::response<boost::beast::http::buffer_body>;
  using ResponseSerializer =
      boost::beast::http::response_serializer<boost::beast::http::buffer_body>;

  // A spooled request body, removed with the request.
  struct TempFile {
    explicit TempFile(std::filesystem::path p) : path(std::move(p)) {}
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile();
    std::filesystem::path path;
  };

  // --- reading (session.cpp) ---
  void await_request();
  void begin_request();
  void read_header();
  void on_header_bytes(ErrorCode ec, std::size_t n);
  void take_buffered_header();
  void on_header(std::string_view block);
  bool route_request();
  // Answers before the body is read (kept alive only when there is none).
  void answer_early(Response response);
  // After the route's before_body check: 100 Continue, then the body.
  void continue_with_body();
  void read_body();
  void keep_partial_body();
  void on_body(ErrorCode ec);
  void dispatch();
  static void run_on_worker(std::shared_ptr<Session> self);
  // Runs a streamed body's producer into `pipe` and finishes it (an
  // exception becomes an internal error).
  static void run_producer(const BodyProducer& producer, BodyPipe& pipe);
  bool has_body() const noexcept {
    return framing_.chunked || framing_.content_length > 0;
  }

  // --- writing (session_write.cpp) ---
  void respond(Result<Response> result);
  void respond(Response response);
  // A response whose body is in memory (or absent).
  void write_whole(const Response& response,
                   std::optional<std::size_t> content_length,
                   std::string_view body);
  // Answers and closes: the connection's framing is no longer trusted.
  void refuse(int status, std::string_view detail);
  void arm_write_deadline();
  void watch_client();
  void on_response_written(ErrorCode ec, std::size_t n);
  void pull_stream();
  void on_stream_ready();
  void on_chunk_written(ErrorCode ec, std::size_t n);
  void finish_exchange(ErrorCode ec);
  void record_metrics();
  void reset_request();
  // Half-closes, then drains what the client still sends (bounded), so
  // the response is not lost to a reset.
  void close_gracefully();
  void drain();
  void close_now();

  boost::beast::basic_stream<boost::asio::ip::tcp,
                             boost::asio::io_context::executor_type>
      stream_;
  boost::beast::flat_buffer buffer_;
  ServerContext& ctx_;
  std::string remote_;
  Phase phase_ = Phase::kIdle;
  bool first_request_ = true;
  bool shutdown_requested_ = false;
  bool keep_alive_ = true;

  // The request in progress.
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point deadline_;
  unsigned version_ = 11;
  Request request_;
  const Route* route_ = nullptr;
  Framing framing_;
  std::optional<RequestParser<boost::beast::http::empty_body>> header_parser_;
  std::optional<RequestParser<boost::beast::http::string_body>> text_parser_;
  std::optional<RequestParser<HashingFileBody>> file_parser_;
  std::optional<TempFile> upload_;

  // Its response.
  int status_ = 0;
  bool recorded_ = false;
  std::optional<ResponseMessage> response_;
  std::optional<ResponseSerializer> serializer_;
  std::string head_;  // a whole response's header (its room is kept)
  std::string body_;  // a string body, or the streamed chunk being written
  std::shared_ptr<const std::string> shared_body_;  // a SharedBody's bytes
  std::shared_ptr<BodyPipe> pipe_;
  std::optional<std::uint64_t> stream_length_;
  bool long_lived_ = false;
  std::uint64_t streamed_ = 0;
  std::uint64_t bytes_written_ = 0;
  std::uint64_t drained_ = 0;
};

}  // namespace imagebank::server
