#include "upload_routes.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "api_routes.hpp"
#include "api_support.hpp"
#include "hashing_file_body.hpp"
#include "http_date.hpp"
#include "multipart.hpp"
#include "problem.hpp"

namespace imagebank::server {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr std::string_view kTusVersion = "1.0.0";
constexpr std::string_view kUploadsPath = "/api/v1/uploads";

// ---------------------------------------------------------------- shared ---

// The batch of a path or metadata id, which must receive uploads.
Result<Batch> receiving_batch(Bank& bank, RowId id) {
  IMAGEBANK_ASSIGN_OR_RETURN(Batch batch, bank.jobs().get_batch(id));
  const std::string which = "batch " + std::to_string(id);
  if (!is_upload_batch(batch)) {
    return conflict_error(which +
                          " takes files from paths, not uploads (POST "
                          "/api/v1/batches makes an upload batch)");
  }
  if (!batch.receiving || batch.state == BatchState::kDone ||
      batch.state == BatchState::kCancelled) {
    return conflict_error(which + " no longer receives files (" +
                          std::string(batch_state_name(batch.state)) + ")");
  }
  return batch;
}

json::object job_json(const std::string& name, const Job& job) {
  json::object o{{"name", name},
                 {"job_id", job.id},
                 {"state", job_state_name(job.state)},
                 {"sha256", job.sha256},
                 {"bytes", job.bytes}};
  o["image_id"] = job.image_id ? json::value(*job.image_id) : json::value();
  if (!job.error.ok()) {
    o["error"] = json::object{{"code", code_name(job.error.code())},
                              {"detail", job.error.message()}};
  }
  return o;
}

json::object error_json(const std::string& name, const Status& st) {
  return {{"name", name},
          {"error", json::object{{"code", code_name(st.code())},
                                 {"detail", st.message()}}}};
}

// ------------------------------------------------------------- multipart ---

Status check_multipart_request(const Request& request, UploadContext& ctx) {
  IMAGEBANK_RETURN_IF_ERROR(
      ctx.auth.require(request, ApiScope::kUpload).status());
  IMAGEBANK_ASSIGN_OR_RETURN(RowId id, path_row_id(request, "batch id"));
  IMAGEBANK_RETURN_IF_ERROR(check_query(request, {}));
  const std::string* type = request.headers.find("Content-Type");
  IMAGEBANK_RETURN_IF_ERROR(
      multipart_boundary(type ? *type : std::string()).status());
  return receiving_batch(ctx.bank, id).status();
}

// One file part copied out of the spooled body.
struct PartFile {
  fs::path path;
  std::string name;
  HashingFileBody::value_type body;
  bool too_large = false;
};

Result<Response> post_files(Request& request, UploadContext& ctx) {
  IMAGEBANK_RETURN_IF_ERROR(check_multipart_request(request, ctx));
  const RowId batch_id = *parse_row_id(*request.path_params.find("id"), "");
  const UploadedFile* spooled = request.file_body();
  if (spooled == nullptr) return invalid_argument_error("no body");
  const std::string boundary =
      *multipart_boundary(*request.headers.find("Content-Type"));
  const std::uint64_t max_file = ctx.ingestor.options().limits.max_file_bytes;

  json::array files;
  std::optional<PartFile> part;
  auto close_part = [&]() -> Status {
    if (!part) return {};
    part->body.close();
    PartFile done = std::move(*part);
    part.reset();
    std::error_code ec;
    if (done.too_large) {
      files.push_back(error_json(
          done.name, limit_exceeded_error(
                         done.name + ": the file is larger than the limit of " +
                         std::to_string(max_file) + " bytes")));
    } else {
      Result<Job> job = ctx.ingestor.receive_upload(
          batch_id, done.path, done.name, done.body.finish_sha256());
      if (job.ok()) {
        files.push_back(job_json(done.name, *job));
      } else if (job.status().code() == ErrorCode::kInvalidArgument ||
                 job.status().code() == ErrorCode::kConflict) {
        files.push_back(error_json(done.name, job.status()));
      } else {
        fs::remove(done.path, ec);
        return job.status();  // storage or catalog trouble: 5xx
      }
    }
    fs::remove(done.path, ec);
    return {};
  };

  MultipartHandler handler;
  handler.begin = [&](const MultipartPart& p) -> Status {
    if (!p.filename) return {};  // a plain field
    part.emplace();
    part->name = *p.filename;
    part->path = ctx.spool_dir / ("part-" + std::to_string(ctx.serial++));
    std::error_code ec;
    if (!part->body.open(part->path, ec)) {
      return io_error("cannot spool a part: " + ec.message());
    }
    return {};
  };
  handler.data = [&](std::span<const std::byte> data) -> Status {
    if (!part || part->too_large) return {};
    if (part->body.size() + data.size() > max_file) {
      part->too_large = true;  // the rest is skipped
      return {};
    }
    std::error_code ec;
    if (!part->body.write(data.data(), data.size(), ec)) {
      return io_error("cannot spool a part: " + ec.message());
    }
    return {};
  };
  handler.end = [&]() -> Status { return close_part(); };

  Status parsed = parse_multipart(spooled->path, boundary, handler);
  if (part) {
    std::error_code ec;
    part->body.close();
    fs::remove(part->path, ec);
  }
  IMAGEBANK_ASSIGN_OR_RETURN(BatchProgress progress, ctx.bank.batch(batch_id));
  if (!parsed.ok()) {
    // What was received before the malformation is kept, and said.
    Response r = problem_response(parsed);
    json::value body = json::parse(std::get<std::string>(r.body));
    body.as_object()["files"] = std::move(files);
    r.body = json::serialize(body);
    return r;
  }
  if (files.empty()) {
    return invalid_argument_error(
        "the multipart body has no file part (a part with a filename)");
  }
  return json_response(
      200, json::object{{"files", std::move(files)},
                        {"batch", batch_progress_json(progress, false)}});
}

// ------------------------------------------------------------------- tus ---

void tus_headers(Response& r) {
  r.headers.set("Tus-Resumable", std::string(kTusVersion));
  r.headers.set("Cache-Control", "no-store");
}

Response tus_answer(Result<Response> result) {
  Response r =
      result.ok() ? std::move(*result) : problem_response(result.status());
  tus_headers(r);
  return r;
}

Response tus_problem(int status, std::string_view detail) {
  Response r = problem_response(status, detail);
  tus_headers(r);
  return r;
}

std::string expires_header(std::int64_t ms) {
  return http_date(
      std::chrono::system_clock::time_point(std::chrono::milliseconds(ms)));
}

Result<std::uint64_t> header_number(const Request& request,
                                    std::string_view name) {
  const std::string* v = request.headers.find(name);
  if (v == nullptr) {
    return invalid_argument_error(std::string(name) + " is missing");
  }
  std::uint64_t n = 0;
  const char* end = v->data() + v->size();
  auto [p, ec] = std::from_chars(v->data(), end, n);
  if (v->empty() || ec != std::errc() || p != end) {
    return invalid_argument_error(std::string(name) +
                                  " must be a non-negative integer");
  }
  return n;
}

// Tus-Resumable on the request (every one but OPTIONS): 412 otherwise.
std::optional<Response> check_tus_version(const Request& request) {
  const std::string* v = request.headers.find("Tus-Resumable");
  if (v != nullptr && *v == kTusVersion) return std::nullopt;
  Response r = tus_problem(412, "Tus-Resumable: 1.0.0 is required");
  r.headers.set("Tus-Version", std::string(kTusVersion));
  return r;
}

Result<Response> tus_options(UploadContext& ctx) {
  Response r = Response::text(204, "");
  tus_headers(r);
  r.headers.set("Tus-Version", std::string(kTusVersion));
  r.headers.set("Tus-Extension", "creation,termination,checksum,expiration");
  r.headers.set("Tus-Max-Size",
                std::to_string(ctx.ingestor.options().limits.max_file_bytes));
  r.headers.set("Tus-Checksum-Algorithm", "sha1,sha256");
  return r;
}

Result<Response> tus_create(Request& request, UploadContext& ctx) {
  if (auto refused = check_tus_version(request)) return *refused;
  IMAGEBANK_ASSIGN_OR_RETURN(ApiKeyRecord key,
                             ctx.auth.require(request, ApiScope::kUpload));
  IMAGEBANK_RETURN_IF_ERROR(check_query(request, {}));
  if (request.headers.contains("Upload-Defer-Length")) {
    return invalid_argument_error(
        "Upload-Defer-Length is not supported: send Upload-Length");
  }
  IMAGEBANK_ASSIGN_OR_RETURN(const std::uint64_t length,
                             header_number(request, "Upload-Length"));
  const std::uint64_t max = ctx.ingestor.options().limits.max_file_bytes;
  if (length > max) {
    return limit_exceeded_error("Upload-Length passes the limit of " +
                                std::to_string(max) + " bytes");
  }
  const std::string* raw = request.headers.find("Upload-Metadata");
  const std::string metadata = raw ? *raw : std::string();
  if (metadata.size() > 4096) {
    return invalid_argument_error("Upload-Metadata is longer than 4 KiB");
  }
  IMAGEBANK_ASSIGN_OR_RETURN(auto meta, parse_upload_metadata(metadata));
  auto batch_text = meta.find("batch");
  if (batch_text == meta.end()) {
    return invalid_argument_error(
        "Upload-Metadata needs \"batch\" (the id of an upload batch)");
  }
  IMAGEBANK_ASSIGN_OR_RETURN(const RowId batch_id,
                             parse_row_id(batch_text->second, "batch"));
  std::string name;
  for (const char* k : {"relativePath", "filename", "name"}) {
    auto it = meta.find(k);
    if (it != meta.end() && !it->second.empty()) {
      name = it->second;
      break;
    }
  }
  if (name.empty()) {
    return invalid_argument_error(
        "Upload-Metadata needs \"filename\" (or \"relativePath\")");
  }
  // Refused now, not after the bytes came; kept as the batch will keep it.
  IMAGEBANK_ASSIGN_OR_RETURN(name, normalize_upload_name(name));
  IMAGEBANK_RETURN_IF_ERROR(receiving_batch(ctx.bank, batch_id).status());
  IMAGEBANK_ASSIGN_OR_RETURN(
      TusUpload upload,
      ctx.tus.create(length, batch_id, name, metadata, key.prefix));
  Response r = Response::text(201, "");
  r.headers.set("Location", std::string(kUploadsPath) + "/" + upload.id);
  r.headers.set("Upload-Expires", expires_header(upload.expires_ms));
  r.headers.set("Upload-Offset", std::to_string(upload.offset));
  if (upload.job_id) {
    r.headers.set("Imagebank-Job-Id", std::to_string(*upload.job_id));
    r.headers.set("Imagebank-Job-State", upload.job_state);
  }
  return r;
}

// The upload of the path's id, if the request's key made it (an admin key
// may reach any): not_found otherwise, as for an id that does not exist.
Result<TusUpload> owned_upload(const Request& request, UploadContext& ctx) {
  IMAGEBANK_ASSIGN_OR_RETURN(ApiKeyRecord key,
                             ctx.auth.require(request, ApiScope::kUpload));
  IMAGEBANK_ASSIGN_OR_RETURN(TusUpload upload,
                             ctx.tus.get(*request.path_params.find("id")));
  if (upload.owner != key.prefix &&
      !api_scopes_allow(key.scopes, ApiScope::kAdmin)) {
    return not_found_error("no such upload");
  }
  return upload;
}

// An upload its batch refused for good is over: 410 with the reason.
Response gone(const TusUpload& upload) {
  return tus_problem(
      410, "the upload is over: its batch refused it: " + upload.failure);
}

Result<Response> tus_head(Request& request, UploadContext& ctx) {
  if (auto refused = check_tus_version(request)) return *refused;
  IMAGEBANK_ASSIGN_OR_RETURN(TusUpload upload, owned_upload(request, ctx));
  if (!upload.failure.empty()) return gone(upload);
  Response r = Response::text(200, "");
  r.headers.set("Upload-Offset", std::to_string(upload.offset));
  r.headers.set("Upload-Length", std::to_string(upload.length));
  r.headers.set("Upload-Expires", expires_header(upload.expires_ms));
  if (!upload.metadata.empty()) {
    r.headers.set("Upload-Metadata", upload.metadata);
  }
  if (upload.job_id) {
    r.headers.set("Imagebank-Job-Id", std::to_string(*upload.job_id));
    r.headers.set("Imagebank-Job-State", upload.job_state);
  }
  return r;
}

// Everything a PATCH is checked for before its body is read (and again
// after, by the handler).
Result<std::optional<UploadChecksum>> check_patch(
    const Request& request, UploadContext& ctx, std::uint64_t& offset,
    std::optional<Response>* over) {
  // The key first: without one, nothing else about the request is told.
  IMAGEBANK_RETURN_IF_ERROR(
      ctx.auth.require(request, ApiScope::kUpload).status());
  const std::string* type = request.headers.find("Content-Type");
  if (type == nullptr || *type != "application/offset+octet-stream") {
    return unsupported_format_error(
        "a PATCH body must be Content-Type: application/offset+octet-stream");
  }
  IMAGEBANK_ASSIGN_OR_RETURN(offset, header_number(request, "Upload-Offset"));
  std::optional<UploadChecksum> checksum;
  if (const std::string* c = request.headers.find("Upload-Checksum")) {
    IMAGEBANK_ASSIGN_OR_RETURN(checksum, parse_upload_checksum(*c));
  }
  IMAGEBANK_ASSIGN_OR_RETURN(TusUpload upload, owned_upload(request, ctx));
  if (!upload.failure.empty()) {
    *over = gone(upload);
    return checksum;
  }
  if (upload.offset != offset) {
    return conflict_error("Upload-Offset is " + std::to_string(offset) +
                          " but the upload has " +
                          std::to_string(upload.offset) + " bytes");
  }
  // A body longer than what is left is refused before it is read.
  // (The session has checked its framing: it is a number when present.)
  if (request.headers.contains("Content-Length")) {
    IMAGEBANK_ASSIGN_OR_RETURN(const std::uint64_t n,
                               header_number(request, "Content-Length"));
    if (n > upload.length - upload.offset) {
      return limit_exceeded_error(
          "the body (" + std::to_string(n) +
          " bytes) passes the upload's "
          "length: " +
          std::to_string(upload.length - upload.offset) + " bytes are left");
    }
  }
  return checksum;
}

Result<Response> tus_patch(Request& request, UploadContext& ctx) {
  if (auto refused = check_tus_version(request)) return *refused;
  std::uint64_t offset = 0;
  std::optional<Response> over;
  IMAGEBANK_ASSIGN_OR_RETURN(std::optional<UploadChecksum> checksum,
                             check_patch(request, ctx, offset, &over));
  if (over) return std::move(*over);
  UploadedFile empty;
  const UploadedFile* chunk = request.file_body();
  if (chunk == nullptr) chunk = &empty;
  bool mismatch = false;
  IMAGEBANK_ASSIGN_OR_RETURN(
      TusUpload upload, ctx.tus.append(*request.path_params.find("id"), offset,
                                       *chunk, checksum, &mismatch));
  if (mismatch) {
    return tus_problem(460, "the body does not match its Upload-Checksum");
  }
  if (!upload.failure.empty()) return gone(upload);
  Response r = Response::text(204, "");
  r.headers.set("Upload-Offset", std::to_string(upload.offset));
  r.headers.set("Upload-Expires", expires_header(upload.expires_ms));
  if (upload.job_id) {
    r.headers.set("Imagebank-Job-Id", std::to_string(*upload.job_id));
    r.headers.set("Imagebank-Job-State", upload.job_state);
  }
  return r;
}

Result<Response> tus_delete(Request& request, UploadContext& ctx) {
  if (auto refused = check_tus_version(request)) return *refused;
  IMAGEBANK_RETURN_IF_ERROR(owned_upload(request, ctx).status());
  IMAGEBANK_RETURN_IF_ERROR(ctx.tus.remove(*request.path_params.find("id")));
  return Response::text(204, "");
}

}  // namespace

Status add_upload_routes(Router& router, UploadContext& ctx) {
  RouteOptions files = file_body(ctx.max_request_bytes);
  files.body_timeout = ctx.body_timeout;
  files.before_body = [&ctx](Request& r) -> std::optional<Response> {
    Status st = check_multipart_request(r, ctx);
    if (st.ok()) return std::nullopt;
    return problem_response(st);
  };
  IMAGEBANK_RETURN_IF_ERROR(router.add(
      "POST", "/api/v1/batches/{id}/files",
      [&ctx](Request& r) { return post_files(r, ctx); }, files));

  const std::string uploads(kUploadsPath);
  const std::string one = uploads + "/{id}";
  IMAGEBANK_RETURN_IF_ERROR(router.add(
      "OPTIONS", uploads, [&ctx](Request&) { return tus_options(ctx); }));
  IMAGEBANK_RETURN_IF_ERROR(router.add("POST", uploads, [&ctx](Request& r) {
    return tus_answer(tus_create(r, ctx));
  }));
  IMAGEBANK_RETURN_IF_ERROR(router.add("HEAD", one, [&ctx](Request& r) {
    return tus_answer(tus_head(r, ctx));
  }));
  RouteOptions patch = file_body(ctx.ingestor.options().limits.max_file_bytes);
  patch.keep_partial_body = true;
  patch.body_timeout = ctx.body_timeout;
  patch.before_body = [&ctx](Request& r) -> std::optional<Response> {
    if (auto refused = check_tus_version(r)) return refused;
    std::uint64_t offset = 0;
    std::optional<Response> over;
    auto checked = check_patch(r, ctx, offset, &over);
    if (over) return over;
    if (checked.ok()) return std::nullopt;
    return tus_answer(checked.status());
  };
  IMAGEBANK_RETURN_IF_ERROR(router.add(
      "PATCH", one,
      [&ctx](Request& r) { return tus_answer(tus_patch(r, ctx)); }, patch));
  return router.add("DELETE", one, [&ctx](Request& r) {
    return tus_answer(tus_delete(r, ctx));
  });
}

}  // namespace imagebank::server
