// Image requests → response plans, for any HTTP stack.
//
// ImageService::plan() turns "/images/{id}?size=grid&format=auto" plus the
// request's Accept, If-None-Match and Range headers into what to answer:
// the status, the blob to send (key and byte range) and the headers. The
// HTTP stack sends the bytes (BlobStore::get with the range) and the headers;
// it decides nothing about images.
//
// - Negotiated responses (format=auto) carry "Vary: Accept", the JPEG
//   fallback included: a cache that stored the fallback without Vary would
//   hand it to every browser.
// - ETags are strong and follow the content's identity: an original's is its
//   SHA-256, a variant's is derived from its blob key (source SHA-256, preset,
//   encoder settings and codec versions, format). Every 200/206/304 carries
//   "Cache-Control: public, max-age=31536000, immutable" (the URL of a given
//   content never changes meaning; a new photo is a new image id).
// - A variant neither ingest nor an earlier request made is encoded from the
//   original on first request, stored, recorded in the catalog and served.
//   Concurrent requests for one missing variant share one encode (single
//   flight). At most `max_encodes` run at once and `max_waiting_encodes` more
//   wait; beyond that the plan is 503 with Retry-After.
// - background "removed" (the `bg=removed` of a URL: brand logos) serves a
//   preset with its border-connected background made transparent
//   (remove_background): PNG, or WebP/AVIF where served and accepted. It is
//   made on first request like a missing variant (same single flight and
//   encode limits), stored under the variant's key with ".nobg1" after the
//   preset name (a preset name has no dot, so it never collides with a
//   normal variant), and not recorded in the catalog. A border that is not
//   one colour is 400.
// - Byte ranges (one range, "bytes=a-b", "a-", "-n") are served for
//   originals; other Range forms are ignored (a full 200), as RFC 9110 lets.
//
// Threading: plan() may be called from many threads at once; it blocks on
// the catalog, the blob store and (for a missing variant) the encoder.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "imagebank/catalog/blob_store.hpp"
#include "imagebank/catalog/catalog_store.hpp"
#include "imagebank/core/status.hpp"
#include "imagebank/variants/variants.hpp"

namespace imagebank {

struct ImageServiceOptions {
  // The presets that may be asked for by name, the formats negotiated and
  // made, and the encoder settings of variants made on demand.
  VariantOptions variants;
  // false: only variants already stored are served (the others are 404).
  bool generate_on_demand = true;
  int max_encodes = 2;
  int max_waiting_encodes = 32;
  int retry_after_s = 2;  // in the 503 of a full encode queue
  std::string cache_control = "public, max-age=31536000, immutable";
  // An image's row and variant list are kept this long (0: read the catalog
  // on every request), for at most `cache_entries` images. A variant made
  // through this service is seen at once; one made elsewhere (ingest,
  // another server) within cache_ms, or at once if its blob is there.
  std::int64_t cache_ms = 5000;
  std::size_t cache_entries = 100000;
};

struct ImageRequest {
  std::string id;  // decimal image id, or the image's 64-hex SHA-256
  std::string size = "original";  // a preset name or "original"
  std::string format = "auto";    // auto, or a format name ("webp", ...)
  std::string accept;             // the request's headers, "" when absent
  std::string if_none_match;
  std::string range;
  // "" as photographed, or "removed" (initialised: brace-initialising
  // callers may leave it out without -Wmissing-field-initializers).
  std::string background = "";
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct ImagePlan {
  // 200, 206, 304; or 400 (bad id/size/format), 404 (no such image, variant,
  // or an original asked for in another format), 406 (nothing the client
  // accepts), 416 (range), 503 (encode queue full), 500 (catalog or storage
  // failure).
  int status = 200;
  Status error;  // for 4xx/5xx: the code and the reason
  RowId image_id = 0;
  std::string preset;  // "original" or the preset
  std::string format;  // "jpeg", "webp", ...
  std::string content_type;
  std::string blob_key;         // empty when there is no body to send
  std::uint64_t blob_size = 0;  // the whole object
  std::uint64_t offset = 0;     // the bytes to send (206: the range)
  std::uint64_t length = 0;
  // ETag, Cache-Control, Vary, Accept-Ranges, Content-Range, Retry-After:
  // those that apply. Never Content-Type or Content-Length (above).
  HeaderList headers;
  bool generated = false;  // the variant was made while this request waited
};

// What the service did since it was made (for /metrics).
struct ImageServiceStats {
  std::uint64_t plans = 0;
  std::uint64_t not_modified = 0;
  std::uint64_t variants_generated = 0;
  std::uint64_t generation_joined = 0;  // waited for another request's encode
  std::uint64_t rejected_busy = 0;      // 503: encode queue full
  std::uint64_t generation_failed = 0;
};

class ImageService {
 public:
  // invalid_argument for options that cannot work (no formats, a bad preset,
  // max_encodes < 1, ...).
  static Result<std::unique_ptr<ImageService>> create(
      std::shared_ptr<CatalogStore> catalog, std::shared_ptr<BlobStore> blobs,
      ImageServiceOptions options = {});
  ~ImageService();
  ImageService(const ImageService&) = delete;
  ImageService& operator=(const ImageService&) = delete;

  ImagePlan plan(const ImageRequest& request);
  // The plan when it can be made from memory alone (the image's entry is
  // cached and the variant is known to be stored; or the request is bad),
  // without blocking on the catalog, the storage or an encoder: for an HTTP
  // stack's event loop. nullopt: call plan() where blocking is fine.
  // Originals always need plan().
  std::optional<ImagePlan> plan_cached(const ImageRequest& request);
  ImageServiceStats stats() const;
  const ImageServiceOptions& options() const;

 private:
  struct State;
  explicit ImageService(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// Whether an If-None-Match header matches `etag` ("\"abc\""): "*", or a
// list member equal under weak comparison (RFC 9110 §13.1.2).
bool if_none_match_matches(std::string_view header, std::string_view etag);

// One range of a Range header against an object of `size` bytes: nullopt
// when the header is absent, malformed, not "bytes" or asks for several
// ranges (serve the whole object); an empty range (length 0) when it is
// unsatisfiable (416).
std::optional<ResolvedRange> parse_byte_range(std::string_view header,
                                              std::uint64_t size);

// The HTTP status of an error code: invalid_argument 400, unauthenticated
// 401, permission_denied 403, not_found 404, conflict 409, limit_exceeded
// 413, unsupported_format 415, corrupt_data 422, unavailable 503,
// deadline_exceeded 504, others 500.
int http_status(ErrorCode code) noexcept;

}  // namespace imagebank
