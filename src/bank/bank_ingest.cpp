// Bank's ingest calls: thin wrappers that put an Ingestor on the bank's
// stores, and the batch queue's controls.
#include "imagebank/adapters/http/fetch.hpp"
#include "imagebank/adapters/vision.hpp"
#include "imagebank/bank/bank.hpp"
#include "imagebank/core/log.hpp"

namespace imagebank {

Result<std::unique_ptr<Ingestor>> Bank::ingestor(
    IngestOptions options, std::optional<RowId> batch_id) const {
  if (batch_id && !options.analysis.chain) {
    IMAGEBANK_ASSIGN_OR_RETURN(Batch batch, jobs_->get_batch(*batch_id));
    if (!batch.analysis.empty()) {
      Result<std::shared_ptr<VisionChain>> chain =
          [&]() -> Result<std::shared_ptr<VisionChain>> {
        AnalyzeOptions vision;
        IMAGEBANK_ASSIGN_OR_RETURN(vision.vision,
                                   parse_vision_list(batch.analysis));
        return open_vision(vision);
      }();
      if (chain.ok()) {
        options.analysis.chain = *chain;
        options.analysis.label = batch.analysis;
      } else {
        log(LogLevel::kWarning,
            "batch " + std::to_string(*batch_id) + ": its analyzers (" +
                batch.analysis + ") cannot be opened, so its analyses wait: " +
                chain.status().to_string());
      }
    }
  }
  if (!options.fetcher) {
    // URL-list batches fetch through the shared HTTP client, refusing
    // private addresses (a front end that allows hosts passes its own).
    http::FetchOptions fetch;
    fetch.max_bytes = options.limits.max_file_bytes;
    IMAGEBANK_ASSIGN_OR_RETURN(std::unique_ptr<http::UrlFetcher> fetcher,
                               http::UrlFetcher::create(std::move(fetch)));
    options.fetcher = std::shared_ptr<ImageFetcher>(std::move(fetcher));
  }
  return Ingestor::create(catalog_, jobs_, blobs_, std::move(options));
}

Result<Batch> Bank::ingest(std::span<const std::filesystem::path> paths,
                           IngestOptions options) {
  IMAGEBANK_ASSIGN_OR_RETURN(std::unique_ptr<Ingestor> ingest,
                             ingestor(std::move(options)));
  return ingest->ingest(paths);
}

Result<Batch> Bank::resume(RowId batch_id, IngestOptions options) {
  IMAGEBANK_ASSIGN_OR_RETURN(std::unique_ptr<Ingestor> ingest,
                             ingestor(std::move(options), batch_id));
  return ingest->resume(batch_id);
}

Result<WorkReport> Bank::work(IngestOptions options, bool follow) {
  IMAGEBANK_ASSIGN_OR_RETURN(std::unique_ptr<Ingestor> ingest,
                             ingestor(std::move(options)));
  return ingest->work(follow);
}

Result<Batch> Bank::open_upload_batch(const UploadTarget& target,
                                      std::string_view label) {
  IMAGEBANK_ASSIGN_OR_RETURN(std::unique_ptr<Ingestor> ingest, ingestor());
  return ingest->open_upload_batch(target, label);
}

Result<Job> Bank::receive_upload(RowId batch_id,
                                 const std::filesystem::path& file,
                                 std::string_view name,
                                 std::string_view sha256_hex,
                                 IngestOptions options) {
  IMAGEBANK_ASSIGN_OR_RETURN(std::unique_ptr<Ingestor> ingest,
                             ingestor(std::move(options)));
  return ingest->receive_upload(batch_id, file, name, sha256_hex);
}

Result<Batch> Bank::finish_upload(RowId batch_id) {
  IMAGEBANK_ASSIGN_OR_RETURN(std::unique_ptr<Ingestor> ingest, ingestor());
  return ingest->finish_upload(batch_id);
}

Result<ReconcileReport> Bank::reconcile(std::optional<std::string> collection) {
  IMAGEBANK_ASSIGN_OR_RETURN(auto id, collection_id(collection));
  IMAGEBANK_ASSIGN_OR_RETURN(std::unique_ptr<Ingestor> ingest, ingestor());
  return ingest->reconcile(id);
}

Result<std::vector<BatchProgress>> Bank::batches() {
  IMAGEBANK_ASSIGN_OR_RETURN(std::vector<Batch> all, jobs_->list_batches());
  std::vector<BatchProgress> out;
  out.reserve(all.size());
  for (const Batch& b : all) {
    IMAGEBANK_ASSIGN_OR_RETURN(BatchProgress p, batch_progress(*jobs_, b.id));
    out.push_back(std::move(p));
  }
  return out;
}

Result<BatchProgress> Bank::batch(RowId batch_id) {
  return batch_progress(*jobs_, batch_id);
}

Result<Batch> Bank::pause(RowId batch_id) {
  return jobs_->set_batch_state(batch_id, BatchState::kPaused);
}

Result<Batch> Bank::cancel(RowId batch_id) {
  return jobs_->set_batch_state(batch_id, BatchState::kCancelled);
}

Result<std::int64_t> Bank::retry_failed(RowId batch_id) {
  return jobs_->retry_failed_jobs(batch_id, false);
}

}  // namespace imagebank
