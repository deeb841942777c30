#include "s3_loopback_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace imagebank::testing {
namespace {

constexpr int kPollMs = 20;

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  const auto e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

}  // namespace

LoopbackServer::LoopbackServer(Handler handler) : handler_(std::move(handler)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error("socket");
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) !=
          0 ||
      ::listen(listen_fd_, 64) != 0) {
    throw std::runtime_error("bind/listen");
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

LoopbackServer::~LoopbackServer() {
  stop_ = true;
  acceptor_.join();
  for (auto& t : threads_) t.join();
  ::close(listen_fd_);
}

std::vector<LoopbackRequest> LoopbackServer::seen() const {
  std::lock_guard lock(mu_);
  return seen_;
}

void LoopbackServer::accept_loop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, kPollMs) <= 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    const int n = ++connections_;
    threads_.emplace_back([this, fd, n] { serve(fd, n); });
  }
}

void LoopbackServer::serve(int fd, int connection) {
  std::string in;
  auto fill = [&]() -> bool {  // false: peer closed or stopping
    while (!stop_) {
      pollfd p{fd, POLLIN, 0};
      const int r = ::poll(&p, 1, kPollMs);
      if (r == 0) continue;
      if (r < 0) return false;
      char buf[65536];
      const ssize_t got = ::recv(fd, buf, sizeof buf, 0);
      if (got <= 0) return false;
      in.append(buf, static_cast<std::size_t>(got));
      return true;
    }
    return false;
  };
  for (;;) {
    std::size_t end;
    while ((end = in.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) {
        ::close(fd);
        return;
      }
    }
    LoopbackRequest req;
    req.connection = connection;
    const std::string head = in.substr(0, end);
    in.erase(0, end + 4);
    std::size_t line_end = head.find("\r\n");
    const std::string request_line = head.substr(0, line_end);
    const auto sp1 = request_line.find(' ');
    const auto sp2 = request_line.rfind(' ');
    req.method = request_line.substr(0, sp1);
    req.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
    std::size_t at = line_end == std::string::npos ? head.size() : line_end + 2;
    while (at < head.size()) {
      std::size_t next = head.find("\r\n", at);
      if (next == std::string::npos) next = head.size();
      const std::string line = head.substr(at, next - at);
      const auto colon = line.find(':');
      if (colon != std::string::npos) {
        req.headers[lower(line.substr(0, colon))] =
            trim(line.substr(colon + 1));
      }
      at = next + 2;
    }
    std::size_t length = 0;
    if (auto it = req.headers.find("content-length"); it != req.headers.end()) {
      length = std::strtoull(it->second.c_str(), nullptr, 10);
    }
    while (in.size() < length) {
      if (!fill()) {
        ::close(fd);
        return;
      }
    }
    req.body = in.substr(0, length);
    in.erase(0, length);
    ++requests_;
    {
      std::lock_guard lock(mu_);
      seen_.push_back(req);
    }
    std::optional<LoopbackReply> reply = handler_(req);
    if (!reply) {
      while (!stop_) ::usleep(kPollMs * 1000);
      ::close(fd);
      return;
    }
    if (req.method == "HEAD") {
      // A HEAD answer has headers only, whatever Content-Length says.
      const auto head_end = reply->raw.find("\r\n\r\n");
      if (head_end != std::string::npos) reply->raw.resize(head_end + 4);
    }
    std::size_t sent = 0;
    while (sent < reply->raw.size()) {
      const ssize_t n = ::send(fd, reply->raw.data() + sent,
                               reply->raw.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
    if (reply->close_after) {
      ::shutdown(fd, SHUT_RDWR);
      ::close(fd);
      return;
    }
  }
}

LoopbackReply http_reply(int status, const std::string& body,
                         const std::string& extra_headers) {
  std::string raw = "HTTP/1.1 " + std::to_string(status) + " Status\r\n";
  raw += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  raw += extra_headers;
  raw += "\r\n";
  raw += body;
  return {raw, false};
}

std::string s3_error_xml(const std::string& code, const std::string& message) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code +
         "</Code><Message>" + message + "</Message></Error>";
}

std::uint16_t closed_loopback_port() {
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

}  // namespace imagebank::testing
