// A real S3 server for the integration tests: MinIO on a free loopback port,
// with a temporary data directory and known root credentials, started as a
// child process and killed when the fixture ends.
//
// The binary comes from $IMAGEBANK_MINIO, else from the cache that
// scripts/install-minio.sh fills
// (${XDG_CACHE_HOME:-$HOME/.cache}/imagebank/minio/bin/minio). A missing
// binary is a test failure, never a silent skip; IMAGEBANK_SKIP_S3=1 skips
// the S3 integration tests on purpose.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "imagebank/adapters/s3_blob_store.hpp"
#include "imagebank/core/result.hpp"

namespace imagebank::testing {

inline constexpr const char* kMinioUser = "imagebank-root";
inline constexpr const char* kMinioPassword = "imagebank-root-secret";

bool s3_tests_skipped_by_env();
// Where the binary is expected; empty when neither place has one.
std::string find_minio_binary();

class MinioServer {
 public:
  // Starts the server and waits (up to 60 s) until it serves. With `tls`,
  // it serves https with a fresh self-signed certificate for 127.0.0.1
  // (made with the openssl command; ca_file() is that certificate).
  static Result<std::unique_ptr<MinioServer>> start(bool tls = false);
  ~MinioServer();
  MinioServer(const MinioServer&) = delete;
  MinioServer& operator=(const MinioServer&) = delete;

  // SIGKILL, as a crash or a lost host would (for unavailability tests).
  void kill_now();
  std::string endpoint() const;
  std::string ca_file() const {
    return (dir_ / "certs" / "public.crt").string();
  }
  std::uint16_t port() const { return port_; }
  // Options for a store on `bucket`/`prefix` with the root credentials and
  // short timeouts.
  S3Options options(const std::string& bucket, const std::string& prefix) const;
  // The server's log so far (for failure messages).
  std::string log_tail() const;

 private:
  MinioServer() = default;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  bool tls_ = false;
  std::filesystem::path dir_;
};

}  // namespace imagebank::testing
