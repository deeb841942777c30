// The JSON API under /api/v1, each route behind a Bearer API key of the
// scope shown (Auth::require: 401 without a valid key, 403 without the
// scope). Ids in paths are positive integers (400 otherwise); unknown or
// repeated query parameters are 400; errors are problem+json.
//
// Batches (batch_routes.cpp):
//   GET  /api/v1/batches                     read    every batch's progress
//   POST /api/v1/batches                     upload  a new upload batch
//   GET  /api/v1/batches/{id}                read    progress + review: every
//                                                    failure with its reason
//   GET  /api/v1/batches/{id}/events         read    progress as SSE
//   POST /api/v1/batches/{id}/pause          upload  409 when not allowed
//   POST /api/v1/batches/{id}/resume         upload
//   POST /api/v1/batches/{id}/cancel         upload
//   POST /api/v1/batches/{id}/retry-failed   upload
//   POST /api/v1/batches/{id}/finish         upload  every file was sent
// Uploads (upload_routes.cpp):
//   POST /api/v1/batches/{id}/files          upload  multipart/form-data
//   OPTIONS|POST /api/v1/uploads, HEAD|PATCH|DELETE /api/v1/uploads/{id}
//                                            upload  tus 1.0.0
// Images (image_list_routes.cpp):
//   GET   /api/v1/images?status=&collection=&brand=&sku=&product=&batch=
//         &unmatched=&near_duplicate=&after=&limit=   read {"items", "next"}
//   PATCH /api/v1/images/{id}                review  {"status"} and/or
//                                                    {"product_id"}
// Cross-SKU conflicts (conflict_routes.cpp):
//   GET  /api/v1/conflicts?state=open|all&collection=&batch=&after=&limit=
//                                            read    {"items", "next"}
//   POST /api/v1/conflicts/{id}/resolve      review  {"action": relink |
//                                                    discard | dismiss,
//                                                    "sku", "image_id"}
// Carteira (carteira_routes.cpp):
//   POST /api/v1/carteiras                   upload  multipart: file, brand,
//                                                    collection, season,
//                                                    reconcile
// Reports (report_routes.cpp), JSON or ?format=csv:
//   GET  /api/v1/reports/status|coverage|missing-photos|near-duplicates
//                                                    read
// Exports (export_routes.cpp), streamed:
//   GET  /api/v1/exports/csv|xlsx|jsonl?collection=&brand=&size=&delimiter=
//                                                    read
// Products (product_routes.hpp, registered apart: they need the
// ImageService for the photos' URLs).
#pragma once

#include <boost/json/object.hpp>
#include <filesystem>

#include "auth.hpp"
#include "imagebank/bank/bank.hpp"
#include "router.hpp"
#include "server_context.hpp"

namespace imagebank::server {

// `bank`, `auth`, `life` and `uploads` must outlive the router. Upload
// batches are opened by `uploads` (the server's Ingestor: with its analysis
// stage, when --analyze-uploads gives it one).
Status add_api_routes(Router& router, Bank& bank, Auth& auth,
                      const Lifecycle& life, Ingestor& uploads,
                      const std::string& public_url);

Status add_batch_routes(Router& router, Bank& bank, Auth& auth,
                        const Lifecycle& life, Ingestor& uploads);
// POST /api/v1/carteiras (carteira_routes.cpp); spreadsheets are spooled
// under `spool_dir`.
Status add_carteira_routes(Router& router, Bank& bank, Auth& auth,
                           const std::filesystem::path& spool_dir);
// A batch as the API shows it (the list cuts `source` to its first 1 KiB).
boost::json::object batch_progress_json(const BatchProgress& p,
                                        bool whole_source);
Status add_image_list_routes(Router& router, Bank& bank, Auth& auth);
Status add_report_routes(Router& router, Bank& bank, Auth& auth);
// Image URLs start with `public_url` (ServerOptions), or when it is empty
// with http:// and the request's Host.
Status add_export_routes(Router& router, Bank& bank, Auth& auth,
                         const std::string& public_url);
Status add_conflict_routes(Router& router, Bank& bank, Auth& auth);

}  // namespace imagebank::server
