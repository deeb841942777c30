// The handler API of imagebank-server: what a route receives (Request) and
// what it returns (Response). No Boost in here: routes see only these types
// and the library's.
//
// Threading: a handler gets its Request on one thread (a worker of the
// bounded pool, or an io thread for routes declared non-blocking) and owns it
// until it returns. A StreamBody producer runs on a worker thread after the
// handler returned; its sink blocks while the client is slower than the
// producer, so memory per response stays bounded whatever the body's size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "imagebank/core/limits.hpp"
#include "imagebank/core/status.hpp"

namespace imagebank::server {

// Header fields in arrival order. Names compare case-insensitively; a name
// may repeat (the framing checks reject the repeats that are ambiguous).
class Headers {
 public:
  using Field = std::pair<std::string, std::string>;

  void add(std::string name, std::string value);
  // Replaces every field of that name with one.
  void set(std::string_view name, std::string value);
  void remove(std::string_view name);
  // The first value of `name`; nullptr when absent.
  const std::string* find(std::string_view name) const;
  std::vector<std::string_view> all(std::string_view name) const;
  bool contains(std::string_view name) const { return find(name) != nullptr; }

  const std::vector<Field>& fields() const noexcept { return fields_; }
  std::size_t size() const noexcept { return fields_.size(); }

 private:
  std::vector<Field> fields_;
};

// Query parameters or path parameters: decoded (name, value) pairs in the
// order they came; a name may repeat ("?view=front&view=back").
class Params {
 public:
  using Entry = std::pair<std::string, std::string>;

  void add(std::string name, std::string value);
  // The first value of `name`.
  std::optional<std::string_view> find(std::string_view name) const;
  std::vector<std::string_view> all(std::string_view name) const;
  bool contains(std::string_view name) const { return find(name).has_value(); }

  const std::vector<Entry>& entries() const noexcept { return entries_; }
  bool empty() const noexcept { return entries_.empty(); }
  std::size_t size() const noexcept { return entries_.size(); }

 private:
  std::vector<Entry> entries_;
};

// How a route takes a request body. The server reads the header first and
// decides from the route: a body the route does not take, or one whose
// Content-Length passes max_bytes, is refused (413) before any byte of it is
// read; a chunked body is cut at max_bytes while it streams.
enum class BodyKind {
  kNone,    // no body (a non-empty one is 413)
  kMemory,  // in memory, Request::body holds a std::string (JSON, forms)
  kFile,    // streamed to a temporary file, Request::body holds UploadedFile
};

inline constexpr std::uint64_t kMaxMemoryBody = 1u << 20;  // 1 MiB

struct BodySpec {
  BodyKind kind = BodyKind::kNone;
  // 0: the kind's default (kMaxMemoryBody in memory, Limits::max_file_bytes
  // on disk). kMemory is never above kMaxMemoryBody.
  std::uint64_t max_bytes = 0;

  std::uint64_t limit() const noexcept;
};

// A body streamed to disk. The file lives in the server's upload directory
// and is removed when the request's response has been sent: a handler that
// keeps it renames it away (or puts it in the BlobStore: put_file).
struct UploadedFile {
  std::filesystem::path path;
  std::uint64_t size = 0;
  std::string sha256;  // of the bytes in the file, hex, computed on the way
  // false: the client went away (or the deadline passed) mid-body and the
  // route keeps partial bodies (RouteOptions::keep_partial_body); the
  // response goes nowhere.
  bool complete = true;
};

using RequestBody = std::variant<std::monostate, std::string, UploadedFile>;

struct Request {
  std::string method;  // as sent, upper case ("GET", "HEAD", "POST", ...)
  std::string target;  // the raw request-target ("/images/12?w=200")
  std::string path;    // percent-decoded path ("/images/12")
  Params query;        // decoded query parameters
  Params path_params;  // from the route pattern: {id} -> "12"
  Headers headers;
  std::string remote_address;  // "127.0.0.1:50412"
  // The route's pattern ("/images/{id}"): the metrics label.
  std::string route;
  RequestBody body;

  bool is_head() const noexcept { return method == "HEAD"; }
  // Request::body as text (empty unless the route takes kMemory).
  const std::string& text_body() const;
  const UploadedFile* file_body() const {
    return std::get_if<UploadedFile>(&body);
  }
};

// Receives a streamed body in order; an error return stops the producer (the
// client went away, or the deadline passed). The same type as BlobSink
// (imagebank/catalog/blob_store.hpp), so a producer can hand it straight to
// BlobStore::get(key, sink, range).
using BodySink = std::function<Status(std::span<const std::byte>)>;
// Writes the whole body to the sink; runs on a worker thread, may block.
using BodyProducer = std::function<Status(const BodySink&)>;

// A body written as it is produced. With a length, the response carries
// Content-Length and the producer must deliver exactly that many bytes;
// without one it is sent chunked (HTTP/1.1) or close-delimited (HTTP/1.0).
// The status and headers are on the wire before the producer runs: a
// producer that fails (or delivers a different length) makes the server
// abort the connection, which is the only signal left to the client.
struct StreamBody {
  std::optional<std::uint64_t> length;
  BodyProducer produce;
  // A stream with no end in sight (Server-Sent Events): the producer runs
  // on a thread of its own, not the worker pool, and the request deadline
  // does not apply (each write still must finish within request_timeout).
  // It should call the sink with no bytes now and then (a probe that fails
  // once the client is gone: the session watches the socket for its close)
  // and end when Lifecycle::stopping is set (server_context.hpp).
  bool long_lived = false;
};

// Bytes kept elsewhere and shared by every response that sends them (a
// variant held in memory): written from where they are, never copied. They
// must not change while shared.
struct SharedBody {
  std::shared_ptr<const std::string> bytes;
};

using ResponseBody = std::variant<std::string, StreamBody, SharedBody>;

struct Response {
  int status = 200;
  // Server, Date, Content-Length / Transfer-Encoding and Connection are set
  // by the server; anything set here under those names is replaced.
  Headers headers;
  ResponseBody body;

  // `body` with Content-Type `content_type`.
  static Response text(int status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8");
  static Response json(int status, std::string json_text);
  // Bytes of a local file, [offset, offset + length), read in chunks by a
  // worker. The caller has checked the file and the range.
  static Response file(int status, std::filesystem::path file,
                       std::uint64_t offset, std::uint64_t length,
                       std::string content_type);
  static Response stream(int status, std::optional<std::uint64_t> length,
                         BodyProducer produce, std::string content_type);
};

}  // namespace imagebank::server
