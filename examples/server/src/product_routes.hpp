// Products over the JSON API (Bearer key with the read scope):
//
//   GET /api/v1/products?collection=&brand=&sku=&has_photo=&missing_view=
//       &after=&limit=      {"items": [product], "next"}: filters combine
//       with AND; collection and brand are names (404 when unknown); sku is
//       a prefix (case-sensitive; a whole SKU matches itself);
//       has_photo=true|false; missing_view=front|back|detail; keyset pages
//       as GET /api/v1/images
//   GET /api/v1/products/{id}   the product, its photos grouped by view
//       (each with its status and a signed URL per size) and its SKU
//       history
//
// A product "has a photo" of a view when a linked image of that view is not
// rejected (the coverage report's rule); the counts follow it, the photo
// list of one product shows every linked image with its status.
#pragma once

#include "auth.hpp"
#include "imagebank/bank/bank.hpp"
#include "imagebank/serve/image_service.hpp"
#include "router.hpp"

namespace imagebank::server {

// `bank`, `images` and `auth` must outlive the router.
Status add_product_routes(Router& router, Bank& bank, ImageService& images,
                          Auth& auth);

}  // namespace imagebank::server
