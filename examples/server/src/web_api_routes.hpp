// The JSON routes the web app needs beyond the catalog's (web_api_routes.cpp):
//
//   GET    /api/v1/me                 any key   the calling key: name,
//                                               prefix, scopes
//   GET    /api/v1/keys               admin     every key (never a secret)
//   POST   /api/v1/keys               admin     {"name", "scopes": [...]}
//                                               -> 201 {"key", "record"}:
//                                               the key, shown this once
//   DELETE /api/v1/keys/{prefix}      admin     revokes it (409 for the
//                                               calling key itself)
//   GET    /api/v1/image-urls?ids=1,2 read      signed URLs per size and the
//                                               BlurHash of up to 100 images
//   GET    /api/v1/product-covers?ids=1,2
//                                     read      each product's cover photo
//                                               (front first, not rejected)
//                                               with its URLs, or null
//   POST   /api/v1/sku-parse          read      {"names": [...], "collection"}
//                                               -> each name's SKU as the
//                                               ingest reads it and, with a
//                                               collection, its products
#pragma once

#include "auth.hpp"
#include "imagebank/bank/bank.hpp"
#include "imagebank/serve/image_service.hpp"
#include "router.hpp"

namespace imagebank::server {

// At most this many ids in one ?ids= list.
inline constexpr std::size_t kMaxIdsPerRequest = 100;
// At most this many names in one /api/v1/sku-parse.
inline constexpr std::size_t kMaxNamesPerParse = 2000;
// A name longer than this (bytes of UTF-8, as an image's original name) is
// refused.
inline constexpr std::size_t kMaxParseNameBytes = 4096;

// `bank`, `images` and `auth` must outlive the router.
Status add_web_api_routes(Router& router, Bank& bank, ImageService& images,
                          Auth& auth);

}  // namespace imagebank::server
