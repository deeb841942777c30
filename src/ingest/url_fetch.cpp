// The fetch step of URL-list jobs: a worker fetches the URL (through the
// options' ImageFetcher), stores the bytes as the content-addressed
// original, records the content's sha256 and size on the job's row and
// hands the job on to process() as if it had been received from a folder.
// A failed fetch is the job's outcome, with its code (fail_process, whose
// rule for URLs is fetch_is_final, honouring the server's Retry-After).
#include <algorithm>

#include "imagebank/core/log.hpp"
#include "imagebank/core/text.hpp"
#include "imagebank/hash/sha256.hpp"
#include "imagebank/image/format.hpp"
#include "ingest/ingest_impl.hpp"

namespace imagebank {
namespace {

// What the same URL will answer again: retrying cannot help.
bool fetch_is_final(const Status& status) {
  switch (status.code()) {
    case ErrorCode::kNotFound:
    case ErrorCode::kPermissionDenied:
    case ErrorCode::kUnauthenticated:
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kLimitExceeded:
    case ErrorCode::kCorruptData:
    case ErrorCode::kUnsupportedFormat:
      return true;
    default:
      return false;
  }
}

// A job of a URL batch: its source is the URL (a folder's or an upload's
// is a path or a name, never "http://...").
bool is_url_job(const Job& job) {
  return job.kind == JobKind::kProcess &&
         (job.source_path.starts_with("http://") ||
          job.source_path.starts_with("https://"));
}

}  // namespace

Result<std::shared_ptr<const std::map<std::string, UrlRow>>>
Ingestor::Impl::rows_of(RowId batch_id) {
  {
    std::lock_guard lock(url_mu);
    if (auto it = url_rows.find(batch_id); it != url_rows.end()) {
      return it->second;
    }
  }
  IMAGEBANK_ASSIGN_OR_RETURN(Batch batch, queue->get_batch(batch_id));
  auto rows = std::make_shared<std::map<std::string, UrlRow>>();
  for (UrlRow& row : url_batch_rows(batch)) {
    std::string url = row.url;
    rows->emplace(std::move(url), std::move(row));
  }
  std::lock_guard lock(url_mu);
  if (url_rows.size() > 64) url_rows.clear();
  url_rows[batch_id] = rows;
  return std::shared_ptr<const std::map<std::string, UrlRow>>(rows);
}

Status Ingestor::Impl::process_job(const Job& job, const std::string& holder,
                                   WorkReport& report, StoreStep* store) {
  if (!is_url_job(job)) return process(job, holder, report, store);
  // The URL's own failures (its server's answers, the address policy) are
  // final by fetch_is_final and never count against the bank's storage;
  // the stores' are process()'s (file_at_fault false).
  const FailureRule by_url{&fetch_is_final, false};
  Job fetched = job;
  // A job whose bytes were fetched and stored by an earlier attempt has its
  // sha256: it goes on from the stored original, not fetched again.
  if (job.sha256.empty()) {
    if (!options.fetcher) {
      return fail_process(job, holder,
                          unavailable_error("this worker has no image fetcher "
                                            "for URL batches"),
                          by_url, report);
    }
    Result<FetchedImage> got = options.fetcher->fetch_image(
        job.source_path, options.limits.max_file_bytes);
    if (!got.ok()) {
      return fail_process(job, holder, got.status(), by_url, report);
    }
    if (got->bytes.empty()) {
      return fail_process(job, holder,
                          corrupt_data_error("the server sent an empty body"),
                          by_url, report);
    }
    fetched.sha256 = to_hex(sha256(got->bytes));
    fetched.bytes = got->bytes.size();
    // The bytes decide the format (never the URL's extension or the
    // Content-Type); process() decodes them the same way.
    const Format format = sniff_format(std::span<const std::byte>(
        got->bytes.data(), std::min<std::size_t>(got->bytes.size(), 64)));
    Result<ImageRecord> existing =
        catalog->find_image_by_sha256(fetched.sha256);
    if (!existing.ok()) {
      if (existing.status().code() != ErrorCode::kNotFound) {
        return fail_process(job, holder, existing.status(), false, report);
      }
      Result<std::string> key =
          original_blob_key(fetched.sha256, file_extension(format));
      if (!key.ok()) {
        return fail_process(job, holder, key.status(), by_url, report);
      }
      Status put = blobs->put(*key, got->bytes);
      if (!put.ok()) return fail_process(job, holder, put, false, report);
    }
    // The row shows the content as a folder job's does, from now on.
    Result<Job> recorded =
        queue->set_job_content(job.id, holder, fetched.sha256, fetched.bytes);
    if (!recorded.ok()) {
      if (recorded.status().code() == ErrorCode::kConflict) {
        log(LogLevel::kWarning, job.source_path +
                                    ": the lease was lost after the fetch; "
                                    "another worker has the job");
        return {};
      }
      return fail_process(job, holder, recorded.status(), false, report);
    }
  }
  Result<std::shared_ptr<const std::map<std::string, UrlRow>>> rows =
      rows_of(job.batch_id);
  if (!rows.ok()) {
    return fail_process(job, holder, rows.status(), false, report);
  }
  const auto row = (*rows)->find(job.source_path);
  const bool has_sku = row != (*rows)->end() && !row->second.sku.empty();
  if (has_sku) {
    std::lock_guard lock(url_mu);
    given_skus[job.id] = row->second.sku;
  }
  Status status = process(fetched, holder, report, store);
  if (has_sku) {
    std::lock_guard lock(url_mu);
    given_skus.erase(job.id);
  }
  return status;
}

Result<SkuParse> Ingestor::Impl::parse_name(const Job& job,
                                            const KnownSkus* known) {
  Result<SkuParse> parsed = parser.parse(job.original_name, known);
  std::string given;
  {
    std::lock_guard lock(url_mu);
    if (auto it = given_skus.find(job.id); it != given_skus.end()) {
      given = it->second;
    }
  }
  if (given.empty()) return parsed;
  // The list's SKU wins; the view and sequence still come from the name.
  SkuParse out = parsed.ok() ? *parsed : SkuParse{};
  out.sku_base = upper_without_accents(given);
  out.confidence = 1.0;
  out.from_folder = false;
  out.reason = known != nullptr && known->find(out.sku_base)
                   ? SkuReason::kKnownSku
                   : SkuReason::kGrammar;
  return out;
}

}  // namespace imagebank
