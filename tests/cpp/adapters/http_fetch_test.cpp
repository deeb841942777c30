// The URL fetcher (include/imagebank/adapters/http/fetch.hpp) and its
// address policy: which addresses are refused, URLs and redirects, and
// fetches against loopback servers that the tests allow explicitly (and
// that are refused without the allowance).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "imagebank/adapters/http/address_policy.hpp"
#include "imagebank/adapters/http/fetch.hpp"
#include "imagebank/image/format.hpp"
#include "s3_loopback_server.hpp"
#include "support/test_support.hpp"

namespace imagebank {
namespace {

using http::AddressClass;
using std::chrono::milliseconds;
using testing::http_reply;
using testing::LoopbackReply;
using testing::LoopbackRequest;
using testing::LoopbackServer;

AddressClass klass(const char* text) {
  auto a = http::parse_ip_address(text);
  EXPECT_TRUE(a.ok()) << text << ": " << a.status();
  return a.ok() ? http::classify_address(*a) : AddressClass::kPublic;
}

TEST(AddressPolicy, ClassifiesIpv4AndIpv6) {
  struct Case {
    const char* address;
    AddressClass expected;
  };
  const Case cases[] = {
      {"8.8.8.8", AddressClass::kPublic},
      {"151.101.1.69", AddressClass::kPublic},
      {"127.0.0.1", AddressClass::kLoopback},
      {"127.255.255.254", AddressClass::kLoopback},
      {"10.0.0.5", AddressClass::kPrivate},
      {"172.16.0.1", AddressClass::kPrivate},
      {"172.31.255.255", AddressClass::kPrivate},
      {"172.32.0.1", AddressClass::kPublic},
      {"172.15.255.255", AddressClass::kPublic},
      {"192.168.1.1", AddressClass::kPrivate},
      {"100.64.0.1", AddressClass::kPrivate},
      {"100.128.0.1", AddressClass::kPublic},
      {"169.254.169.254", AddressClass::kLinkLocal},
      {"224.0.0.1", AddressClass::kMulticast},
      {"239.255.255.250", AddressClass::kMulticast},
      {"0.0.0.0", AddressClass::kUnspecified},
      {"0.1.2.3", AddressClass::kUnspecified},
      {"255.255.255.255", AddressClass::kReserved},
      {"240.0.0.1", AddressClass::kReserved},
      {"192.0.2.10", AddressClass::kReserved},
      {"198.18.0.1", AddressClass::kReserved},
      {"::", AddressClass::kUnspecified},
      {"::1", AddressClass::kLoopback},
      {"2606:4700::6810:84e5", AddressClass::kPublic},
      {"fe80::1", AddressClass::kLinkLocal},
      {"fc00::1", AddressClass::kPrivate},
      {"fd12:3456::1", AddressClass::kPrivate},
      {"fec0::1", AddressClass::kPrivate},
      {"ff02::1", AddressClass::kMulticast},
      {"2001:db8::1", AddressClass::kReserved},
      // IPv6 forms that reach an IPv4 address are classed by it.
      {"::ffff:127.0.0.1", AddressClass::kLoopback},
      {"::ffff:7f00:1", AddressClass::kLoopback},
      {"::ffff:169.254.169.254", AddressClass::kLinkLocal},
      {"::ffff:10.1.2.3", AddressClass::kPrivate},
      {"::ffff:8.8.8.8", AddressClass::kPublic},
      {"::127.0.0.1", AddressClass::kLoopback},
      {"::10.0.0.1", AddressClass::kPrivate},
      {"64:ff9b::a9fe:a9fe", AddressClass::kLinkLocal},
      {"64:ff9b::8.8.8.8", AddressClass::kPublic},
      {"2002:7f00:1::", AddressClass::kLoopback},
      {"2002:c0a8:101::1", AddressClass::kPrivate},
      {"2002:808:808::1", AddressClass::kPublic},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(klass(c.address), c.expected)
        << c.address << " is " << http::address_class_name(klass(c.address));
  }
  for (const char* bad : {"", "localhost", "2130706433", "1.2.3", "::g",
                          "fe80::1%eth0", "[::1]"}) {
    EXPECT_EQ(http::parse_ip_address(bad).status().code(),
              ErrorCode::kInvalidArgument)
        << bad;
  }
}

TEST(AddressPolicy, AllowsOnlyPublicAddressesOrListedHosts) {
  const auto loopback = *http::parse_ip_address("127.0.0.1");
  const auto metadata = *http::parse_ip_address("169.254.169.254");
  const auto pub = *http::parse_ip_address("8.8.8.8");
  http::AddressPolicy none;
  EXPECT_TRUE(http::check_address(none, "cdn.example", 443, pub).ok());
  Status refused = http::check_address(none, "evil.test", 80, loopback);
  EXPECT_EQ(refused.code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(refused.message().find("evil.test resolves to 127.0.0.1"),
            std::string::npos)
      << refused;
  EXPECT_NE(refused.message().find("loopback"), std::string::npos);
  EXPECT_EQ(http::check_address(none, "169.254.169.254", 80, metadata).code(),
            ErrorCode::kPermissionDenied);

  http::AddressPolicy allow;
  allow.allow_hosts = {"Images.Internal", "127.0.0.1:8080", "[::1]:81"};
  EXPECT_TRUE(http::check_address(allow, "images.internal", 9, loopback).ok());
  EXPECT_TRUE(http::check_address(allow, "127.0.0.1", 8080, loopback).ok());
  EXPECT_FALSE(http::check_address(allow, "127.0.0.1", 8081, loopback).ok());
  EXPECT_TRUE(
      http::check_address(allow, "::1", 81, *http::parse_ip_address("::1"))
          .ok());
  // The allowance is for the host as the URL names it, not the address.
  EXPECT_FALSE(http::check_address(allow, "localhost", 8080, loopback).ok());

  for (const char* bad : {"", "a b", "host:", "host:0", "host:65536", "[::1",
                          "user@host", "host/path"}) {
    EXPECT_EQ(http::validate_allow_host(bad).code(),
              ErrorCode::kInvalidArgument)
        << bad;
  }
}

TEST(FetchUrl, ParsesHttpAndHttpsOnly) {
  auto a =
      http::parse_url("HTTPS://Cdn.Example.com/fotos/ABC 123_FRENTE.jpg?v=2#x");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_TRUE(a->endpoint.tls);
  EXPECT_EQ(a->endpoint.host, "cdn.example.com");
  EXPECT_EQ(a->endpoint.port, 443);
  EXPECT_EQ(a->target, "/fotos/ABC%20123_FRENTE.jpg?v=2");
  EXPECT_EQ(a->text(),
            "https://cdn.example.com/fotos/ABC%20123_FRENTE.jpg?v=2");
  auto b = http::parse_url("http://[::ffff:127.0.0.1]:8080");
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->endpoint.host, "::ffff:127.0.0.1");
  EXPECT_EQ(b->target, "/");
  for (const char* bad : {"ftp://x/a.jpg", "file:///etc/passwd", "gopher://x/",
                          "x/a.jpg", "http://user:pw@x/a.jpg", "http:///a.jpg",
                          "http://x:0/", "http://x:99999/", "http://[1.2.3.4]/",
                          "http://x/a\nb", "http://ex%61mple.com/"}) {
    EXPECT_EQ(http::parse_url(bad).status().code(), ErrorCode::kInvalidArgument)
        << bad;
  }
  EXPECT_FALSE(http::parse_url("http://x/" + std::string(3000, 'a')).ok());

  const http::Url base = *http::parse_url("http://h:81/a/b/c.jpg?q=1");
  EXPECT_EQ(http::resolve_location(base, "d.jpg")->text(),
            "http://h:81/a/b/d.jpg");
  EXPECT_EQ(http::resolve_location(base, "/x.jpg")->text(),
            "http://h:81/x.jpg");
  EXPECT_EQ(http::resolve_location(base, "//o/y.jpg")->text(),
            "http://o/y.jpg");
  EXPECT_EQ(http::resolve_location(base, "https://o:9/z")->text(),
            "https://o:9/z");
  EXPECT_EQ(http::resolve_location(base, "file:///etc/passwd").status().code(),
            ErrorCode::kInvalidArgument);
}

// Every form a Location takes, from an https URL: the scheme-relative one
// keeps https (a downgrade to http would leak the request in clear).
TEST(UrlTest, RedirectsResolveAgainstAnHttpsBase) {
  const http::Url base = *http::parse_url("https://cdn.test/img/a/b.jpg?v=2");
  const std::pair<const char*, const char*> cases[] = {
      {"//other.test/x.jpg", "https://other.test/x.jpg"},
      {"//other.test:8443/x.jpg?k=1", "https://other.test:8443/x.jpg?k=1"},
      {"//other.test", "https://other.test/"},
      {"/p/q.jpg", "https://cdn.test/p/q.jpg"},
      {"/p/q.jpg?z=1#frag", "https://cdn.test/p/q.jpg?z=1"},
      {"c.jpg", "https://cdn.test/img/a/c.jpg"},
      {"c.jpg?t=1:2", "https://cdn.test/img/a/c.jpg?t=1:2"},
      {"../c.jpg", "https://cdn.test/img/c.jpg"},
      {"./d/../e.jpg", "https://cdn.test/img/a/e.jpg"},
      {"../../../../up.jpg", "https://cdn.test/up.jpg"},
      {"/x/./y/../z/", "https://cdn.test/x/z/"},
      {"?q=3", "https://cdn.test/img/a/b.jpg?q=3"},
      {"#top", "https://cdn.test/img/a/b.jpg?v=2"},
      {"http://cdn.test/plain.jpg", "http://cdn.test/plain.jpg"},
      {"HTTPS://Other.Test/Up.jpg", "https://other.test/Up.jpg"},
  };
  for (const auto& [location, want] : cases) {
    Result<http::Url> got = http::resolve_location(base, location);
    ASSERT_TRUE(got.ok()) << location << ": " << got.status().to_string();
    EXPECT_EQ(got->text(), want) << location;
  }
  // And from http to https by an absolute Location.
  const http::Url plain = *http::parse_url("http://cdn.test/a.jpg");
  EXPECT_EQ(http::resolve_location(plain, "https://cdn.test/a.jpg")->text(),
            "https://cdn.test/a.jpg");
  EXPECT_EQ(http::resolve_location(plain, "//cdn.test/b.jpg")->text(),
            "http://cdn.test/b.jpg");
  EXPECT_EQ(http::resolve_location(base, "").status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(http::resolve_location(base, "javascript:alert(1)").status().code(),
            ErrorCode::kInvalidArgument);
}

// A fetcher allowed to reach `hosts` (the tests' loopback servers).
std::unique_ptr<http::UrlFetcher> fetcher(std::vector<std::string> hosts,
                                          http::FetchOptions o = {}) {
  o.policy.allow_hosts = std::move(hosts);
  o.retry.base = milliseconds(20);
  o.retry.cap = milliseconds(100);
  o.resolve =
      [](const std::string& host) -> Result<std::vector<http::IpAddress>> {
    // Names of the tests' own: everything else goes to the real resolver's
    // stand-in below (literal addresses only).
    if (host == "images.test")
      return std::vector{*http::parse_ip_address("127.0.0.1")};
    if (host == "evil.test")
      return std::vector{*http::parse_ip_address("10.0.0.5")};
    if (host == "mixed.test") {
      return std::vector{*http::parse_ip_address("8.8.8.8"),
                         *http::parse_ip_address("169.254.169.254")};
    }
    if (host == "localhost")
      return std::vector{*http::parse_ip_address("127.0.0.1")};
    Result<http::IpAddress> ip = http::parse_ip_address(host);
    if (!ip.ok()) return unavailable_error(host + ": unknown in this test");
    return std::vector{*ip};
  };
  auto f = http::UrlFetcher::create(std::move(o));
  EXPECT_TRUE(f.ok()) << f.status();
  return std::move(*f);
}

std::string jpeg_bytes() {
  const auto bytes = testing::read_file(testing::data_path("orient1.jpg"));
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

TEST(UrlFetcher, FetchesFromAnAllowedHostAndTrustsBytesNotContentType) {
  const std::string jpeg = jpeg_bytes();
  LoopbackServer server([&](const LoopbackRequest&) {
    return http_reply(200, jpeg, "Content-Type: image/png\r\n");
  });
  const std::string url = server.endpoint() + "/fotos/ABC123_FRENTE.jpg";
  auto f = fetcher({"127.0.0.1:" + std::to_string(server.port())});
  auto got = f->fetch(url);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->bytes.size(), jpeg.size());
  EXPECT_EQ(got->content_type, "image/png");
  // The server said PNG; the bytes are a JPEG and are read as one.
  EXPECT_EQ(sniff_format(got->bytes), Format::kJpeg);
  EXPECT_EQ(server.seen().back().target, "/fotos/ABC123_FRENTE.jpg");

  // The same URL without the allowance: refused before any connection.
  const int before = server.connections();
  auto plain = fetcher({});
  auto refused = plain->fetch(url);
  EXPECT_EQ(refused.status().code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(refused.status().message().find("loopback"), std::string::npos)
      << refused.status();
  EXPECT_EQ(server.connections(), before);
}

TEST(UrlFetcher, RefusesPrivateAddressesInEveryForm) {
  LoopbackServer server(
      [](const LoopbackRequest&) { return http_reply(200, "x"); });
  const std::string port = std::to_string(server.port());
  auto f = fetcher({});
  for (const std::string& url :
       {"http://127.0.0.1:" + port + "/a.jpg",
        "http://localhost:" + port + "/a.jpg",
        "http://[::ffff:127.0.0.1]:" + port + "/a.jpg",
        "http://[::1]:" + port + "/a.jpg", "http://0.0.0.0:" + port + "/a.jpg",
        std::string("http://169.254.169.254/latest/meta-data/"),
        std::string("http://evil.test/a.jpg"),
        std::string("http://mixed.test/a.jpg"),
        std::string("http://[fe80::1]/a.jpg"),
        std::string("http://224.0.0.1/a.jpg")}) {
    auto r = f->fetch(url);
    EXPECT_EQ(r.status().code(), ErrorCode::kPermissionDenied) << url;
    std::cout << "refused: " << r.status() << "\n";
  }
  EXPECT_EQ(server.connections(), 0);
  auto evil = f->fetch("http://evil.test/a.jpg");
  EXPECT_NE(evil.status().message().find("evil.test resolves to 10.0.0.5"),
            std::string::npos)
      << evil.status();
}

TEST(UrlFetcher, RealResolverRefusesLoopbackNames) {
  // No stand-in resolver: the system's answers are what is checked.
  LoopbackServer server(
      [](const LoopbackRequest&) { return http_reply(200, "x"); });
  const std::string port = std::to_string(server.port());
  http::FetchOptions o;
  auto f = http::UrlFetcher::create(o);
  ASSERT_TRUE(f.ok());
  for (const std::string& url : {"http://localhost:" + port + "/a.jpg",
                                 "http://2130706433:" + port + "/a.jpg",
                                 "http://0x7f.1:" + port + "/a.jpg"}) {
    auto r = (*f)->fetch(url);
    EXPECT_FALSE(r.ok()) << url;
    std::cout << url << ": " << r.status() << "\n";
    // A resolver that accepts the form answers 127.0.0.1: refused.
    if (r.status().code() != ErrorCode::kUnavailable &&
        r.status().code() != ErrorCode::kInvalidArgument) {
      EXPECT_EQ(r.status().code(), ErrorCode::kPermissionDenied) << url;
    }
  }
  EXPECT_EQ(server.connections(), 0);
}

TEST(UrlFetcher, FollowsFiveRedirectsRefusesTheSixthAndChecksEach) {
  LoopbackServer server([&](const LoopbackRequest& req) {
    // /r/N redirects to /r/N-1; /r/0 is the image.
    const int n = std::stoi(req.target.substr(3));
    if (n == 0) return http_reply(200, "image");
    return http_reply(302, "",
                      "Location: /r/" + std::to_string(n - 1) + "\r\n");
  });
  auto f = fetcher({"127.0.0.1"});
  auto five = f->fetch(server.endpoint() + "/r/5");
  ASSERT_TRUE(five.ok()) << five.status();
  EXPECT_EQ(five->redirects, 5);
  EXPECT_EQ(five->url, server.endpoint() + "/r/0");
  auto six = f->fetch(server.endpoint() + "/r/6");
  EXPECT_EQ(six.status().code(), ErrorCode::kLimitExceeded) << six.status();

  // images.test (allowed, resolves to 127.0.0.1) redirects to 127.0.0.1,
  // which is not allowed: refused at the redirect.
  const std::string port = std::to_string(server.port());
  LoopbackServer bouncer([&](const LoopbackRequest&) {
    return http_reply(301, "",
                      "Location: http://127.0.0.1:" + port + "/r/0\r\n");
  });
  auto g = fetcher({"images.test"});
  const int before = server.requests();
  auto bounced = g->fetch(
      "http://images.test:" + std::to_string(bouncer.port()) + "/a.jpg");
  EXPECT_EQ(bounced.status().code(), ErrorCode::kPermissionDenied)
      << bounced.status();
  EXPECT_NE(bounced.status().message().find("redirected to http://127.0.0.1"),
            std::string::npos)
      << bounced.status();
  EXPECT_EQ(server.requests(), before);
  std::cout << "refused: " << bounced.status() << "\n";
  // And a redirect to another scheme is refused.
  LoopbackServer to_file([&](const LoopbackRequest&) {
    return http_reply(302, "", "Location: file:///etc/passwd\r\n");
  });
  auto h = fetcher({"127.0.0.1"});
  EXPECT_EQ(h->fetch(to_file.endpoint() + "/a").status().code(),
            ErrorCode::kInvalidArgument);
}

TEST(UrlFetcher, FollowsRelativeQueryAndSchemeRelativeLocations) {
  std::vector<std::string> seen;
  std::mutex mu;
  std::string port;
  LoopbackServer server([&](const LoopbackRequest& req) {
    {
      std::lock_guard lock(mu);
      seen.push_back(req.target);
    }
    if (req.target == "/img/a/start.jpg") {
      return http_reply(302, "", "Location: ../b/./rel.jpg\r\n");
    }
    if (req.target == "/img/b/rel.jpg") {
      return http_reply(307, "", "Location: ?v=2\r\n");
    }
    if (req.target == "/img/b/rel.jpg?v=2") {
      return http_reply(301, "",
                        "Location: //127.0.0.1:" + port + "/final.jpg\r\n");
    }
    if (req.target == "/final.jpg") return http_reply(200, "image");
    return http_reply(404, "no");
  });
  port = std::to_string(server.port());
  auto f = fetcher({"127.0.0.1"});
  auto got = f->fetch(server.endpoint() + "/img/a/start.jpg");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->redirects, 3);
  EXPECT_EQ(got->url, server.endpoint() + "/final.jpg");
  std::lock_guard lock(mu);
  EXPECT_EQ(seen,
            (std::vector<std::string>{"/img/a/start.jpg", "/img/b/rel.jpg",
                                      "/img/b/rel.jpg?v=2", "/final.jpg"}));
}

TEST(UrlFetcher, RetriesRateLimitsAndServerErrors) {
  std::atomic<int> calls{0};
  LoopbackServer server([&](const LoopbackRequest& req) {
    const int n = ++calls;
    if (req.target == "/busy" && n == 1) {
      return http_reply(429, "slow down", "Retry-After: 1\r\n");
    }
    if (req.target == "/flaky" && n <= 2) return http_reply(500, "oops");
    if (req.target == "/gone") return http_reply(404, "no such image");
    if (req.target == "/down") return http_reply(503, "maintenance");
    return http_reply(200, "image");
  });
  auto f = fetcher({"127.0.0.1"});
  const auto t0 = std::chrono::steady_clock::now();
  auto busy = f->fetch(server.endpoint() + "/busy");
  const auto waited = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(busy.ok()) << busy.status();
  EXPECT_EQ(busy->attempts, 2);
  EXPECT_GE(waited, milliseconds(950));  // Retry-After: 1 was honoured

  calls = 0;
  auto flaky = f->fetch(server.endpoint() + "/flaky");
  ASSERT_TRUE(flaky.ok()) << flaky.status();
  EXPECT_EQ(flaky->attempts, 3);

  calls = 0;
  auto gone = f->fetch(server.endpoint() + "/gone");
  EXPECT_EQ(gone.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(calls.load(), 1);  // not retried
  EXPECT_NE(gone.status().message().find("HTTP 404"), std::string::npos);

  calls = 0;
  auto down = f->fetch(server.endpoint() + "/down");
  EXPECT_EQ(down.status().code(), ErrorCode::kUnavailable) << down.status();
  EXPECT_EQ(calls.load(), 4);  // RetryPolicy's max_attempts

  // A Retry-After longer than the fetcher waits: rate_limited at once,
  // carrying the delay for the job's own retry.
  LoopbackServer later([](const LoopbackRequest&) {
    return http_reply(429, "", "Retry-After: 3600\r\n");
  });
  auto r = f->fetch(later.endpoint() + "/a");
  EXPECT_EQ(r.status().code(), ErrorCode::kRateLimited);
  EXPECT_EQ(r.status().retry_after(), milliseconds(3600 * 1000));
  EXPECT_EQ(later.requests(), 1);
}

// Streams a body of `total` bytes without a Content-Length, counting what
// the client took before it hung up.
class StreamingServer {
 public:
  explicit StreamingServer(std::size_t total) : total_(total) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(fd_, 4), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~StreamingServer() {
    thread_.join();
    ::close(fd_);
  }
  std::uint16_t port() const { return port_; }
  std::size_t sent() const { return sent_.load(); }
  bool cut() const { return cut_.load(); }

 private:
  void serve() {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 10000) <= 0) return;
    const int c = ::accept(fd_, nullptr, nullptr);
    if (c < 0) return;
    char buf[4096];
    (void)::recv(c, buf, sizeof buf, 0);
    const std::string head =
        "HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nConnection: "
        "close\r\n\r\n";
    (void)::send(c, head.data(), head.size(), MSG_NOSIGNAL);
    const std::string chunk(64 * 1024, 'x');
    while (sent_ < total_) {
      const ssize_t n = ::send(c, chunk.data(), chunk.size(), MSG_NOSIGNAL);
      if (n <= 0) {
        cut_ = true;
        break;
      }
      sent_ += static_cast<std::size_t>(n);
    }
    ::close(c);
  }
  std::size_t total_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<std::size_t> sent_{0};
  std::atomic<bool> cut_{false};
  std::thread thread_;
};

TEST(UrlFetcher, StopsReadingABodyPastTheLimit) {
  constexpr std::size_t kTotal = 256u << 20;
  StreamingServer server(kTotal);
  http::FetchOptions o;
  o.max_bytes = 1u << 20;
  auto f = fetcher({"127.0.0.1"}, o);
  auto r = f->fetch("http://127.0.0.1:" + std::to_string(server.port()) +
                    "/huge.jpg");
  EXPECT_EQ(r.status().code(), ErrorCode::kLimitExceeded) << r.status();
  // Joins the server: it saw the connection closed long before the end.
  const auto until =
      std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!server.cut() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_TRUE(server.cut());
  EXPECT_LT(server.sent(), kTotal / 4);

  // A Content-Length above the limit is refused before the body.
  LoopbackServer big([](const LoopbackRequest&) {
    LoopbackReply reply;
    reply.raw = "HTTP/1.1 200 OK\r\nContent-Length: 900000000\r\n\r\nxx";
    reply.close_after = true;
    return reply;
  });
  auto r2 = f->fetch(big.endpoint() + "/big.jpg");
  EXPECT_EQ(r2.status().code(), ErrorCode::kLimitExceeded) << r2.status();
  EXPECT_NE(r2.status().message().find("900000000"), std::string::npos);
}

TEST(UrlFetcher, GivesUpAtTheTotalTimeout) {
  LoopbackServer silent(
      [](const LoopbackRequest&) -> std::optional<LoopbackReply> {
        return std::nullopt;
      });
  http::FetchOptions o;
  o.total_timeout = milliseconds(400);
  auto f = fetcher({"127.0.0.1"}, o);
  const auto t0 = std::chrono::steady_clock::now();
  auto r = f->fetch(silent.endpoint() + "/slow.jpg");
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(r.status().code(), ErrorCode::kDeadlineExceeded) << r.status();
  EXPECT_LT(took, milliseconds(3000));
}

TEST(UrlFetcher, HoldsPerHostConcurrencyAcrossThreads) {
  std::atomic<int> active{0}, peak{0};
  LoopbackServer server([&](const LoopbackRequest&) {
    const int now = ++active;
    int seen = peak.load();
    while (now > seen && !peak.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(milliseconds(100));
    --active;
    return http_reply(200, "image");
  });
  auto f = fetcher({"127.0.0.1"});  // per_host 2 by default
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      if (f->fetch(server.endpoint() + "/" + std::to_string(i) + ".jpg").ok()) {
        ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(peak.load(), 2);  // never more than 2 at once, and 2 were used
}

}  // namespace
}  // namespace imagebank
