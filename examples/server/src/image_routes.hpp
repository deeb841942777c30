// Images over HTTP, through the library's ImageService:
//
//   GET|HEAD /images/{id}?size=<preset|original>&format=<auto|avif|webp|jpeg>
//       the negotiated variant (or the original, with byte ranges): ETag,
//       immutable caching, Vary: Accept, 304 on If-None-Match; allowed by
//       Auth::allow_image (public, signed URL, or a read key)
//   GET /api/v1/images/{id}   (read scope) the image's record, its stored
//       variants, and a signed URL per size
#pragma once

#include <boost/json/object.hpp>

#include "auth.hpp"
#include "byte_cache.hpp"
#include "imagebank/bank/bank.hpp"
#include "imagebank/serve/image_service.hpp"
#include "metrics.hpp"
#include "router.hpp"

namespace imagebank::server {

// Every size of the image (original and each preset) as a URL an <img src>
// can use: signed for 24 hours, or plain with --public-images.
Result<boost::json::object> image_urls(RowId image_id,
                                       const ImageService& images,
                                       const Auth& auth);

// The bytes of variants it serves stay in a memory cache of
// `memory_cache_bytes` (0: none); a request whose plan and bytes are in
// memory is answered on the io thread. `bank`, `images`, `auth` and
// `metrics` must outlive the router.
Status add_image_routes(Router& router, Bank& bank, ImageService& images,
                        Auth& auth, MetricsRegistry& metrics,
                        std::size_t memory_cache_bytes);

}  // namespace imagebank::server
