// The CatalogStore conformance suite on a real PostgreSQL server: Debian's
// binaries, a cluster in a temp directory, started for this test process by
// scripts/pg-test-server.sh and stopped when it ends.
#include <gtest/gtest.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "catalog/catalog_store_conformance.hpp"
#include "catalog/job_queue_conformance.hpp"
#include "imagebank/adapters/sql_catalog_store.hpp"

namespace imagebank::testing {
namespace {

namespace fs = std::filesystem;

std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, pipe) != nullptr) out += buf;
  const int rc = ::pclose(pipe);
  if (rc != 0) {
    ADD_FAILURE() << command << " failed (" << rc << "): " << out;
    return "";
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
    out.pop_back();
  return out;
}

class PostgresServer : public ::testing::Environment {
 public:
  static fs::path& dir() {
    static fs::path d;
    return d;
  }
  void SetUp() override {
    dir() = fs::temp_directory_path() /
            ("imagebank-pg-" + std::to_string(::getpid()));
    fs::remove_all(dir());
    const std::string uri = run(std::string(IMAGEBANK_PG_SERVER_SCRIPT) +
                                " start " + dir().string());
    ASSERT_FALSE(uri.empty()) << "could not start PostgreSQL";
  }
  void TearDown() override {
    run(std::string(IMAGEBANK_PG_SERVER_SCRIPT) + " stop " + dir().string());
    std::error_code ec;
    fs::remove_all(dir(), ec);
  }
};

const auto* const kServer =
    ::testing::AddGlobalTestEnvironment(new PostgresServer);

std::string fresh_database_uri() {
  static std::atomic<int> counter{0};
  const std::string name = "t" + std::to_string(counter++);
  return run(std::string(IMAGEBANK_PG_SERVER_SCRIPT) + " createdb " +
             PostgresServer::dir().string() + " " + name);
}

TestDatabase fresh_postgres() {
  const std::string uri = fresh_database_uri();
  TestDatabase out;
  out.open = [uri] { return open_postgresql_catalog(uri); };
  out.exec = [uri](const std::string& sql) {
    // (a bare URI without parameters is mangled by SOCI 4.0's parser)
    soci::session session(*soci::factory_postgresql(),
                          uri + "?application_name=test");
    session << sql;
  };
  return out;
}

INSTANTIATE_TEST_SUITE_P(Postgres, CatalogStoreConformance,
                         ::testing::Values(CatalogDatabaseFactory{
                             "postgres", fresh_postgres}),
                         [](const auto& info) { return info.param.name; });
INSTANTIATE_TEST_SUITE_P(Postgres, JobQueueConformance,
                         ::testing::Values(CatalogDatabaseFactory{
                             "postgres", fresh_postgres}),
                         [](const auto& info) { return info.param.name; });

TEST(PostgresCatalog, AnUnreachableServerIsUnavailableAfterBoundedRetries) {
  // A port nothing listens on: connection refused at every attempt.
  SqlStoreOptions options;
  options.connect_attempts = 3;
  options.connect_timeout = std::chrono::seconds(1);
  const auto start = std::chrono::steady_clock::now();
  auto store =
      open_postgresql_catalog("postgresql://imagebank@127.0.0.1:1/x", options);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kUnavailable) << store.status();
  EXPECT_LT(elapsed, std::chrono::seconds(20));
}

TEST(PostgresCatalog, APasswordNeverAppearsInTheUri) {
  auto store = open_postgresql_catalog(
      "postgresql://imagebank:s3cret@127.0.0.1:1/x",
      SqlStoreOptions{.pool_size = 1,
                      .busy_timeout = std::chrono::milliseconds(100),
                      .connect_timeout = std::chrono::seconds(1),
                      .connect_attempts = 1});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().message().find("s3cret"), std::string::npos)
      << store.status();
  EXPECT_EQ(open_postgresql_catalog("mysql://x").status().code(),
            ErrorCode::kInvalidArgument);
}

TEST(PostgresCatalog, TwoProcessesMigratingAtOnceAgree) {
  const std::string uri = fresh_database_uri();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      auto store = open_postgresql_catalog(uri);
      if (store.ok() && (*store)->schema_version().ok()) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 4);
}

}  // namespace
}  // namespace imagebank::testing
