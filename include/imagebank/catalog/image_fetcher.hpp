// ImageFetcher: where a URL-list batch gets each image's bytes. The ingest
// module fetches through this interface only; the adapter is the shared
// HTTP client's URL fetcher (imagebank/adapters/http/fetch.hpp: SSRF-safe,
// limited, retried), which Bank wires from its options.
//
// fetch() returns the bytes at the URL, never more than `max_bytes`
// (limit_exceeded past it). Errors name the URL; their codes say whether a
// later attempt may succeed: unavailable, rate_limited (retry_after set
// when the server named a delay) and deadline_exceeded may pass; not_found,
// permission_denied (an address refused by the policy, HTTP 403),
// invalid_argument (not an http or https URL), limit_exceeded and
// corrupt_data will not.
//
// Threading: fetch() may be called from any number of threads at once; an
// implementation holds its own concurrency limits across them.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/core/result.hpp"

namespace imagebank {

struct FetchedImage {
  std::vector<std::byte> bytes;
  std::string url;  // after redirects
};

class ImageFetcher {
 public:
  ImageFetcher() = default;
  ImageFetcher(const ImageFetcher&) = delete;
  ImageFetcher& operator=(const ImageFetcher&) = delete;
  virtual ~ImageFetcher() = default;

  virtual Result<FetchedImage> fetch_image(std::string_view url,
                                           std::uint64_t max_bytes) = 0;
};

}  // namespace imagebank
