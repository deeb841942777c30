// parse_s3_uri: "s3://bucket[/prefix][?key=value&...]".
#include <charconv>
#include <set>
#include <string>

#include "adapters/s3/s3_options.hpp"
#include "imagebank/adapters/http/client.hpp"
#include "imagebank/adapters/s3_blob_store.hpp"
#include "imagebank/catalog/blob_store.hpp"

namespace imagebank {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) {
      return invalid_argument_error("truncated %-escape");
    }
    const int hi = hex_value(text[i + 1]);
    const int lo = hex_value(text[i + 2]);
    if (hi < 0 || lo < 0) return invalid_argument_error("bad %-escape");
    const char c = static_cast<char>(hi * 16 + lo);
    if (static_cast<unsigned char>(c) < 0x20) {
      return invalid_argument_error("escaped control character");
    }
    out.push_back(c);
    i += 2;
  }
  return out;
}

Result<bool> parse_bool(std::string_view value) {
  if (value == "true" || value == "1") return true;
  if (value == "false" || value == "0") return false;
  return invalid_argument_error("expected true or false");
}

Result<long long> parse_int(std::string_view value, long long lo,
                            long long hi) {
  long long out = 0;
  const auto [end, err] =
      std::from_chars(value.data(), value.data() + value.size(), out);
  if (err != std::errc() || end != value.data() + value.size() || out < lo ||
      out > hi) {
    return invalid_argument_error("expected an integer from " +
                                  std::to_string(lo) + " to " +
                                  std::to_string(hi));
  }
  return out;
}

Status apply(S3Options& options, std::string_view key,
             const std::string& value) {
  using std::chrono::milliseconds;
  if (key == "endpoint") {
    IMAGEBANK_RETURN_IF_ERROR(http::parse_endpoint(value));
    options.endpoint = value;
  } else if (key == "region") {
    options.region = value;
  } else if (key == "addressing") {
    if (value == "auto") {
      options.addressing = S3Addressing::kAuto;
    } else if (value == "path") {
      options.addressing = S3Addressing::kPath;
    } else if (value == "virtual") {
      options.addressing = S3Addressing::kVirtualHost;
    } else {
      return invalid_argument_error("expected auto, path or virtual");
    }
  } else if (key == "verify_tls") {
    IMAGEBANK_ASSIGN_OR_RETURN(options.verify_tls, parse_bool(value));
  } else if (key == "ca_file") {
    options.ca_file = value;
  } else if (key == "connect_timeout_ms") {
    IMAGEBANK_ASSIGN_OR_RETURN(long long v, parse_int(value, 1, 3'600'000));
    options.connect_timeout = milliseconds(v);
  } else if (key == "request_timeout_ms") {
    IMAGEBANK_ASSIGN_OR_RETURN(long long v, parse_int(value, 1, 3'600'000));
    options.request_timeout = milliseconds(v);
  } else if (key == "max_attempts") {
    IMAGEBANK_ASSIGN_OR_RETURN(long long v, parse_int(value, 1, 20));
    options.max_attempts = static_cast<int>(v);
  } else if (key == "multipart_threshold") {
    // Bytes; open_s3_blob_store checks the range S3 allows.
    IMAGEBANK_ASSIGN_OR_RETURN(long long v, parse_int(value, 1, 5LL << 30));
    options.multipart_threshold = static_cast<std::uint64_t>(v);
  } else if (key == "part_size") {
    IMAGEBANK_ASSIGN_OR_RETURN(long long v,
                               parse_int(value, 5LL << 20, 5LL << 30));
    options.part_size = static_cast<std::uint64_t>(v);
  } else if (key == "create_bucket") {
    IMAGEBANK_ASSIGN_OR_RETURN(options.create_bucket, parse_bool(value));
  } else if (key == "check_bucket") {
    IMAGEBANK_ASSIGN_OR_RETURN(options.check_bucket, parse_bool(value));
  } else {
    return invalid_argument_error(
        "unknown key (known: endpoint, region, addressing, verify_tls, "
        "ca_file, connect_timeout_ms, request_timeout_ms, max_attempts, "
        "multipart_threshold, part_size, create_bucket, check_bucket; "
        "credentials come from the "
        "environment, never from a URI)");
  }
  return ok_status();
}

}  // namespace

Result<S3Options> parse_s3_uri(std::string_view uri) {
  const std::string quoted = "S3 URI '" + std::string(uri) + "'";
  auto bad = [&](std::string reason) {
    return invalid_argument_error(quoted + ": " + reason);
  };
  if (!uri.starts_with("s3://")) return bad("must start with s3://");
  if (uri.size() > 4096) return bad("too long");
  std::string_view rest = uri.substr(5);
  if (rest.find('#') != std::string_view::npos) {
    return bad("a fragment (#) is not allowed");
  }
  std::string_view query;
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  const auto slash = rest.find('/');
  S3Options options;
  options.bucket = std::string(rest.substr(0, slash));
  if (options.bucket.empty()) return bad("no bucket name");
  if (options.bucket.find('@') != std::string::npos) {
    return bad("user info (credentials) is not allowed in a URI");
  }
  if (Status s = s3::validate_bucket_name(options.bucket); !s.ok()) {
    return bad(s.message());
  }
  if (slash != std::string_view::npos) {
    std::string_view prefix = rest.substr(slash + 1);
    // "s3://bucket/" and "s3://bucket/prefix/" mean the same as without the
    // final slash.
    if (prefix.ends_with('/')) prefix.remove_suffix(1);
    if (!prefix.empty()) {
      if (Status s = validate_blob_key(prefix); !s.ok()) {
        return bad("bad prefix: " + s.message());
      }
      options.prefix = std::string(prefix);
    }
  }
  std::set<std::string, std::less<>> seen;
  while (!query.empty()) {
    const auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view()
                                          : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) {
      return bad("query item '" + std::string(pair) + "' has no value");
    }
    Result<std::string> key = percent_decode(pair.substr(0, eq));
    Result<std::string> value = percent_decode(pair.substr(eq + 1));
    if (!key.ok() || !value.ok()) {
      return bad("query item '" + std::string(pair) +
                 "': " + (key.ok() ? value.status() : key.status()).message());
    }
    if (value->empty()) return bad("'" + *key + "' has an empty value");
    if (!seen.insert(*key).second) return bad("'" + *key + "' is repeated");
    if (Status s = apply(options, *key, *value); !s.ok()) {
      return bad("'" + *key + "': " + s.message());
    }
  }
  if (options.region.empty() ||
      options.region.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
    return bad("region '" + options.region + "' is not a region name");
  }
  return options;
}

}  // namespace imagebank
