// imagebank-server: the reference HTTP server of an imagebank bank.
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "api_routes.hpp"
#include "auth.hpp"
#include "builtin_routes.hpp"
#include "image_routes.hpp"
#include "imagebank/bank/bank.hpp"
#include "imagebank/version.hpp"
#include "metrics.hpp"
#include "options.hpp"
#include "router.hpp"
#include "server.hpp"
#include "test_routes.hpp"

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

Result<std::filesystem::path> make_upload_dir(const ServerOptions& options) {
  std::error_code ec;
  if (!options.upload_dir.empty()) {
    std::filesystem::create_directories(options.upload_dir, ec);
    if (ec) return io_error(options.upload_dir.string() + ": " + ec.message());
    return options.upload_dir;
  }
  const auto dir = std::filesystem::temp_directory_path(ec) /
                   ("imagebank-server-" + std::to_string(::getpid()));
  if (ec) return io_error("no temporary directory: " + ec.message());
  std::filesystem::create_directories(dir, ec);
  if (ec) return io_error(dir.string() + ": " + ec.message());
  // Spooled uploads are the clients' data: no one else reads them.
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
  return dir;
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
  const bool own_upload_dir = options.upload_dir.empty();
  auto upload_dir = make_upload_dir(options);
  if (!upload_dir.ok()) {
    std::cerr << "imagebank-server: " << upload_dir.status() << '\n';
    return kExitFailed;
  }
  options.upload_dir = *upload_dir;

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

  MetricsRegistry metrics;
  Router router;
  Status st = add_builtin_routes(router, **bank, metrics);
  if (st.ok()) {
    st = add_image_routes(router, **bank, **images, auth, metrics,
                          options.memory_cache_mb << 20);
  }
  if (st.ok()) st = add_api_routes(router, **bank, auth);
  if (st.ok() && options.test_routes) st = add_test_routes(router);
  if (!st.ok()) {
    std::cerr << "imagebank-server: " << st << '\n';
    return kExitFailed;
  }

  RunReport report;
  {
    Server server(options, router, metrics);
    st = server.listen();
    if (!st.ok()) {
      std::cerr << "imagebank-server: " << st << '\n';
      return kExitFailed;
    }
    // The first line of stdout: scripts and tests read the port from it.
    std::cout << "listening on " << server.url() << std::endl;
    report = server.run();
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
    std::filesystem::remove_all(options.upload_dir, ec);
  }
  std::cerr << "imagebank-server: stopped\n";
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
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
