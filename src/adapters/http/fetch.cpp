// The URL fetcher (fetch.hpp): redirects, retries, limits and the address
// policy on top of the shared client.
#include "imagebank/adapters/http/fetch.hpp"

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace imagebank::http {
namespace {

constexpr std::size_t kErrorBodyBytes = 4096;
constexpr std::size_t kMaxClients = 256;

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 ||
         status == 308;
}

bool is_retryable_status(int status) {
  return status == 429 || status == 500 || status == 502 || status == 503 ||
         status == 504;
}

std::string host_key(const Url& url) {
  return std::string(url.endpoint.tls ? "https://" : "http://") +
         url.endpoint.host + ":" + std::to_string(url.endpoint.port);
}

// Exchanges in flight per host:port and overall.
class Limiter {
 public:
  Limiter(std::size_t per_host, std::size_t global)
      : per_host_(per_host), global_(global) {}

  // False when the deadline passed first.
  bool acquire(const std::string& host, Clock::time_point deadline) {
    std::unique_lock lock(mu_);
    const bool got = cv_.wait_until(lock, deadline, [&] {
      return total_ < global_ && hosts_[host] < per_host_;
    });
    if (!got) {
      if (hosts_[host] == 0) hosts_.erase(host);
      return false;
    }
    ++total_;
    ++hosts_[host];
    return true;
  }
  void release(const std::string& host) {
    {
      std::lock_guard lock(mu_);
      --total_;
      if (--hosts_[host] == 0) hosts_.erase(host);
    }
    cv_.notify_all();
  }

 private:
  std::size_t per_host_, global_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::size_t total_ = 0;
  std::map<std::string, std::size_t> hosts_;
};

std::string status_text(int status, const HttpResponse& response) {
  std::string out = "the server answered HTTP " + std::to_string(status);
  std::string head = response.body.substr(0, 120);
  bool printable = !head.empty();
  for (char ch : head) {
    if (static_cast<unsigned char>(ch) < 0x20 && ch != '\n' && ch != '\r' &&
        ch != '\t') {
      printable = false;
    }
  }
  if (printable) {
    std::replace(head.begin(), head.end(), '\n', ' ');
    std::replace(head.begin(), head.end(), '\r', ' ');
    out += " (" + head + ")";
  }
  return out;
}

}  // namespace

Status validate(const FetchOptions& o) {
  using std::chrono::milliseconds;
  auto bad = [](std::string what) {
    return invalid_argument_error("fetch options: " + what);
  };
  if (o.connect_timeout < milliseconds(1) || o.io_timeout < milliseconds(1) ||
      o.total_timeout < milliseconds(1)) {
    return bad("timeouts must be positive");
  }
  if (o.max_bytes == 0) return bad("max_bytes must be at least 1");
  if (o.max_redirects < 0 || o.max_redirects > 20) {
    return bad("max_redirects must be 0..20");
  }
  if (o.retry.max_attempts < 1 || o.retry.max_attempts > 20) {
    return bad("retry attempts must be 1..20");
  }
  if (o.per_host < 1 || o.per_host > 64) return bad("per_host must be 1..64");
  if (o.global < 1 || o.global > 1024) return bad("global must be 1..1024");
  for (const std::string& host : o.policy.allow_hosts) {
    IMAGEBANK_RETURN_IF_ERROR(validate_allow_host(host));
  }
  return ok_status();
}

struct UrlFetcher::Impl {
  FetchOptions options;
  Limiter limiter;
  std::mutex mu;
  std::map<std::string, std::shared_ptr<HttpClient>> clients;

  explicit Impl(FetchOptions o)
      : options(std::move(o)), limiter(options.per_host, options.global) {}

  Result<std::shared_ptr<HttpClient>> client(const Url& url) {
    const std::string key = host_key(url);
    std::lock_guard lock(mu);
    if (auto it = clients.find(key); it != clients.end()) return it->second;
    if (clients.size() >= kMaxClients) clients.clear();
    HttpClientOptions co;
    co.connect_timeout = options.connect_timeout;
    co.io_timeout = options.io_timeout;
    co.verify_tls = options.verify_tls;
    co.ca_file = options.ca_file;
    co.max_idle_connections = options.per_host;
    co.resolve = options.resolve;
    co.vet =
        [policy = options.policy](
            const Endpoint& endpoint,
            std::vector<IpAddress> found) -> Result<std::vector<IpAddress>> {
      // Every address must pass: a host that also resolves to a private
      // address is refused whole rather than connected to its public half.
      for (const IpAddress& a : found) {
        IMAGEBANK_RETURN_IF_ERROR(
            check_address(policy, endpoint.host, endpoint.port, a));
      }
      return found;
    };
    IMAGEBANK_ASSIGN_OR_RETURN(std::unique_ptr<HttpClient> made,
                               HttpClient::create(url.endpoint, co));
    std::shared_ptr<HttpClient> shared = std::move(made);
    clients[key] = shared;
    return shared;
  }

  Result<Fetched> fetch(std::string_view text, Clock::time_point deadline,
                        std::uint64_t max_bytes);
};

UrlFetcher::UrlFetcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
UrlFetcher::~UrlFetcher() = default;

Result<std::unique_ptr<UrlFetcher>> UrlFetcher::create(FetchOptions options) {
  IMAGEBANK_RETURN_IF_ERROR(validate(options));
  return std::unique_ptr<UrlFetcher>(
      new UrlFetcher(std::make_unique<Impl>(std::move(options))));
}

const FetchOptions& UrlFetcher::options() const noexcept {
  return impl_->options;
}

Result<Fetched> UrlFetcher::fetch(std::string_view url,
                                  Clock::time_point deadline) {
  return impl_->fetch(url, deadline, impl_->options.max_bytes);
}

Result<FetchedImage> UrlFetcher::fetch_image(std::string_view url,
                                             std::uint64_t max_bytes) {
  IMAGEBANK_ASSIGN_OR_RETURN(
      Fetched got, impl_->fetch(url, Clock::time_point::max(),
                                std::min(max_bytes, impl_->options.max_bytes)));
  return FetchedImage{std::move(got.bytes), std::move(got.url)};
}

Result<Fetched> UrlFetcher::Impl::fetch(std::string_view text,
                                        Clock::time_point deadline,
                                        std::uint64_t max_bytes) {
  const auto started = Clock::now();
  deadline = std::min(deadline, started + options.total_timeout);
  IMAGEBANK_ASSIGN_OR_RETURN(Url url, parse_url(text));
  const std::string original = url.text();
  Fetched out;
  auto named = [&](Status s) {
    std::string where = original;
    if (url.text() != original) where += " (redirected to " + url.text() + ")";
    return s.message().find(url.text()) != std::string::npos
               ? s
               : s.with_context(where);
  };
  auto timed_out = [&] {
    return named(deadline_exceeded_error(
        "no complete answer within " +
        std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                           Clock::now() - started)
                           .count()) +
        " ms"));
  };
  int attempt = 0;  // for the current URL
  for (;;) {
    if (Clock::now() >= deadline) return timed_out();
    IMAGEBANK_ASSIGN_OR_RETURN(std::shared_ptr<HttpClient> http, client(url));
    const std::string key = host_key(url);
    if (!limiter.acquire(key, deadline)) return timed_out();
    ++attempt;
    ++out.attempts;
    out.bytes.clear();
    ResponseSink sink;
    sink.on_head = [&](const HttpResponse& head) -> Status {
      if (const std::string* length = head.header("content-length")) {
        std::uint64_t n = 0;
        const auto [p, ec] =
            std::from_chars(length->data(), length->data() + length->size(), n);
        if (ec == std::errc() && n > max_bytes) {
          return limit_exceeded_error("the server announces " +
                                      std::to_string(n) +
                                      " bytes, more than the limit of " +
                                      std::to_string(max_bytes) + " bytes");
        }
      }
      return ok_status();
    };
    sink.on_body = [&](std::span<const std::byte> chunk) -> Status {
      if (out.bytes.size() + chunk.size() > max_bytes) {
        return limit_exceeded_error("the body is larger than the limit of " +
                                    std::to_string(max_bytes) + " bytes");
      }
      out.bytes.insert(out.bytes.end(), chunk.begin(), chunk.end());
      return ok_status();
    };
    HttpRequest request;
    request.method = "GET";
    request.target = url.target;
    request.headers = {{"User-Agent", options.user_agent},
                       {"Accept", "image/*,*/*;q=0.5"}};
    request.deadline = deadline;
    Result<HttpResponse> answer = http->send(request, &sink, kErrorBodyBytes);
    limiter.release(key);

    std::chrono::milliseconds wait = backoff_delay(options.retry, attempt);
    Status failure;
    if (!answer.ok()) {
      const ErrorCode code = answer.status().code();
      if (code != ErrorCode::kUnavailable) return named(answer.status());
      failure = answer.status();
    } else {
      const int status = answer->status;
      if (status / 100 == 2) {
        if (out.bytes.empty()) {
          return named(corrupt_data_error("the server sent an empty body"));
        }
        if (const std::string* type = answer->header("content-type")) {
          out.content_type = *type;
        }
        out.url = url.text();
        return out;
      }
      if (is_redirect(status)) {
        const std::string* location = answer->header("location");
        if (location == nullptr) {
          return named(corrupt_data_error("HTTP " + std::to_string(status) +
                                          " without a Location"));
        }
        if (out.redirects >= options.max_redirects) {
          return named(limit_exceeded_error(
              "more than " + std::to_string(options.max_redirects) +
              " redirects (the next was to " + location->substr(0, 200) + ")"));
        }
        Result<Url> next = resolve_location(url, *location);
        if (!next.ok()) {
          return named(next.status().with_context("a bad redirect"));
        }
        ++out.redirects;
        url = *next;
        attempt = 0;
        continue;
      }
      const std::string what = status_text(status, *answer);
      if (status == 404 || status == 410) return named(not_found_error(what));
      if (status == 401) return named(unauthenticated_error(what));
      if (status == 403) return named(permission_denied_error(what));
      if (!is_retryable_status(status)) {
        return named(invalid_argument_error(what));
      }
      failure =
          status == 429 ? rate_limited_error(what) : unavailable_error(what);
      if (const std::string* after = answer->header("retry-after")) {
        if (auto asked =
                parse_retry_after(*after, std::chrono::system_clock::now())) {
          if (*asked > options.max_retry_after) {
            return named(failure.with_retry_after(*asked));
          }
          wait = *asked;
          failure = failure.with_retry_after(*asked);
        }
      }
    }
    if (attempt >= options.retry.max_attempts ||
        Clock::now() + wait >= deadline) {
      return named(
          failure.with_context("after " + std::to_string(attempt) +
                               (attempt == 1 ? " attempt" : " attempts")));
    }
    std::this_thread::sleep_for(wait);
  }
}

}  // namespace imagebank::http
