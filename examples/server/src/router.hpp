// Router: method + path pattern -> handler.
//
// A pattern is a '/'-separated path whose segments are literals or
// parameters: "/api/v1/batches/{id}/files". A parameter matches one whole
// non-empty segment (decoded; it never holds '/', parse_target sees to
// that) and lands in Request::path_params. When several patterns match a
// path, the one with the most literal segments wins, then the first added.
//
// Outcomes: a route (HEAD falls back to the GET route of the path, answered
// with the GET response's headers and no body); 405 with the path's methods
// for Allow when the path matches under other methods only; 404 otherwise.
//
// Threading: add() before the server starts; match() from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http_types.hpp"
#include "imagebank/core/result.hpp"

namespace imagebank::server {

// Answers one request. An error Status becomes an application/problem+json
// response (problem.hpp: its code picks the HTTP status); so does an
// exception, as a 500. Handlers of blocking routes run on the worker pool
// and may call the catalog and the BlobStore; the others run on an io thread
// and must not block.
using Handler = std::function<Result<Response>(Request&)>;
// Tried first on the io thread, for a blocking route whose answer is often
// in memory: a response, or nullopt to run the route's handler on the
// worker pool as usual. Must not block.
using InlineHandler = std::function<std::optional<Result<Response>>(Request&)>;

// Run on the worker pool once the header of a request with a body is in,
// before a byte of the body is read: a response refuses the request early
// (a wrong key, an upload to a closed batch), nullopt reads the body and
// runs the handler, which must check again (it is not told this ran).
using BeforeBody = std::function<std::optional<Response>(Request&)>;

struct RouteOptions {
  BodySpec body;  // what body the route takes, and how large
  // false: cheap and non-blocking (no catalog, storage or disk calls), run
  // on the io thread without a trip through the worker pool.
  bool blocking = true;
  // Set: the fast path of a blocking route (see InlineHandler).
  InlineHandler try_inline;
  // Set: checks the header before the body is read (see BeforeBody).
  BeforeBody before_body;
  // kFile: a body cut short (the client left, the deadline passed) still
  // goes to the handler, with UploadedFile::complete false; its response is
  // dropped. For resumable uploads.
  bool keep_partial_body = false;
  // kFile: the body may take this long from the end of the header (instead
  // of the request deadline); 0: the request deadline.
  std::chrono::milliseconds body_timeout{0};
};

// Shorthands: router.add("POST", "/api/v1/batches", create, json_body());
inline RouteOptions non_blocking() {
  RouteOptions o;
  o.blocking = false;
  return o;
}
inline RouteOptions json_body(std::uint64_t max_bytes = 0) {
  RouteOptions o;
  o.body.kind = BodyKind::kMemory;
  o.body.max_bytes = max_bytes;
  return o;
}
inline RouteOptions file_body(std::uint64_t max_bytes = 0) {
  RouteOptions o;
  o.body.kind = BodyKind::kFile;
  o.body.max_bytes = max_bytes;
  return o;
}

struct Route {
  std::string method;
  std::string pattern;
  Handler handler;
  RouteOptions options;

  // Parsed pattern: a literal, or a parameter name (is_param).
  struct Segment {
    std::string text;
    bool is_param = false;
  };
  std::vector<Segment> segments;
};

struct RouteMatch {
  enum class Kind { kFound, kNotFound, kMethodNotAllowed };
  Kind kind = Kind::kNotFound;
  const Route* route = nullptr;  // kFound
  Params path_params;            // kFound
  std::string allow;             // kMethodNotAllowed: "GET, HEAD, POST"
};

class Router {
 public:
  Router() = default;
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // `invalid_argument` for a pattern that is not "/..." with non-empty
  // segments, a parameter without a name, or a method + pattern already
  // added.
  Status add(std::string method, std::string pattern, Handler handler,
             RouteOptions options = {});

  // `segments`: the decoded path segments (ParsedTarget::segments).
  RouteMatch match(std::string_view method,
                   const std::vector<std::string>& segments) const;
  // The methods the path answers to (Allow), "" when none.
  std::string allowed_methods(const std::vector<std::string>& segments) const;

  const std::vector<Route>& routes() const noexcept { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace imagebank::server
