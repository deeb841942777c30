#include "options.hpp"

#include <CLI/CLI.hpp>

#include "imagebank/adapters/http/address_policy.hpp"

namespace imagebank::server {

namespace {

// A duration option in milliseconds, bound to a chrono member.
void add_ms_option(CLI::App& app, const std::string& name,
                   std::chrono::milliseconds& target, const std::string& help) {
  auto* opt = app.add_option_function<std::int64_t>(
      name,
      [&target](std::int64_t ms) { target = std::chrono::milliseconds(ms); },
      help + " (default " + std::to_string(target.count()) + ")");
  opt->check(CLI::PositiveNumber);
}

}  // namespace

void add_server_options(CLI::App& app, ServerOptions& options) {
  auto* dir = app.add_option("--bank", options.bank_dir,
                             "Bank directory (bank.db and files/; default "
                             "./imagebank-data)");
  auto* db = app.add_option("--db", options.db_uri,
                            "Catalog database URI (sqlite:///abs/path.db or "
                            "postgresql://user@host:port/db)");
  auto* storage = app.add_option(
      "--storage", options.storage_uri,
      "Blob storage URI (file:///abs/path or s3://bucket/prefix?endpoint=...)");
  dir->excludes(db);
  dir->excludes(storage);

  app.add_option("--listen", options.listen,
                 "Address and port to listen on (port 0: any free port)")
      ->capture_default_str();
  app.add_option("--threads", options.io_threads,
                 "Threads serving the sockets (default: one per core)");
  app.add_option("--max-connections", options.max_connections,
                 "Open connections beyond which new ones get 503")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--memory-cache-mb", options.memory_cache_mb,
                 "Memory for the bytes of recently served variants (0: none)")
      ->capture_default_str();
  add_ms_option(app, "--header-timeout-ms", options.header_timeout,
                "Deadline for a request's header, ms");
  add_ms_option(app, "--request-timeout-ms", options.request_timeout,
                "Deadline for a whole request and its response, ms");
  add_ms_option(app, "--idle-timeout-ms", options.idle_timeout,
                "A kept-alive connection waiting longer is closed, ms");
  add_ms_option(app, "--shutdown-grace-ms", options.shutdown_grace,
                "On SIGTERM, how long in-flight requests may take, ms");

  auto* pub = app.add_flag_callback(
      "--public-images",
      [&options] { options.image_access = ImageAccess::kPublic; },
      "Serve images to anyone");
  auto* signed_only = app.add_flag_callback(
      "--signed-images",
      [&options] { options.image_access = ImageAccess::kSigned; },
      "Serve images only on signed URLs (the default)");
  pub->excludes(signed_only);
  app.add_option("--public-url", options.public_url,
                 "The origin users reach the server at (behind a proxy); "
                 "exports' image URLs start with it");
  app.add_option("--cors-origin", options.cors_origins,
                 "Origin allowed to call the API from a browser (repeat; "
                 "'*' for any)");
  app.add_option("--vision", options.vision,
                 "Analyzers for POST /api/v1/images/{id}/analyze, in order: "
                 "openai, gemini, google-vision, offline or full URIs "
                 "(keys from OPENAI_API_KEY, GEMINI_API_KEY, GOOGLE_API_KEY)")
      ->capture_default_str();
  app.add_flag("--analyze-uploads", options.analyze_uploads,
               "Also analyse every new photo of an upload batch with the "
               "--vision analyzers, as a job of its own beside the file (an "
               "analyzer that is down never holds the variants back)");
  app.add_option("--upload-dir", options.upload_dir,
                 "Where request bodies are spooled and resumable uploads "
                 "kept (default: uploads/ in the --bank directory; with "
                 "--db/--storage a temporary directory, so tus uploads do "
                 "not survive a restart)");
  app.add_option("--workers", options.ingest_workers,
                 "Ingest worker threads in this process (0: none; run "
                 "`imagebank worker` elsewhere; default: one per core)");
  app.add_option("--fetch-allow", options.fetch_allow,
                 "URL-list batches: a host (HOST or HOST:PORT, as the URLs "
                 "name it) that may resolve to a loopback, private or "
                 "link-local address; such addresses are refused for every "
                 "other host (repeatable)");
  add_ms_option(app, "--upload-timeout-ms", options.upload_timeout,
                "Deadline for an upload's body (multipart or tus PATCH), ms");
  app.add_option("--upload-expiry-hours", options.upload_expiry_hours,
                 "An unfinished tus upload idle this long is removed")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-event-streams", options.max_event_streams,
                 "Batch event streams open at once (a thread each; 503 beyond)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-upload-request-mb", options.max_upload_request_mb,
                 "Largest multipart request (all its files), MiB")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  // Hidden (empty group): only the server's own tests use it.
  app.add_flag("--test-routes", options.test_routes)->group("");
}

Status validate(const ServerOptions& options) {
  if (options.worker_threads == 0) {
    return invalid_argument_error("the worker pool needs a thread");
  }
  if (options.listen.empty()) {
    return invalid_argument_error("--listen: empty address");
  }
  if (!options.public_url.empty()) {
    const std::string& u = options.public_url;
    const std::size_t scheme = u.starts_with("https://")  ? 8
                               : u.starts_with("http://") ? 7
                                                          : 0;
    if (scheme == 0 || u.size() == scheme || u.size() > 2048 ||
        u.find_first_of(" \t\r\n\"'<>\\?#", scheme) != std::string::npos) {
      return invalid_argument_error("--public-url '" + u.substr(0, 200) +
                                    "': an http:// or https:// origin, like "
                                    "https://imagens.marca.com.br");
    }
  }
  for (const std::string& host : options.fetch_allow) {
    Status st = http::validate_allow_host(host);
    if (!st.ok()) return st.with_context("--fetch-allow");
  }
  return ok_status();
}

}  // namespace imagebank::server
