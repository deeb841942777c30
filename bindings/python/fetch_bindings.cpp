// The URL fetcher of URL-list batches and its address policy
// (adapters/http/address_policy.hpp, fetch.hpp): IpAddress,
// parse_ip_address, ip_address_string, classify_address on an IpAddress,
// AddressPolicy, check_address; Url, parse_url, resolve_location;
// UrlFetcher (fetch, fetch_image), Fetched, FetchedImage,
// validate_fetch_options. Registered after init_urls (classify_address on
// a str is url_bindings.cpp's; this adds the IpAddress overload).
//
// A fetch runs with the GIL released. The optional `resolve` hook (a
// Python callable replacing DNS) takes the GIL only while it is called.
#include <pybind11/stl.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bindings.hpp"
#include "imagebank/adapters/http/address_policy.hpp"
#include "imagebank/adapters/http/fetch.hpp"

namespace imagebank::python {
namespace {

using http::IpAddress;

bool interpreter_alive() {
#if PY_VERSION_HEX >= 0x030D0000
  return Py_IsInitialized() && !Py_IsFinalizing();
#else
  return Py_IsInitialized() && !_Py_IsFinalizing();
#endif
}

std::string py_repr(const std::string& s) {
  return py::repr(py::str(s)).cast<std::string>();
}

// An address given as an IpAddress or as its text.
using AddressArg = Typed<"IpAddress | str">;
IpAddress address_arg(const py::handle& obj) {
  if (py::isinstance<IpAddress>(obj)) return obj.cast<IpAddress>();
  if (py::isinstance<py::str>(obj)) {
    return unwrap(http::parse_ip_address(obj.cast<std::string>()));
  }
  check(invalid_argument_error(
      "expected an IpAddress or its text, got " +
      std::string(py::str(py::type::handle_of(obj).attr("__name__")))));
  return {};
}

py::bytes packed(const IpAddress& a) {
  return py::bytes(reinterpret_cast<const char*>(a.bytes.data()),
                   a.v6 ? 16 : 4);
}

std::chrono::milliseconds seconds_arg(const char* name, double seconds) {
  if (!std::isfinite(seconds) || std::fabs(seconds) > 1e9) {
    check(invalid_argument_error(
        std::string("fetch options: ") + name +
        " must be a number of seconds, not " +
        py::str(py::float_(seconds)).cast<std::string>()));
  }
  return std::chrono::milliseconds(std::llround(seconds * 1000));
}

// The Python callable behind FetchOptions::resolve, released with the GIL
// held (at interpreter exit it is leaked: nothing is left to release it
// to). Each C++ copy of the hook shares one holder.
struct PyCallable {
  py::object fn;
  explicit PyCallable(py::object f) : fn(std::move(f)) {}
  ~PyCallable() {
    if (interpreter_alive()) {
      py::gil_scoped_acquire gil;
      fn = py::object();
    } else {
      fn.release();
    }
  }
  PyCallable(const PyCallable&) = delete;
  PyCallable& operator=(const PyCallable&) = delete;
};

// The hook's answer: addresses (IpAddress or text). Its exceptions: an
// imagebank.Error keeps its code, an OSError (socket.gaierror) is
// `unavailable` as a failed DNS lookup is, anything else `internal`.
Result<std::vector<IpAddress>> call_resolve(const PyCallable& hook,
                                            const std::string& host) {
  if (!interpreter_alive()) {
    return unavailable_error(host + ": the Python resolve hook is gone");
  }
  py::gil_scoped_acquire gil;
  const std::string who = "resolve(" + py_repr(host) + ")";
  try {
    py::object answer = hook.fn(host);
    if (py::isinstance<py::str>(answer) || py::isinstance<py::bytes>(answer) ||
        !py::isinstance<py::sequence>(answer)) {
      return invalid_argument_error(
          who + " returned " + std::string(Py_TYPE(answer.ptr())->tp_name) +
          ", not a sequence of addresses");
    }
    std::vector<IpAddress> out;
    for (const py::handle item : answer) {
      if (py::isinstance<IpAddress>(item)) {
        out.push_back(item.cast<IpAddress>());
      } else if (py::isinstance<py::str>(item)) {
        Result<IpAddress> ip = http::parse_ip_address(item.cast<std::string>());
        if (!ip.ok()) return ip.status().with_context(who);
        out.push_back(*ip);
      } else {
        return invalid_argument_error(
            who + " returned a " + std::string(Py_TYPE(item.ptr())->tp_name) +
            " among its addresses (an IpAddress or its text is expected)");
      }
    }
    return out;
  } catch (py::error_already_set& e) {
    if (is_error_instance(e.value().ptr())) {
      return status_of(py::reinterpret_borrow<ErrorObject>(e.value()))
          .with_context(who);
    }
    if (e.matches(PyExc_OSError)) {
      return unavailable_error(who + ": " + std::string(e.what()));
    }
    return internal_error(who + ": " + std::string(e.what()));
  }
}

using ResolveArg = Typed<
    "collections.abc.Callable[[str], "
    "collections.abc.Sequence[IpAddress | str]] | None">;

http::FetchOptions fetch_options(
    double connect_timeout_seconds, double io_timeout_seconds,
    double total_timeout_seconds, std::uint64_t max_bytes, int max_redirects,
    int retry_attempts, double retry_base_seconds, double retry_cap_seconds,
    double max_retry_after_seconds, std::vector<std::string> allow_hosts,
    bool allow_all, std::size_t per_host, std::size_t concurrency,
    std::string user_agent, bool verify_tls, std::string ca_file,
    const ResolveArg& resolve) {
  http::FetchOptions o;
  o.connect_timeout =
      seconds_arg("connect_timeout_seconds", connect_timeout_seconds);
  o.io_timeout = seconds_arg("io_timeout_seconds", io_timeout_seconds);
  o.total_timeout = seconds_arg("total_timeout_seconds", total_timeout_seconds);
  o.max_bytes = max_bytes;
  o.max_redirects = max_redirects;
  o.retry.max_attempts = retry_attempts;
  o.retry.base = seconds_arg("retry_base_seconds", retry_base_seconds);
  o.retry.cap = seconds_arg("retry_cap_seconds", retry_cap_seconds);
  if (o.retry.base.count() < 0 || o.retry.cap < o.retry.base) {
    check(invalid_argument_error(
        "fetch options: retry_base_seconds must be >= 0 and at most "
        "retry_cap_seconds"));
  }
  o.max_retry_after =
      seconds_arg("max_retry_after_seconds", max_retry_after_seconds);
  if (o.max_retry_after.count() < 0) {
    check(invalid_argument_error(
        "fetch options: max_retry_after_seconds must be >= 0"));
  }
  o.policy.allow_hosts = std::move(allow_hosts);
  o.policy.allow_all = allow_all;
  o.per_host = per_host;
  o.global = concurrency;
  o.user_agent = std::move(user_agent);
  o.verify_tls = verify_tls;
  o.ca_file = std::move(ca_file);
  if (!resolve.is_none()) {
    if (!PyCallable_Check(resolve.ptr())) {
      check(invalid_argument_error(
          "fetch options: resolve must be a callable or None"));
    }
    auto hook = std::make_shared<PyCallable>(resolve);
    o.resolve = [hook](const std::string& host) {
      return call_resolve(*hook, host);
    };
  }
  check(http::validate(o));
  return o;
}

constexpr const char* kFetchOptionsDoc =
    "connect_timeout_seconds: each connection; io_timeout_seconds: each read "
    "or write; total_timeout_seconds: the whole fetch, redirects and retries "
    "included. max_bytes: the longest body (a larger one is cut off, "
    "LimitExceededError). max_redirects: 0..20, each redirect checked as the "
    "URL was. retry_attempts (1..20), retry_base_seconds, retry_cap_seconds: "
    "429, 5xx and failed connections are retried with full-jitter backoff; "
    "a Retry-After up to max_retry_after_seconds is waited for (longer: "
    "RateLimitedError with its retry_after). allow_hosts: hosts ('host' or "
    "'host:port', as URLs spell them) that may resolve to loopback, private, "
    "link-local or other non-public addresses; allow_all: every address. "
    "per_host (1..64) / concurrency (1..1024): exchanges at once per "
    "host:port / in all, across threads. resolve: a callable(host) -> "
    "addresses (IpAddress or text) that replaces DNS (tests map a name to "
    "an address); its answer is checked as DNS's is.";

}  // namespace

void init_fetch(py::module_& m) {
  py::class_<IpAddress>(
      m, "IpAddress",
      "An IPv4 or IPv6 address, as the URL fetcher's policy checks it. "
      "IpAddress('10.0.0.5'), IpAddress('::ffff:127.0.0.1'): IPv6 without "
      "brackets or zone; InvalidArgumentError for anything else (host "
      "names included). str() is the canonical text.")
      .def(py::init([](const std::string& text) {
             return unwrap(http::parse_ip_address(text));
           }),
           py::arg("text"))
      .def_property_readonly(
          "v6", [](const IpAddress& a) { return a.v6; },
          "Whether it is an IPv6 address.")
      .def_property_readonly("packed", &packed,
                             "Its 4 (IPv4) or 16 (IPv6) bytes, network order.")
      .def("__str__", &http::ip_address_string)
      .def("__repr__",
           [](const IpAddress& a) {
             return "IpAddress(" + py_repr(http::ip_address_string(a)) + ")";
           })
      .def("__eq__", eq_method<IpAddress>(), py::arg("other"))
      .def("__hash__", [](const IpAddress& a) {
        return py::hash(py::make_tuple(a.v6, packed(a)));
      });
  m.def(
      "parse_ip_address",
      [](const std::string& text) {
        return unwrap(http::parse_ip_address(text));
      },
      py::arg("text"),
      "The IpAddress a literal spells ('10.0.0.5', '::1', "
      "'::ffff:127.0.0.1'); InvalidArgumentError for host names, brackets, "
      "zones and other forms a resolver may accept.");
  m.def("ip_address_string", &http::ip_address_string, py::arg("address"),
        "The canonical text of an address ('10.0.0.5', '::ffff:7f00:1').");
  m.def(
      "classify_address",
      [](const IpAddress& address) {
        return std::string(
            http::address_class_name(http::classify_address(address)));
      },
      py::arg("address"),
      "The class of an IpAddress (as classify_address on its text).");

  py::class_<http::AddressPolicy>(
      m, "AddressPolicy",
      "Which addresses a fetch may reach: public ones always; the others "
      "(loopback, private, link-local, multicast, unspecified, reserved) "
      "only for a host in allow_hosts ('host' or 'host:port', '[::1]:8080'), "
      "or every address with allow_all.")
      .def(py::init([](std::vector<std::string> allow_hosts, bool allow_all) {
             for (const std::string& h : allow_hosts) {
               check(http::validate_allow_host(h));
             }
             return http::AddressPolicy{std::move(allow_hosts), allow_all};
           }),
           py::kw_only(), py::arg("allow_hosts") = std::vector<std::string>{},
           py::arg("allow_all") = false)
      .def_readwrite("allow_hosts", &http::AddressPolicy::allow_hosts)
      .def_readwrite("allow_all", &http::AddressPolicy::allow_all)
      .def("__repr__", [](const http::AddressPolicy& p) {
        std::string out = "AddressPolicy(allow_hosts=[";
        for (std::size_t i = 0; i < p.allow_hosts.size(); ++i) {
          if (i > 0) out += ", ";
          out += py_repr(p.allow_hosts[i]);
        }
        return out + "], allow_all=" + (p.allow_all ? "True" : "False") + ")";
      });
  m.def(
      "check_address",
      [](const http::AddressPolicy& policy, const std::string& host,
         std::uint16_t port, const AddressArg& address) {
        check(http::check_address(policy, host, port, address_arg(address)));
      },
      py::arg("policy"), py::arg("host"), py::arg("port"), py::arg("address"),
      "Whether the policy lets a URL's host:port be reached at address (an "
      "IpAddress or its text): returns for a public address or an allowed "
      "host; PermissionDeniedError naming the host, the address and its "
      "class otherwise.");

  py::class_<http::Url>(m, "Url",
                        "An absolute http or https URL split for the "
                        "fetcher: where to connect and what to ask for.")
      .def_property_readonly(
          "scheme",
          [](const http::Url& u) { return u.endpoint.tls ? "https" : "http"; })
      .def_property_readonly(
          "host", [](const http::Url& u) { return u.endpoint.host; },
          "Lowercased; an IPv6 literal without brackets.")
      .def_property_readonly("port",
                             [](const http::Url& u) { return u.endpoint.port; })
      .def_readonly("target", &http::Url::target,
                    "The path and query, percent-encoded; '/' at least.")
      .def("text", &http::Url::text,
           "'https://host[:port]/target' (the port when not the scheme's).")
      .def("__str__", &http::Url::text)
      .def("__repr__",
           [](const http::Url& u) { return "Url(" + py_repr(u.text()) + ")"; })
      .def("__eq__",
           eq_method<http::Url>([](const http::Url& a, const http::Url& b) {
             return a.text() == b.text();
           }),
           py::arg("other"));
  m.def(
      "parse_url",
      [](const std::string& text) { return unwrap(http::parse_url(text)); },
      py::arg("text"),
      "An absolute http or https URL as the fetcher reads it: spaces and "
      "bytes above 0x7F in the path and query percent-encoded, the fragment "
      "dropped. InvalidArgumentError (naming the URL) for another scheme, "
      "user info, a bad host or port, control characters, or more than "
      "2,048 bytes.");
  m.def(
      "resolve_location",
      [](const http::Url& base, const std::string& location) {
        return unwrap(http::resolve_location(base, location));
      },
      py::arg("base"), py::arg("location"),
      "Where a redirect's Location leads from base: an absolute URL, "
      "scheme-relative ('//host/x', keeping base's scheme), an absolute "
      "path, a query ('?q', on base's path) or a relative path (against "
      "base's folder; '.' and '..' segments resolved). InvalidArgumentError "
      "for an empty or bad Location.");

  py::class_<http::Fetched>(m, "Fetched", "What UrlFetcher.fetch got.")
      .def_property_readonly(
          "bytes",
          [](const http::Fetched& f) {
            return py::bytes(reinterpret_cast<const char*>(f.bytes.data()),
                             f.bytes.size());
          },
          "The body.")
      .def_readonly("url", &http::Fetched::url,
                    "Where the bytes came from, after redirects.")
      .def_readonly("content_type", &http::Fetched::content_type,
                    "As the server said (not trusted: sniff the bytes).")
      .def_readonly("redirects", &http::Fetched::redirects)
      .def_readonly("attempts", &http::Fetched::attempts,
                    "Exchanges made, retries and redirects included.")
      .def("__repr__", [](const http::Fetched& f) {
        return "Fetched(url=" + py_repr(f.url) +
               ", bytes=" + std::to_string(f.bytes.size()) +
               ", redirects=" + std::to_string(f.redirects) +
               ", attempts=" + std::to_string(f.attempts) + ")";
      });
  py::class_<FetchedImage>(m, "FetchedImage",
                           "What UrlFetcher.fetch_image got.")
      .def_property_readonly(
          "bytes",
          [](const FetchedImage& f) {
            return py::bytes(reinterpret_cast<const char*>(f.bytes.data()),
                             f.bytes.size());
          })
      .def_readonly("url", &FetchedImage::url,
                    "Where the bytes came from, after redirects.")
      .def("__repr__", [](const FetchedImage& f) {
        return "FetchedImage(url=" + py_repr(f.url) +
               ", bytes=" + std::to_string(f.bytes.size()) + ")";
      });

  const std::string validate_doc =
      std::string(
          "Checks UrlFetcher's options as it does: "
          "InvalidArgumentError naming the first one out of range. ") +
      kFetchOptionsDoc;
  m.def(
      "validate_fetch_options",
      [](double connect_timeout_seconds, double io_timeout_seconds,
         double total_timeout_seconds, std::uint64_t max_bytes,
         int max_redirects, int retry_attempts, double retry_base_seconds,
         double retry_cap_seconds, double max_retry_after_seconds,
         std::vector<std::string> allow_hosts, bool allow_all,
         std::size_t per_host, std::size_t concurrency, std::string user_agent,
         bool verify_tls, std::string ca_file, const ResolveArg& resolve) {
        fetch_options(connect_timeout_seconds, io_timeout_seconds,
                      total_timeout_seconds, max_bytes, max_redirects,
                      retry_attempts, retry_base_seconds, retry_cap_seconds,
                      max_retry_after_seconds, std::move(allow_hosts),
                      allow_all, per_host, concurrency, std::move(user_agent),
                      verify_tls, std::move(ca_file), resolve);
      },
      py::kw_only(), py::arg("connect_timeout_seconds") = 5.0,
      py::arg("io_timeout_seconds") = 15.0,
      py::arg("total_timeout_seconds") = 60.0,
      py::arg("max_bytes") = std::uint64_t{50} << 20,
      py::arg("max_redirects") = 5, py::arg("retry_attempts") = 4,
      py::arg("retry_base_seconds") = 0.2, py::arg("retry_cap_seconds") = 5.0,
      py::arg("max_retry_after_seconds") = 30.0,
      py::arg("allow_hosts") = std::vector<std::string>{},
      py::arg("allow_all") = false, py::arg("per_host") = 2,
      py::arg("concurrency") = 16, py::arg("user_agent") = "imagebank",
      py::arg("verify_tls") = true, py::arg("ca_file") = "",
      py::arg("resolve") = py::none(), validate_doc.c_str());

  const std::string fetcher_doc =
      std::string(
          "Fetches images by URL as URL-list batches do, SSRF-safe: only "
          "http and https; each host resolved once and every address it "
          "resolved to checked by the address policy (loopback, private, "
          "link-local — 169.254.169.254 —, multicast, unspecified and "
          "reserved addresses are refused unless the host is allowed); the "
          "connection goes to an address that was checked; each redirect "
          "checked the same way. One fetcher may be used from many threads; "
          "its concurrency limits hold across them. ") +
      kFetchOptionsDoc;
  py::class_<http::UrlFetcher>(m, "UrlFetcher", fetcher_doc.c_str())
      .def(py::init([](double connect_timeout_seconds,
                       double io_timeout_seconds, double total_timeout_seconds,
                       std::uint64_t max_bytes, int max_redirects,
                       int retry_attempts, double retry_base_seconds,
                       double retry_cap_seconds, double max_retry_after_seconds,
                       std::vector<std::string> allow_hosts, bool allow_all,
                       std::size_t per_host, std::size_t concurrency,
                       std::string user_agent, bool verify_tls,
                       std::string ca_file, const ResolveArg& resolve) {
             return unwrap(http::UrlFetcher::create(fetch_options(
                 connect_timeout_seconds, io_timeout_seconds,
                 total_timeout_seconds, max_bytes, max_redirects,
                 retry_attempts, retry_base_seconds, retry_cap_seconds,
                 max_retry_after_seconds, std::move(allow_hosts), allow_all,
                 per_host, concurrency, std::move(user_agent), verify_tls,
                 std::move(ca_file), resolve)));
           }),
           py::kw_only(), py::arg("connect_timeout_seconds") = 5.0,
           py::arg("io_timeout_seconds") = 15.0,
           py::arg("total_timeout_seconds") = 60.0,
           py::arg("max_bytes") = std::uint64_t{50} << 20,
           py::arg("max_redirects") = 5, py::arg("retry_attempts") = 4,
           py::arg("retry_base_seconds") = 0.2,
           py::arg("retry_cap_seconds") = 5.0,
           py::arg("max_retry_after_seconds") = 30.0,
           py::arg("allow_hosts") = std::vector<std::string>{},
           py::arg("allow_all") = false, py::arg("per_host") = 2,
           py::arg("concurrency") = 16, py::arg("user_agent") = "imagebank",
           py::arg("verify_tls") = true, py::arg("ca_file") = "",
           py::arg("resolve") = py::none())
      .def(
          "fetch",
          [](http::UrlFetcher& f, const std::string& url,
             std::optional<double> timeout_seconds) {
            http::Clock::time_point deadline = http::Clock::time_point::max();
            if (timeout_seconds) {
              const auto ms = seconds_arg("timeout_seconds", *timeout_seconds);
              if (ms.count() <= 0) {
                check(
                    invalid_argument_error("timeout_seconds must be positive"));
              }
              deadline = http::Clock::now() + ms;
            }
            std::optional<Result<http::Fetched>> got;
            {
              py::gil_scoped_release release;
              got.emplace(f.fetch(url, deadline));
            }
            return unwrap(std::move(*got));
          },
          py::arg("url"), py::kw_only(),
          py::arg("timeout_seconds") = py::none(),
          "The bytes at url, within total_timeout_seconds (and "
          "timeout_seconds when sooner), the GIL released. Raises, naming "
          "the URL: InvalidArgumentError (not an http or https URL, a bad "
          "redirect, another 4xx), PermissionDeniedError (an address the "
          "policy refuses, HTTP 403), NotFoundError (404, 410), "
          "UnauthenticatedError (401), RateLimitedError (429 after the "
          "retries), UnavailableError (5xx or the network after the "
          "retries), LimitExceededError (over max_bytes, too many "
          "redirects), DeadlineExceededError, CorruptDataError (an empty "
          "body or a broken answer).")
      .def(
          "fetch_image",
          [](http::UrlFetcher& f, const std::string& url,
             std::uint64_t max_bytes) {
            std::optional<Result<FetchedImage>> got;
            {
              py::gil_scoped_release release;
              got.emplace(f.fetch_image(url, max_bytes));
            }
            return unwrap(std::move(*got));
          },
          py::arg("url"), py::arg("max_bytes"),
          "fetch() as an ingest worker calls it: at most the smaller of "
          "max_bytes and the fetcher's max_bytes.");
}

}  // namespace imagebank::python
