// The JSON API under /api/v1, each route behind a Bearer API key of the
// scope shown (Auth::require: 401 without a valid key, 403 without the
// scope). Ids in paths are positive integers (400 otherwise); unknown or
// repeated query parameters are 400; errors are problem+json.
//
// Batches (batch_routes.cpp):
//   GET  /api/v1/batches                     read    every batch's progress
//   GET  /api/v1/batches/{id}                read    progress + review: every
//                                                    failure with its reason
//   POST /api/v1/batches/{id}/pause          upload  409 when not allowed
//   POST /api/v1/batches/{id}/cancel         upload
//   POST /api/v1/batches/{id}/retry-failed   upload
// Images (image_list_routes.cpp):
//   GET   /api/v1/images?status=&collection=&sku=&product=&batch=
//         &unmatched=&after=&limit=          read    {"items", "next"}
//   PATCH /api/v1/images/{id}                review  {"status"} and/or
//                                                    {"product_id"}
// Reports (report_routes.cpp), JSON or ?format=csv:
//   GET  /api/v1/reports/status|coverage|missing-photos   read
#pragma once

#include "auth.hpp"
#include "imagebank/bank/bank.hpp"
#include "router.hpp"

namespace imagebank::server {

// `bank` and `auth` must outlive the router.
Status add_api_routes(Router& router, Bank& bank, Auth& auth);

Status add_batch_routes(Router& router, Bank& bank, Auth& auth);
Status add_image_list_routes(Router& router, Bank& bank, Auth& auth);
Status add_report_routes(Router& router, Bank& bank, Auth& auth);

}  // namespace imagebank::server
