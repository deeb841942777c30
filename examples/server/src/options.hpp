// ServerOptions: everything imagebank-server is told on its command line.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "imagebank/core/status.hpp"

namespace CLI {
class App;
}

namespace imagebank::server {

// Whether image routes serve anyone (public catalogues) or only URLs signed
// with the bank's keys.
enum class ImageAccess { kPublic, kSigned };

struct ServerOptions {
  // Where the bank is: --bank DIR, or --db URI and --storage URI (the CLI's
  // conventions; ./imagebank-data when nothing is given).
  std::string bank_dir;
  std::string db_uri;
  std::string storage_uri;

  // "127.0.0.1:8080", "[::1]:8080"; port 0 picks a free one.
  std::string listen = "127.0.0.1:8080";
  // Threads running the io_context (sockets, parsing); 0: one per core.
  std::size_t io_threads = 0;
  // The pool of blocking handlers (worker_pool.hpp).
  std::size_t worker_threads = 8;
  std::size_t worker_queue = 256;
  std::size_t max_connections = 1024;

  // From accept (or from the first byte of a kept-alive connection's next
  // request) to the end of the header.
  std::chrono::milliseconds header_timeout{10'000};
  // From the first byte of a request to the last byte of its response.
  std::chrono::milliseconds request_timeout{60'000};
  // A kept-alive connection waiting for its next request.
  std::chrono::milliseconds idle_timeout{30'000};
  // After SIGTERM/SIGINT, how long in-flight requests may take.
  std::chrono::milliseconds shutdown_grace{10'000};

  ImageAccess image_access = ImageAccess::kSigned;
  // The origin users reach this server at ("https://imagens.marca.com.br",
  // behind a proxy): exports' image URLs start with it. Empty: the origin
  // the request's Host header names, over http.
  std::string public_url;
  // The bytes of recently served variants, kept in memory (MiB): a hit is
  // answered on the io thread, as nginx's open_file_cache keeps files open.
  std::size_t memory_cache_mb = 64;
  // Origins allowed by CORS ("*": any); empty: no CORS headers.
  std::vector<std::string> cors_origins;
  // Analyzers of POST /api/v1/images/{id}/analyze, in order (--vision).
  std::string vision = "offline";
  // Every new photo of an upload batch is also analysed by them, as an
  // analyze job of its own (--analyze-uploads).
  bool analyze_uploads = false;

  // Request bodies streamed to disk (spool/) and tus uploads (tus/); empty:
  // <bank>/uploads with --bank (or the default bank), else a fresh
  // directory under the system's temporary directory, removed at exit.
  std::filesystem::path upload_dir;
  // Ingest workers in this process; -1: one per core.
  int ingest_workers = -1;
  // URL-list batches (POST /api/v1/batches with "urls"): hosts ("host" or
  // "host:port", as URLs name them) that may resolve to a loopback, private
  // or link-local address (--fetch-allow); every other such URL is refused.
  // Never taken from a request.
  std::vector<std::string> fetch_allow;
  std::chrono::milliseconds upload_timeout{3'600'000};
  int upload_expiry_hours = 24;
  std::uint64_t max_upload_request_mb = 4096;
  // Server-Sent Events streams open at once (a thread each).
  std::size_t max_event_streams = 64;

  // Routes under /test/ that the server's own tests drive (slow handlers,
  // uploads, streamed bodies). Never in production.
  bool test_routes = false;
};

// Declares the options on `app`, writing into `options`.
void add_server_options(CLI::App& app, ServerOptions& options);
// Checks what CLI11 cannot (timeouts > 0, counts > 0).
Status validate(const ServerOptions& options);

}  // namespace imagebank::server
