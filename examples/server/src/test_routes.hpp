// Routes for the server's own tests (--test-routes), under /test/:
//
//   POST /test/echo        JSON body (memory): {"bytes":N,"body":"..."}
//   POST /test/upload      body to disk, 1 MiB max: {"bytes":N}
//   GET  /test/sleep?ms=N  answers after N ms (at most 30 s) on a worker
//   GET  /test/stream?bytes=N&chunked=1
//                          N bytes of 'x' through a StreamBody, with a
//                          Content-Length unless chunked=1
#pragma once

#include "router.hpp"

namespace imagebank::server {

inline constexpr std::uint64_t kTestUploadLimit = 1 << 20;

Status add_test_routes(Router& router);

}  // namespace imagebank::server
