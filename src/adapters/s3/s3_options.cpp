#include "adapters/s3/s3_options.hpp"

#include <cstdlib>

#include "adapters/s3/multipart.hpp"
#include "imagebank/catalog/blob_store.hpp"

namespace imagebank {

S3Credentials s3_credentials_from_env() {
  auto get = [](const char* name) {
    const char* value = std::getenv(name);
    return value ? std::string(value) : std::string();
  };
  return {get("AWS_ACCESS_KEY_ID"), get("AWS_SECRET_ACCESS_KEY"),
          get("AWS_SESSION_TOKEN")};
}

namespace s3 {

Status validate_bucket_name(std::string_view b) {
  const std::string quoted = "bucket name '" + std::string(b) + "'";
  if (b.size() < 3 || b.size() > 63) {
    return invalid_argument_error(quoted + ": must be 3 to 63 characters");
  }
  auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  };
  for (char c : b) {
    if (!alnum(c) && c != '.' && c != '-') {
      return invalid_argument_error(
          quoted + ": only lowercase letters, digits, '.' and '-' are allowed");
    }
  }
  if (!alnum(b.front()) || !alnum(b.back())) {
    return invalid_argument_error(
        quoted + ": must begin and end with a letter or a digit");
  }
  if (b.find("..") != std::string_view::npos ||
      b.find(".-") != std::string_view::npos ||
      b.find("-.") != std::string_view::npos) {
    return invalid_argument_error(
        quoted + ": no two adjacent periods, nor a period next to a hyphen");
  }
  int dots = 0;
  bool all_digits_and_dots = true;
  for (char c : b) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      all_digits_and_dots = false;
    }
  }
  if (dots == 3 && all_digits_and_dots) {
    return invalid_argument_error(quoted +
                                  ": must not look like an IP address");
  }
  if (b.starts_with("xn--") || b.starts_with("sthree-") ||
      b.ends_with("-s3alias") || b.ends_with("--ol-s3")) {
    return invalid_argument_error(quoted +
                                  ": uses a prefix or suffix that "
                                  "S3 reserves");
  }
  return ok_status();
}

Result<S3Config> make_s3_config(const S3Options& options) {
  IMAGEBANK_RETURN_IF_ERROR(validate_bucket_name(options.bucket));
  if (!options.prefix.empty()) {
    Status s = validate_blob_key(options.prefix);
    if (!s.ok()) {
      return invalid_argument_error("S3 prefix '" + options.prefix +
                                    "' is not usable: " + s.message());
    }
  }
  if (options.region.empty() || options.region.size() > 64 ||
      options.region.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
    return invalid_argument_error("S3 region '" + options.region +
                                  "': expected something like us-east-1");
  }
  S3Config config;
  config.bucket = options.bucket;
  config.prefix = options.prefix;
  config.region = options.region;
  const bool custom_endpoint = !options.endpoint.empty();
  const std::string endpoint =
      custom_endpoint ? options.endpoint
                      : "https://s3." + options.region + ".amazonaws.com";
  IMAGEBANK_ASSIGN_OR_RETURN(config.endpoint, http::parse_endpoint(endpoint));
  switch (options.addressing) {
    case S3Addressing::kPath:
      config.path_style = true;
      break;
    case S3Addressing::kVirtualHost:
      config.path_style = false;
      break;
    case S3Addressing::kAuto:
      config.path_style =
          custom_endpoint || options.bucket.find('.') != std::string::npos;
      break;
  }

  config.credentials = options.credentials.value_or(s3_credentials_from_env());
  if (config.credentials.access_key_id.empty() ||
      config.credentials.secret_access_key.empty()) {
    return invalid_argument_error(
        "s3://" + options.bucket +
        ": no credentials (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
        "or S3Options::credentials)");
  }
  for (const std::string* field : {&config.credentials.access_key_id,
                                   &config.credentials.secret_access_key,
                                   &config.credentials.session_token}) {
    for (char c : *field) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
        return invalid_argument_error(
            "s3://" + options.bucket +
            ": the credentials contain a control character");
      }
    }
  }

  using std::chrono::milliseconds;
  if (options.connect_timeout <= milliseconds(0) ||
      options.request_timeout <= milliseconds(0)) {
    return invalid_argument_error(
        "S3 options: connect_timeout and request_timeout must be positive");
  }
  if (options.max_attempts < 1 || options.max_attempts > 20) {
    return invalid_argument_error("S3 options: max_attempts must be 1-20");
  }
  if (options.backoff_base < milliseconds(0) ||
      options.backoff_cap < options.backoff_base) {
    return invalid_argument_error(
        "S3 options: need 0 <= backoff_base <= backoff_cap");
  }
  if (options.part_size < s3::kMinPartSize ||
      options.part_size > s3::kMaxPartSize) {
    return invalid_argument_error(
        "S3 options: part_size must be between 5 MiB and 5 GiB");
  }
  if (options.multipart_threshold < 1 ||
      options.multipart_threshold > s3::kMaxPartSize) {
    return invalid_argument_error(
        "S3 options: multipart_threshold must be between 1 byte and 5 GiB");
  }
  config.http.connect_timeout = options.connect_timeout;
  config.http.io_timeout = options.request_timeout;
  config.http.verify_tls = options.verify_tls;
  config.http.ca_file = options.ca_file;
  config.retry = {options.max_attempts, options.backoff_base,
                  options.backoff_cap};
  config.multipart_threshold = options.multipart_threshold;
  config.part_size = options.part_size;
  return config;
}

}  // namespace s3
}  // namespace imagebank
