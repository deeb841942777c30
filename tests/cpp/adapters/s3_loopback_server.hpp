// A scripted HTTP/1.1 server on 127.0.0.1 for the S3 adapter's unit tests:
// each request goes to a handler that returns the raw response to send, or
// nothing to keep the connection silent (a server that accepts and never
// answers). Plain POSIX sockets, so the tests do not share code paths with
// the Beast client they test.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace imagebank::testing {

struct LoopbackRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;
  int connection = 0;  // 1 for the first accepted connection, ...
};

struct LoopbackReply {
  std::string raw;           // bytes to send
  bool close_after = false;  // close the connection once sent
};

class LoopbackServer {
 public:
  // nullopt: never answer (the connection stays open until the server
  // stops).
  using Handler =
      std::function<std::optional<LoopbackReply>(const LoopbackRequest&)>;

  explicit LoopbackServer(Handler handler);
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string endpoint() const {
    return "http://127.0.0.1:" + std::to_string(port_);
  }
  int requests() const { return requests_.load(); }
  int connections() const { return connections_.load(); }
  std::vector<LoopbackRequest> seen() const;

 private:
  void accept_loop();
  void serve(int fd, int connection);

  Handler handler_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::atomic<int> connections_{0};
  mutable std::mutex mu_;
  std::vector<LoopbackRequest> seen_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

// "HTTP/1.1 <status> X\r\nContent-Length: ..\r\n<headers>\r\n<body>".
LoopbackReply http_reply(int status, const std::string& body = {},
                         const std::string& extra_headers = {});
// An S3 error document.
std::string s3_error_xml(const std::string& code, const std::string& message);

// A port on 127.0.0.1 with nothing listening (bound, then closed).
std::uint16_t closed_loopback_port();

}  // namespace imagebank::testing
