// imagebank.S3Options, parse_s3_uri and open_s3_blob_store: the S3-compatible
// BlobStore. The store comes back as the BlobStore class of
// blob_store_bindings.cpp (registered before this runs).
//
// Durations are float seconds in Python (as elsewhere in the module); the
// secret never appears in a repr.
#include <pybind11/stl.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "bindings.hpp"
#include "imagebank/adapters/s3_blob_store.hpp"

namespace imagebank::python {
namespace {

using std::chrono::milliseconds;

double to_seconds(milliseconds value) {
  return static_cast<double>(value.count()) / 1000.0;
}

milliseconds from_seconds(double seconds, const char* name) {
  if (!std::isfinite(seconds) || seconds < 0 || seconds > 86400.0) {
    check(invalid_argument_error(std::string(name) +
                                 " must be a number of seconds in [0, 86400]"));
  }
  return milliseconds(static_cast<long long>(std::llround(seconds * 1000.0)));
}

std::string addressing_name(S3Addressing a) {
  switch (a) {
    case S3Addressing::kPath:
      return "path";
    case S3Addressing::kVirtualHost:
      return "virtual";
    case S3Addressing::kAuto:
      break;
  }
  return "auto";
}

S3Addressing parse_addressing(const std::string& name) {
  if (name == "auto") return S3Addressing::kAuto;
  if (name == "path") return S3Addressing::kPath;
  if (name == "virtual") return S3Addressing::kVirtualHost;
  check(invalid_argument_error("addressing '" + name +
                               "': expected 'auto', 'path' or 'virtual'"));
  return S3Addressing::kAuto;
}

std::string repr_options(const S3Options& o) {
  auto q = [](const std::string& s) {
    return std::string(py::repr(py::str(s)));
  };
  return "S3Options(bucket=" + q(o.bucket) + ", prefix=" + q(o.prefix) +
         ", endpoint=" + q(o.endpoint) + ", region=" + q(o.region) +
         ", addressing=" + q(addressing_name(o.addressing)) +
         ", credentials=" + (o.credentials ? "<set>" : "<from environment>") +
         ")";
}

std::shared_ptr<BlobStore> open_store(const S3Options& options) {
  Result<std::unique_ptr<BlobStore>> store = [&] {
    py::gil_scoped_release release;
    return open_s3_blob_store(options);
  }();
  return std::shared_ptr<BlobStore>(unwrap(std::move(store)));
}

// A duration property in float seconds.
template <milliseconds S3Options::*Field>
void def_seconds(py::class_<S3Options>& cls, const char* name,
                 const char* doc) {
  cls.def_property(
      name, [](const S3Options& o) { return to_seconds(o.*Field); },
      [name](S3Options& o, double seconds) {
        o.*Field = from_seconds(seconds, name);
      },
      doc);
}

}  // namespace

void init_s3(py::module_& m) {
  py::class_<S3Credentials>(
      m, "S3Credentials",
      "An access key pair (and session token for temporary credentials).")
      .def(py::init([](std::string access_key_id, std::string secret_access_key,
                       std::string session_token) {
             return S3Credentials{std::move(access_key_id),
                                  std::move(secret_access_key),
                                  std::move(session_token)};
           }),
           py::arg("access_key_id"), py::arg("secret_access_key"),
           py::arg("session_token") = "")
      .def_readwrite("access_key_id", &S3Credentials::access_key_id)
      .def_readwrite("secret_access_key", &S3Credentials::secret_access_key)
      .def_readwrite("session_token", &S3Credentials::session_token)
      .def("__repr__", [](const S3Credentials& c) {
        return "S3Credentials(access_key_id=" +
               std::string(py::repr(py::str(c.access_key_id))) +
               ", secret_access_key=<hidden>" +
               (c.session_token.empty() ? "" : ", session_token=<hidden>") +
               ")";
      });

  m.def("s3_credentials_from_env", &s3_credentials_from_env,
        "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.");

  py::class_<S3Options> options(
      m, "S3Options",
      "Where and how to reach an S3-compatible bucket. credentials=None reads "
      "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN when the "
      "store is opened. Durations are in seconds.");
  options
      .def(py::init([](std::string bucket, std::string prefix,
                       std::string endpoint, std::string region,
                       std::optional<S3Credentials> credentials,
                       bool create_bucket) {
             S3Options o;
             o.bucket = std::move(bucket);
             o.prefix = std::move(prefix);
             o.endpoint = std::move(endpoint);
             o.region = std::move(region);
             o.credentials = std::move(credentials);
             o.create_bucket = create_bucket;
             return o;
           }),
           py::arg("bucket"), py::kw_only(), py::arg("prefix") = "",
           py::arg("endpoint") = "", py::arg("region") = "us-east-1",
           py::arg("credentials") = py::none(),
           py::arg("create_bucket") = false)
      .def_readwrite("bucket", &S3Options::bucket)
      .def_readwrite("prefix", &S3Options::prefix)
      .def_readwrite("endpoint", &S3Options::endpoint,
                     "'http://host:port' or 'https://host[:port]'; '' for "
                     "AWS (https://s3.<region>.amazonaws.com).")
      .def_readwrite("region", &S3Options::region)
      .def_property(
          "addressing",
          [](const S3Options& o) { return addressing_name(o.addressing); },
          [](S3Options& o, const std::string& name) {
            o.addressing = parse_addressing(name);
          },
          "'auto' (path-style for custom endpoints), 'path' or 'virtual'.")
      .def_readwrite("credentials", &S3Options::credentials)
      .def_readwrite("max_attempts", &S3Options::max_attempts)
      .def_readwrite("multipart_threshold", &S3Options::multipart_threshold)
      .def_readwrite("part_size", &S3Options::part_size)
      .def_readwrite("verify_tls", &S3Options::verify_tls)
      .def_readwrite("ca_file", &S3Options::ca_file)
      .def_readwrite("check_bucket", &S3Options::check_bucket)
      .def_readwrite("create_bucket", &S3Options::create_bucket)
      .def("__repr__", &repr_options);
  def_seconds<&S3Options::connect_timeout>(
      options, "connect_timeout", "Connect + TLS handshake, per attempt.");
  def_seconds<&S3Options::request_timeout>(options, "request_timeout",
                                           "Each read or write of a request.");
  def_seconds<&S3Options::backoff_base>(options, "backoff_base",
                                        "First retry's maximum wait.");
  def_seconds<&S3Options::backoff_cap>(options, "backoff_cap",
                                       "Largest wait between retries.");

  m.def(
      "parse_s3_uri",
      [](const std::string& uri) { return unwrap(parse_s3_uri(uri)); },
      py::arg("uri"),
      "S3Options from 's3://bucket/prefix?endpoint=...&region=...'; raises "
      "InvalidArgumentError naming the problem.");
  m.def("open_s3_blob_store", &open_store, py::arg("options"),
        "Opens the S3 BlobStore (checks the bucket unless "
        "options.check_bucket is False).");
  m.def(
      "open_s3_blob_store",
      [](const std::string& uri) {
        return open_store(unwrap(parse_s3_uri(uri)));
      },
      py::arg("uri"), "Opens the S3 BlobStore of an s3:// URI.");
  m.def(
      "abort_stale_uploads",
      [](BlobStore& store, double older_than) {
        if (!std::isfinite(older_than) || older_than < 0) {
          throw_status(invalid_argument_error(
              "abort_stale_uploads: older_than must be a number of seconds "
              ">= 0"));
        }
        const auto age = std::chrono::milliseconds(
            static_cast<std::int64_t>(std::llround(older_than * 1000)));
        Result<std::int64_t> n = [&] {
          py::gil_scoped_release release;
          return abort_stale_uploads(store, age);
        }();
        return unwrap(std::move(n));
      },
      py::arg("store"), py::kw_only(), py::arg("older_than"),
      "Aborts the store's S3 multipart uploads started more than older_than "
      "seconds ago and never completed (left by writers killed midway, or "
      "whose abort failed while the server was down); returns how many. 0 "
      "for a store that is not S3. Give an age longer than any upload takes "
      "(0 only when no writer is running).");
}

}  // namespace imagebank::python
