// imagebank-server: the reference HTTP server of an imagebank bank.
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>
#include <vector>

#include "analyze_routes.hpp"
#include "api_routes.hpp"
#include "auth.hpp"
#include "builtin_routes.hpp"
#include "image_routes.hpp"
#include "imagebank/adapters/http/fetch.hpp"
#include "imagebank/adapters/vision.hpp"
#include "imagebank/bank/bank.hpp"
#include "imagebank/core/memory.hpp"
#include "imagebank/version.hpp"
#include "metrics.hpp"
#include "options.hpp"
#include "product_routes.hpp"
#include "router.hpp"
#include "server.hpp"
#include "server_context.hpp"
#include "test_routes.hpp"
#include "tus_store.hpp"
#include "upload_routes.hpp"
#include "web_api_routes.hpp"
#include "web_routes.hpp"

namespace {

using namespace imagebank;
using namespace imagebank::server;

constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;
constexpr int kExitFailed = 1;

// Every connection is a descriptor: the soft limit (often 1024) would cap
// the server below --max-connections; the hard limit is what the operator
// allows.
void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 &&
      limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// The upload root: --upload-dir, else uploads/ in the bank directory (so
// tus uploads survive a restart), else a fresh temporary directory. Its
// spool/ (request bodies in flight) is emptied at start.
Result<std::filesystem::path> make_upload_dir(const ServerOptions& options,
                                              bool* temporary) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path root = options.upload_dir;
  *temporary = false;
  if (root.empty() && options.db_uri.empty() && options.storage_uri.empty()) {
    root = (options.bank_dir.empty() ? fs::path(kDefaultBankDir)
                                     : fs::path(options.bank_dir)) /
           "uploads";
  }
  if (root.empty()) {
    root = fs::temp_directory_path(ec) /
           ("imagebank-server-" + std::to_string(::getpid()));
    if (ec) return io_error("no temporary directory: " + ec.message());
    *temporary = true;
  }
  const bool made_here = !fs::exists(root, ec);
  fs::remove_all(root / "spool", ec);
  fs::create_directories(root / "spool", ec);
  if (ec) return io_error(root.string() + ": " + ec.message());
  // Uploads are the clients' data: no one else reads them. A folder the
  // operator gave keeps its own permissions; what is made here is private.
  if (made_here) fs::permissions(root, fs::perms::owner_all, ec);
  fs::permissions(root / "spool", fs::perms::owner_all, ec);
  return root;
}

int serve(ServerOptions options) {
  raise_descriptor_limit();
  // A client that goes away mid-write must be an error code, not a signal.
  std::signal(SIGPIPE, SIG_IGN);

  const std::filesystem::path dir =
      options.bank_dir.empty() ? std::filesystem::path(kDefaultBankDir)
                               : std::filesystem::path(options.bank_dir);
  auto bank =
      Bank::open(options.db_uri, options.storage_uri, BankOptions{}, dir);
  if (!bank.ok()) {
    std::cerr << "imagebank-server: " << bank.status() << '\n';
    return kExitFailed;
  }
  bool own_upload_dir = false;
  auto upload_root = make_upload_dir(options, &own_upload_dir);
  if (!upload_root.ok()) {
    std::cerr << "imagebank-server: " << upload_root.status() << '\n';
    return kExitFailed;
  }
  options.upload_dir = *upload_root / "spool";

  IngestOptions ingest_options;
  ingest_options.workers =
      options.ingest_workers > 0
          ? static_cast<std::size_t>(options.ingest_workers)
          : 0;
  auto vision = parse_vision_list(options.vision);
  if (!vision.ok()) {
    std::cerr << "imagebank-server: --vision: " << vision.status() << '\n';
    return kExitUsage;
  }
  if (options.analyze_uploads) {
    AnalyzeOptions analyzers;
    analyzers.vision = *vision;
    auto chain = (*bank)->open_vision(analyzers);
    if (!chain.ok()) {
      std::cerr << "imagebank-server: --vision: " << chain.status() << '\n';
      return kExitUsage;
    }
    ingest_options.analysis.chain = *chain;
    for (const std::string& uri : *vision) {
      if (!ingest_options.analysis.label.empty()) {
        ingest_options.analysis.label += ',';
      }
      ingest_options.analysis.label += uri;
    }
  }
  {
    // URL-list batches fetch through the shared HTTP client, SSRF-safe:
    // private addresses only for the --fetch-allow hosts.
    http::FetchOptions fetch;
    fetch.policy.allow_hosts = options.fetch_allow;
    fetch.max_bytes = ingest_options.limits.max_file_bytes;
    auto fetcher = http::UrlFetcher::create(std::move(fetch));
    if (!fetcher.ok()) {
      std::cerr << "imagebank-server: --fetch-allow: " << fetcher.status()
                << '\n';
      return kExitUsage;
    }
    ingest_options.fetcher = std::shared_ptr<ImageFetcher>(std::move(*fetcher));
  }
  auto ingestor = (*bank)->ingestor(ingest_options);
  if (!ingestor.ok()) {
    std::cerr << "imagebank-server: " << ingestor.status() << '\n';
    return kExitFailed;
  }
  auto tus = TusStore::open(*upload_root / "tus", **ingestor,
                            std::chrono::hours(options.upload_expiry_hours));
  if (!tus.ok()) {
    std::cerr << "imagebank-server: " << tus.status() << '\n';
    return kExitFailed;
  }
  (*tus)->sweep();

  bool generated_key = false;
  auto signer = url_signer_from_environment(&generated_key);
  if (!signer.ok()) {
    std::cerr << "imagebank-server: " << signer.status() << '\n';
    return kExitUsage;
  }
  if (generated_key && options.image_access == ImageAccess::kSigned) {
    std::cerr << "imagebank-server: IMAGEBANK_URL_KEYS is not set: image "
                 "URLs are signed with a key made for this run and stop "
                 "working when it ends\n";
  }
  auto images =
      ImageService::create((*bank)->catalog_ptr(), (*bank)->blobs_ptr());
  if (!images.ok()) {
    std::cerr << "imagebank-server: " << images.status() << '\n';
    return kExitFailed;
  }
  Auth auth((*bank)->api_keys(), std::move(signer).value(),
            options.image_access);
  UploadContext uploads{**bank,
                        auth,
                        **ingestor,
                        **tus,
                        options.upload_dir,
                        options.max_upload_request_mb << 20,
                        options.upload_timeout};
  auto web = load_web_assets();
  if (!web.ok()) {
    std::cerr << "imagebank-server: " << web.status() << '\n';
    return kExitFailed;
  }
  Lifecycle life;
  life.max_streams = options.max_event_streams;

  MetricsRegistry metrics;
  Router router;
  Status st = add_builtin_routes(router, **bank, metrics);
  if (st.ok()) {
    st = add_image_routes(router, **bank, **images, auth, metrics,
                          options.memory_cache_mb << 20);
  }
  if (st.ok())
    st = add_api_routes(router, **bank, auth, life, **ingestor,
                        options.public_url);
  if (st.ok()) st = add_analyze_routes(router, **bank, auth, *vision);
  if (st.ok()) st = add_product_routes(router, **bank, **images, auth);
  if (st.ok()) st = add_web_api_routes(router, **bank, **images, auth);
  if (st.ok()) st = add_web_routes(router, *web);
  if (st.ok()) st = add_upload_routes(router, uploads);
  if (st.ok()) {
    st = add_carteira_routes(router, **bank, auth, options.upload_dir);
  }
  if (st.ok() && options.test_routes) st = add_test_routes(router);
  if (!st.ok()) {
    std::cerr << "imagebank-server: " << st << '\n';
    return kExitFailed;
  }

  // Ingest workers (processing uploads and queued batches) and the sweeper
  // of expired tus uploads, until shutdown; SIGTERM leaves leased jobs to
  // finish (or to expire and be taken again by the next run).
  std::vector<std::thread> background;
  if (options.ingest_workers != 0) {
    background.emplace_back([&] {
      auto report = (*ingestor)->work(/*follow=*/true);
      if (!report.ok()) {
        std::cerr << "imagebank-server: ingest workers stopped: "
                  << report.status() << '\n';
      }
    });
  }
  background.emplace_back([&] {
    auto next = std::chrono::steady_clock::now() + std::chrono::minutes(10);
    while (!life.stopping.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      if (std::chrono::steady_clock::now() >= next) {
        (*tus)->sweep();
        next = std::chrono::steady_clock::now() + std::chrono::minutes(10);
      }
    }
  });
  auto stop_background = [&] {
    life.stopping = true;
    (*ingestor)->stop();
    for (auto& t : background) t.join();
    background.clear();
  };

  RunReport report;
  {
    Server server(options, router, metrics, &life);
    st = server.listen();
    if (!st.ok()) {
      stop_background();
      std::cerr << "imagebank-server: " << st << '\n';
      return kExitFailed;
    }
    // The first line of stdout: scripts and tests read the port from it.
    std::cout << "listening on " << server.url() << std::endl;
    report = server.run();
    stop_background();
    if (report.abandoned > 0) {
      std::cerr << "imagebank-server: shutdown grace over, " << report.abandoned
                << " connection(s) cut\n";
      std::cerr.flush();
      std::cout.flush();
      // Handlers may still be running on the workers, which cannot be
      // interrupted; leave without waiting for them.
      std::_Exit(kExitOk);
    }
  }
  if (own_upload_dir) {
    std::error_code ec;
    std::filesystem::remove_all(*upload_root, ec);
  }
  std::cerr << "imagebank-server: stopped\n";
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  // Under `ulimit -v`, glibc's per-thread arena reservations would count
  // against the cap (include/imagebank/core/memory.hpp).
  imagebank::fit_malloc_to_address_limit();
  CLI::App app{
      "imagebank-server: HTTP API and image serving of an imagebank bank",
      "imagebank-server"};
  app.set_version_flag("--version", std::string(imagebank::kVersion));
  ServerOptions options;
  add_server_options(app, options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  if (Status st = validate(options); !st.ok()) {
    std::cerr << "imagebank-server: " << st << '\n';
    return kExitUsage;
  }
  try {
    return serve(std::move(options));
  } catch (const std::exception& e) {
    std::cerr << "imagebank-server: internal error: " << e.what() << '\n';
    return kExitFailed;
  }
}
