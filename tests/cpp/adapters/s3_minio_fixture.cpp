#include "s3_minio_fixture.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

extern char** environ;

namespace imagebank::testing {
namespace {

std::uint16_t free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// Whether something accepts TCP connections on the port (the TLS server's
// readiness: its health endpoint would need a TLS client).
bool accepting(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  const bool ok =
      ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// One GET /minio/health/live over a raw socket: true on a 200.
bool healthy(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  timeval tv{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string req =
        "GET /minio/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Connection: close\r\n\r\n";
    if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) ==
        static_cast<ssize_t>(req.size())) {
      char buf[64] = {};
      const ssize_t n = ::recv(fd, buf, sizeof buf - 1, 0);
      ok = n > 12 && std::strncmp(buf, "HTTP/1.1 200", 12) == 0;
    }
  }
  ::close(fd);
  return ok;
}

}  // namespace

bool s3_tests_skipped_by_env() {
  const char* skip = std::getenv("IMAGEBANK_SKIP_S3");
  return skip != nullptr && std::string(skip) == "1";
}

std::string find_minio_binary() {
  if (const char* env = std::getenv("IMAGEBANK_MINIO"); env && *env) {
    return ::access(env, X_OK) == 0 ? std::string(env) : std::string();
  }
  std::filesystem::path cache;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    cache = xdg;
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    cache = std::filesystem::path(home) / ".cache";
  } else {
    return {};
  }
  const auto bin = cache / "imagebank" / "minio" / "bin" / "minio";
  return ::access(bin.c_str(), X_OK) == 0 ? bin.string() : std::string();
}

Result<std::unique_ptr<MinioServer>> MinioServer::start(bool tls) {
  const std::string binary = find_minio_binary();
  if (binary.empty()) {
    return not_found_error(
        "no MinIO binary: run scripts/install-minio.sh (or set "
        "IMAGEBANK_MINIO to one); IMAGEBANK_SKIP_S3=1 skips these tests");
  }
  std::unique_ptr<MinioServer> server(new MinioServer());
  std::random_device rd;
  server->dir_ = std::filesystem::temp_directory_path() /
                 ("imagebank-minio-" + std::to_string(::getpid()) + "-" +
                  std::to_string(rd()));
  std::filesystem::create_directories(server->dir_ / "data");
  server->tls_ = tls;
  if (tls) {
    const auto certs = server->dir_ / "certs";
    std::filesystem::create_directories(certs);
    const std::string command =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "
        "/CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout '" +
        (certs / "private.key").string() + "' -out '" +
        (certs / "public.crt").string() + "' >/dev/null 2>&1";
    if (std::system(command.c_str()) != 0) {
      return unavailable_error("cannot make a test certificate (openssl)");
    }
  }
  server->port_ = free_loopback_port();
  const std::string address = "127.0.0.1:" + std::to_string(server->port_);
  const std::string console =
      "127.0.0.1:" + std::to_string(free_loopback_port());
  const std::string data = (server->dir_ / "data").string();
  const std::string log = (server->dir_ / "minio.log").string();

  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    if (entry.starts_with("MINIO_")) continue;
    env_strings.push_back(entry);
  }
  env_strings.push_back(std::string("MINIO_ROOT_USER=") + kMinioUser);
  env_strings.push_back(std::string("MINIO_ROOT_PASSWORD=") + kMinioPassword);
  env_strings.push_back("MINIO_BROWSER=off");
  env_strings.push_back("MINIO_UPDATE=off");
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = {binary,      "server", "--quiet",
                                   "--address", address,  "--console-address",
                                   console};
  if (tls) {
    args.push_back("--certs-dir");
    args.push_back((server->dir_ / "certs").string());
  }
  args.push_back(data);
  std::vector<char*> argv;
  for (auto& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);

  const pid_t pid = ::fork();
  if (pid < 0) return io_error("fork failed");
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    ::execve(binary.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  server->pid_ = pid;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (tls ? !accepting(server->port_) : !healthy(server->port_)) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      server->pid_ = -1;
      return unavailable_error("MinIO (" + binary +
                               ") exited during start: " + server->log_tail());
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return unavailable_error("MinIO did not become healthy in 60 s: " +
                               server->log_tail());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return server;
}

MinioServer::~MinioServer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    bool gone = false;
    for (int i = 0; i < 100 && !gone; ++i) {
      gone = ::waitpid(pid_, &status, WNOHANG) == pid_;
      if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (!gone) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void MinioServer::kill_now() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string MinioServer::endpoint() const {
  return (tls_ ? "https://127.0.0.1:" : "http://127.0.0.1:") +
         std::to_string(port_);
}

S3Options MinioServer::options(const std::string& bucket,
                               const std::string& prefix) const {
  S3Options o;
  o.bucket = bucket;
  o.prefix = prefix;
  o.endpoint = endpoint();
  o.credentials = S3Credentials{kMinioUser, kMinioPassword, ""};
  o.connect_timeout = std::chrono::milliseconds(2000);
  o.request_timeout = std::chrono::milliseconds(20000);
  o.max_attempts = 3;
  o.backoff_base = std::chrono::milliseconds(50);
  o.backoff_cap = std::chrono::milliseconds(200);
  return o;
}

std::string MinioServer::log_tail() const {
  std::ifstream in(dir_ / "minio.log");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  if (text.size() > 2000) text = text.substr(text.size() - 2000);
  return text;
}

}  // namespace imagebank::testing
