// Uploads into upload batches (POST /api/v1/batches makes one):
//
//   POST /api/v1/batches/{id}/files   multipart/form-data, every part with a
//        filename is a file (other fields are ignored); the body is spooled
//        to disk by the session and each file is copied out of it with its
//        SHA-256 computed on the way, then received by the batch. Answers
//        {"files": [{name, job_id, state, sha256, bytes, image_id} or
//        {name, error}], "batch"}.
//   /api/v1/uploads                   tus 1.0.0 (core, creation,
//        termination, checksum with sha1/sha256, expiration). Creation takes
//        Upload-Length and Upload-Metadata with `batch` (its id) and
//        `filename` (or `relativePath`, which keeps the folders); a finished
//        upload becomes a job of the batch (Imagebank-Job-Id and
//        Imagebank-Job-State on the last PATCH). The bytes are in
//        TusStore's folder, so uploads resume after a restart.
//
// Each needs the upload scope; the request is refused before its body is
// read (a wrong key, a batch that does not receive, a wrong offset).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>

#include "auth.hpp"
#include "imagebank/bank/bank.hpp"
#include "imagebank/ingest/ingest.hpp"
#include "router.hpp"
#include "tus_store.hpp"

namespace imagebank::server {

struct UploadContext {
  Bank& bank;
  Auth& auth;
  Ingestor& ingestor;  // its Limits::max_file_bytes bounds each file
  TusStore& tus;
  std::filesystem::path spool_dir;  // the session's spool (same filesystem)
  std::uint64_t max_request_bytes;  // a multipart body, all files together
  std::chrono::milliseconds body_timeout;
  std::atomic<std::uint64_t> serial{0};
};

// `context` must outlive the router.
Status add_upload_routes(Router& router, UploadContext& context);

}  // namespace imagebank::server
