// The BlobStore over S3Client: key mapping under the prefix, ranges and
// resumed reads, listing pages, and the choice between a single PUT and a
// multipart upload.
#include "imagebank/adapters/s3_blob_store.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

#include "adapters/s3/multipart.hpp"
#include "adapters/s3/s3_client.hpp"
#include "adapters/s3/s3_options.hpp"
#include "adapters/s3/xml.hpp"
#include "imagebank/adapters/http/body.hpp"

namespace imagebank {
namespace {

using http::HttpResponse;
using s3::S3Call;

constexpr std::size_t kS3MaxKeysPerRequest = 1000;

bool parse_u64(std::string_view text, std::uint64_t& out) {
  if (text.empty()) return false;
  const auto [end, err] =
      std::from_chars(text.data(), text.data() + text.size(), out);
  return err == std::errc() && end == text.data() + text.size();
}

// Whether some valid key could start with `prefix`; when none can, the
// answer is known without asking the server (which may reject such a
// prefix outright: MinIO refuses ".." segments).
bool could_prefix_a_key(std::string_view prefix) {
  if (prefix.size() > 1024) return false;
  const bool alphabet = std::all_of(prefix.begin(), prefix.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
           c == '/';
  });
  if (!alphabet) return false;
  // Every complete segment (followed by '/') must be a valid key segment;
  // the last, partial one can still grow into one.
  std::size_t start = 0;
  for (std::size_t slash = prefix.find('/'); slash != std::string_view::npos;
       slash = prefix.find('/', start)) {
    const std::string_view segment = prefix.substr(start, slash - start);
    if (segment.empty() || segment == "." || segment == "..") return false;
    start = slash + 1;
  }
  return true;
}

// S3 caps object keys at 1024 bytes, prefix included.
constexpr std::size_t kS3MaxKeyBytes = 1024;

class S3BlobStore final : public BlobStore {
 public:
  S3BlobStore(std::unique_ptr<s3::S3Client> client, std::string uri)
      : client_(std::move(client)), uri_(std::move(uri)) {}

  Status put(std::string_view key, std::span<const std::byte> data) override;
  Status put_file(std::string_view key,
                  const std::filesystem::path& file) override;
  Status get(std::string_view key, const BlobSink& sink,
             ByteRange range) override;
  Result<BlobInfo> head(std::string_view key) override;
  Status remove(std::string_view key) override;
  Result<BlobListPage> list(std::string_view prefix,
                            std::string_view start_after,
                            std::size_t max_keys) override;
  std::string uri() const override { return uri_; }
  Result<std::int64_t> abort_stale_uploads(std::chrono::milliseconds age);

 private:
  std::string full_key(std::string_view key) const {
    const std::string& prefix = client_->config().prefix;
    return prefix.empty() ? std::string(key) : prefix + "/" + std::string(key);
  }
  // validate_blob_key, plus S3's limit on the full key.
  Status check_key(std::string_view key) const {
    IMAGEBANK_RETURN_IF_ERROR(validate_blob_key(key));
    if (full_key(key).size() > kS3MaxKeyBytes) {
      return invalid_argument_error(
          "blob key '" + std::string(key.substr(0, 64)) + "...' is " +
          std::to_string(key.size()) + " bytes: with the store prefix '" +
          client_->config().prefix + "/' it exceeds S3's 1024-byte limit");
    }
    return ok_status();
  }
  std::string what(std::string_view op, const std::string& full) const {
    return std::string(op) + " " + client_->uri_of(full);
  }
  Status put_single(const std::string& full, http::BodySource& body,
                    bool unsigned_ok);

  std::unique_ptr<s3::S3Client> client_;
  std::string uri_;
};

Status S3BlobStore::put_single(const std::string& full, http::BodySource& body,
                               bool unsigned_ok) {
  S3Call call;
  call.method = "PUT";
  call.key = full;
  call.body = &body;
  call.unsigned_payload_ok = unsigned_ok;
  const std::string op = what("PUT", full);
  IMAGEBANK_ASSIGN_OR_RETURN(http::HttpResponse response,
                             client_->call(call, op));
  if (response.status / 100 != 2) return client_->error_status(response, op);
  return ok_status();
}

Status S3BlobStore::put(std::string_view key, std::span<const std::byte> data) {
  IMAGEBANK_RETURN_IF_ERROR(check_key(key));
  const std::string full = full_key(key);
  const auto& config = client_->config();
  if (data.size() <= config.multipart_threshold) {
    http::MemoryBody body(data);
    return put_single(full, body, false);
  }
  return s3::multipart_upload(
      *client_, full, data.size(), config.part_size,
      [data](std::uint64_t offset, std::uint64_t length) {
        return std::make_unique<http::MemoryBody>(
            data.subspan(static_cast<std::size_t>(offset),
                         static_cast<std::size_t>(length)));
      },
      false);
}

Status S3BlobStore::put_file(std::string_view key,
                             const std::filesystem::path& file) {
  IMAGEBANK_RETURN_IF_ERROR(check_key(key));
  IMAGEBANK_ASSIGN_OR_RETURN(std::shared_ptr<http::OpenFile> open,
                             http::OpenFile::open(file));
  const std::string full = full_key(key);
  const auto& config = client_->config();
  const std::uint64_t size = open->size();
  if (size <= config.multipart_threshold) {
    http::FileRangeBody body(open, 0, size);
    return put_single(full, body, true);
  }
  return s3::multipart_upload(
      *client_, full, size, config.part_size,
      [open](std::uint64_t offset, std::uint64_t length) {
        return std::make_unique<http::FileRangeBody>(open, offset, length);
      },
      true);
}

Result<std::int64_t> S3BlobStore::abort_stale_uploads(
    std::chrono::milliseconds age) {
  const std::string& prefix = client_->config().prefix;
  const std::string full_prefix = prefix.empty() ? "" : prefix + "/";
  const std::int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count();
  IMAGEBANK_ASSIGN_OR_RETURN(std::vector<s3::PendingUpload> pending,
                             s3::list_multipart_uploads(*client_, full_prefix));
  std::int64_t aborted = 0;
  for (const s3::PendingUpload& u : pending) {
    // An upload of unknown age is left alone: it may be in flight.
    if (u.initiated_ms < 0 || now_ms - u.initiated_ms < age.count()) continue;
    // One another cleaner ended meanwhile answers 404: counted, harmlessly.
    IMAGEBANK_RETURN_IF_ERROR(
        s3::abort_multipart_upload(*client_, u.key, u.upload_id));
    ++aborted;
  }
  return aborted;
}

Result<BlobInfo> S3BlobStore::head(std::string_view key) {
  IMAGEBANK_RETURN_IF_ERROR(check_key(key));
  const std::string full = full_key(key);
  S3Call call;
  call.method = "HEAD";
  call.key = full;
  const std::string op = what("HEAD", full);
  IMAGEBANK_ASSIGN_OR_RETURN(http::HttpResponse response,
                             client_->call(call, op));
  if (response.status / 100 != 2) return client_->error_status(response, op);
  BlobInfo info;
  info.key = std::string(key);
  const std::string* length = response.header("content-length");
  if (length == nullptr || !parse_u64(*length, info.size)) {
    return corrupt_data_error(op + ": the answer has no valid Content-Length");
  }
  if (const std::string* modified = response.header("last-modified")) {
    info.modified_ms =
        std::max<std::int64_t>(0, s3::parse_http_date_ms(*modified));
  }
  return info;
}

Status S3BlobStore::get(std::string_view key, const BlobSink& sink,
                        ByteRange range) {
  IMAGEBANK_RETURN_IF_ERROR(check_key(key));
  const std::string full = full_key(key);
  const std::string op = what("GET", full);

  // An empty range cannot be written as an HTTP range: the object's size
  // decides between "nothing" and "starts past the end".
  auto check_offset_only = [&]() -> Status {
    IMAGEBANK_ASSIGN_OR_RETURN(BlobInfo info, head(key));
    if (range.offset > info.size) {
      return invalid_argument_error(op + ": the range starts at " +
                                    std::to_string(range.offset) +
                                    ", past the end of the " +
                                    std::to_string(info.size) + "-byte object");
    }
    return ok_status();
  };
  if (range.length && *range.length == 0) return check_offset_only();

  // [first, last] of the range; last = max for "to the end".
  const std::uint64_t first = range.offset;
  // A length running past any possible end is "to the end" (clipped, as
  // the contract says); it is then left out of the Range header.
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  const bool bounded = range.length && *range.length - 1 <= kMax - first;
  const std::uint64_t last = bounded ? first + *range.length - 1 : kMax;
  const bool ranged = first > 0 || bounded;

  std::uint64_t delivered = 0;  // bytes handed to the caller's sink
  std::uint64_t skip = 0;       // leading bytes to drop from this answer
  std::string etag;
  S3Call call;
  call.method = "GET";
  call.key = full;
  auto set_headers = [&](S3Call& c) {
    c.headers.clear();
    const std::uint64_t from = first + delivered;
    if (ranged || delivered > 0) {
      std::string value = "bytes=" + std::to_string(from) + "-";
      if (bounded) value += std::to_string(last);
      c.headers.emplace_back("range", std::move(value));
    }
    // A resumed read must continue the same object, not a replacement.
    if (!etag.empty()) c.headers.emplace_back("if-match", etag);
  };
  set_headers(call);

  http::ResponseSink response_sink;
  response_sink.on_head = [&](const http::HttpResponse& head) -> Status {
    const std::uint64_t from = first + delivered;
    if (etag.empty()) {
      if (const std::string* e = head.header("etag")) etag = *e;
    }
    if (head.status == 206) {
      // "bytes <start>-<end>/<size>": the server must start where we asked.
      const std::string* cr = head.header("content-range");
      std::uint64_t start = 0;
      if (cr == nullptr || !cr->starts_with("bytes ") ||
          !parse_u64(cr->substr(6, cr->find('-') - 6), start) ||
          start != from) {
        return corrupt_data_error(op +
                                  ": the server answered a different "
                                  "range than asked");
      }
      skip = 0;
    } else {
      // A 200 to a ranged request is the whole object (some servers answer
      // so to ranges they cannot satisfy): cut it ourselves.
      skip = from;
      std::uint64_t size = 0;
      const std::string* length = head.header("content-length");
      if (from > 0 && length != nullptr && parse_u64(*length, size) &&
          from > size) {
        return invalid_argument_error(
            op + ": the range starts at " + std::to_string(from) +
            ", past the end of the " + std::to_string(size) + "-byte object");
      }
    }
    return ok_status();
  };
  response_sink.on_body = [&](std::span<const std::byte> bytes) -> Status {
    if (skip > 0) {
      const std::uint64_t n = std::min<std::uint64_t>(skip, bytes.size());
      bytes = bytes.subspan(static_cast<std::size_t>(n));
      skip -= n;
    }
    const std::uint64_t wanted =
        range.length ? *range.length - delivered
                     : std::numeric_limits<std::uint64_t>::max();
    if (bytes.size() > wanted) bytes = bytes.first(wanted);
    if (bytes.empty()) return ok_status();
    IMAGEBANK_RETURN_IF_ERROR(sink(bytes));
    delivered += bytes.size();
    return ok_status();
  };

  IMAGEBANK_ASSIGN_OR_RETURN(
      http::HttpResponse response,
      client_->call(call, op, &response_sink, s3::kMaxErrorBody, set_headers));
  if (response.status / 100 == 2) return ok_status();
  if (response.status == 416) return check_offset_only();
  if (response.status == 412) {
    return conflict_error(op + ": the object was replaced while it was read");
  }
  return client_->error_status(response, op);
}

Status S3BlobStore::remove(std::string_view key) {
  IMAGEBANK_RETURN_IF_ERROR(check_key(key));
  const std::string full = full_key(key);
  S3Call call;
  call.method = "DELETE";
  call.key = full;
  const std::string op = what("DELETE", full);
  IMAGEBANK_ASSIGN_OR_RETURN(http::HttpResponse response,
                             client_->call(call, op));
  if (response.status / 100 == 2) return ok_status();
  if (response.status == 404 &&
      s3::parse_error_body(response.body).code != "NoSuchBucket") {
    return ok_status();  // deleting is idempotent
  }
  return client_->error_status(response, op);
}

Result<BlobListPage> S3BlobStore::list(std::string_view prefix,
                                       std::string_view start_after,
                                       std::size_t max_keys) {
  if (max_keys == 0) {
    return invalid_argument_error(uri_ + ": list with max_keys 0");
  }
  if (!could_prefix_a_key(prefix)) return BlobListPage{};
  // start_after is any string: S3 compares it bytewise, as the contract
  // does. Only absurd lengths are refused (S3 caps keys at 1024 bytes).
  if (start_after.size() > 4096) {
    return invalid_argument_error(uri_ + ": start_after is too long");
  }
  const std::string& store_prefix = client_->config().prefix;
  const std::string root = store_prefix.empty() ? "" : store_prefix + "/";
  const std::string full_prefix = root + std::string(prefix);
  const std::string op = what("LIST", full_prefix);

  BlobListPage page;
  std::string token;
  // Each round should bring at least one key; a server that keeps sending
  // empty truncated pages must not keep us here forever.
  const std::size_t max_rounds = max_keys / kS3MaxKeysPerRequest + 16;
  for (std::size_t round = 0;; ++round) {
    if (round >= max_rounds) {
      return corrupt_data_error(op +
                                ": the server keeps answering "
                                "truncated pages without keys");
    }
    S3Call call;
    call.method = "GET";
    call.query = {
        {"list-type", "2"},
        {"max-keys", std::to_string(std::min(kS3MaxKeysPerRequest,
                                             max_keys - page.blobs.size()))}};
    if (!full_prefix.empty()) call.query.emplace_back("prefix", full_prefix);
    if (!token.empty()) {
      call.query.emplace_back("continuation-token", token);
    } else if (!start_after.empty()) {
      call.query.emplace_back("start-after", root + std::string(start_after));
    }
    IMAGEBANK_ASSIGN_OR_RETURN(http::HttpResponse response,
                               client_->call(call, op));
    if (response.status / 100 != 2) return client_->error_status(response, op);
    Result<s3::ListObjectsPage> parsed =
        s3::parse_list_objects_v2(response.body);
    if (!parsed.ok()) return parsed.status().with_context(op);
    for (s3::ListedObject& obj : parsed->objects) {
      if (!obj.key.starts_with(full_prefix) || obj.key.size() <= root.size()) {
        return corrupt_data_error(op + ": the server listed key '" + obj.key +
                                  "' outside the prefix");
      }
      if (!page.blobs.empty() &&
          obj.key.substr(root.size()) <= page.blobs.back().key) {
        return corrupt_data_error(op + ": the server listed keys out of order");
      }
      page.blobs.push_back(
          {obj.key.substr(root.size()), obj.size, obj.modified_ms});
      if (page.blobs.size() > max_keys) {
        return corrupt_data_error(op +
                                  ": the server sent more keys than "
                                  "asked for");
      }
    }
    if (!parsed->truncated) return page;
    if (page.blobs.size() >= max_keys) {
      page.next_start_after = page.blobs.back().key;
      return page;
    }
    token = parsed->next_continuation_token;
  }
}

std::string make_uri(const S3Options& options) {
  std::string uri = "s3://" + options.bucket;
  if (!options.prefix.empty()) uri += "/" + options.prefix;
  if (!options.endpoint.empty()) {
    uri += "?endpoint=" + options.endpoint + "&region=" + options.region;
  } else if (options.region != "us-east-1") {
    uri += "?region=" + options.region;
  }
  return uri;
}

Status check_or_create_bucket(s3::S3Client& client, const S3Options& options) {
  // A one-key listing rather than HEAD: its error answers carry the S3
  // error code (SignatureDoesNotMatch, AccessDenied, ...) for the message.
  S3Call probe;
  probe.method = "GET";
  probe.query = {{"list-type", "2"}, {"max-keys", "1"}};
  const std::string op = "ListObjectsV2 " + client.uri_of("");
  IMAGEBANK_ASSIGN_OR_RETURN(http::HttpResponse response,
                             client.call(probe, op));
  if (response.status / 100 == 2) return ok_status();
  if (response.status == 301) {
    const std::string* region = response.header("x-amz-bucket-region");
    return invalid_argument_error(
        op + ": the bucket is in another region" +
        (region ? " (" + *region + ")" : std::string()));
  }
  if (response.status != 404) return client.error_status(response, op);
  if (!options.create_bucket) {
    return not_found_error(op +
                           ": the bucket does not exist (set "
                           "create_bucket to create it)");
  }
  std::string xml;
  if (options.region != "us-east-1") {
    xml = "<CreateBucketConfiguration><LocationConstraint>" + options.region +
          "</LocationConstraint></CreateBucketConfiguration>";
  }
  http::MemoryBody body(std::as_bytes(std::span(xml.data(), xml.size())));
  S3Call create;
  create.method = "PUT";
  if (!xml.empty()) create.body = &body;
  const std::string create_op = "CreateBucket " + client.uri_of("");
  IMAGEBANK_ASSIGN_OR_RETURN(response, client.call(create, create_op));
  if (response.status / 100 == 2) return ok_status();
  // Another process may have created it in the meantime.
  if (s3::parse_error_body(response.body).code == "BucketAlreadyOwnedByYou") {
    return ok_status();
  }
  return client.error_status(response, create_op);
}

}  // namespace

Result<std::unique_ptr<BlobStore>> open_s3_blob_store(
    const S3Options& options) {
  IMAGEBANK_ASSIGN_OR_RETURN(s3::S3Config config, s3::make_s3_config(options));
  IMAGEBANK_ASSIGN_OR_RETURN(std::unique_ptr<s3::S3Client> client,
                             s3::S3Client::create(config));
  if (options.check_bucket) {
    IMAGEBANK_RETURN_IF_ERROR(check_or_create_bucket(*client, options));
  }
  return std::unique_ptr<BlobStore>(
      new S3BlobStore(std::move(client), make_uri(options)));
}

Result<std::int64_t> abort_stale_uploads(BlobStore& store,
                                         std::chrono::milliseconds older_than) {
  if (older_than.count() < 0) {
    return invalid_argument_error(
        "abort_stale_uploads: the age must not be negative");
  }
  auto* s3_store = dynamic_cast<S3BlobStore*>(&store);
  if (s3_store == nullptr) return std::int64_t{0};
  return s3_store->abort_stale_uploads(older_than);
}

}  // namespace imagebank
