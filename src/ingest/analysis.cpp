// analyze_image: one catalog image through the vision chain, its outcome
// stored beside (never over) the Carteira's fields.
#include "imagebank/ingest/analysis.hpp"

#include <utility>

#include "imagebank/core/log.hpp"
#include "ingest/ingest_impl.hpp"

namespace imagebank {
namespace {

AiAnalysis whole_photo(const ImageRecord& image, const VisionResult& r,
                       int schema_version) {
  AiAnalysis a;
  a.image_id = image.id;
  a.sha256 = image.sha256;
  a.schema_version = schema_version;
  a.description = r.description;
  a.tags = r.tags;
  a.colors = r.colors;
  a.color = std::string(main_color(r));
  a.material = r.material;
  a.garment_type = r.garment_type;
  a.style = r.style;
  a.confidence = r.confidence;
  a.provider = r.provider;
  a.model = r.model;
  a.raw_json = r.raw_json;
  a.input_tokens = r.input_tokens;
  a.output_tokens = r.output_tokens;
  a.quality = r.quality;
  a.blurhash = r.blurhash;
  return a;
}

AiAnalysis one_item(const ImageRecord& image, const VisionResult& r,
                    std::size_t position, int schema_version) {
  const VisionItem& item = r.items[position];
  AiAnalysis a;
  a.image_id = image.id;
  a.item_position = static_cast<int>(position);
  a.sha256 = image.sha256;
  a.schema_version = schema_version;
  a.description = item.label;
  a.colors = item.colors;
  a.color = item.colors.empty() ? std::string() : item.colors.front().name;
  if (auto m = item.attributes.find("material"); m != item.attributes.end()) {
    a.material = m->second;
  }
  a.confidence = item.confidence;
  a.provider = r.provider;
  a.model = r.model;
  return a;
}

bool storage_failure(const Status& s) {
  return s.code() == ErrorCode::kIoError || s.code() == ErrorCode::kUnavailable;
}

bool may_answer_later(const Status& s) {
  return s.code() == ErrorCode::kUnavailable ||
         s.code() == ErrorCode::kDeadlineExceeded ||
         s.code() == ErrorCode::kRateLimited;
}

}  // namespace

Result<ImageAnalysis> analyze_image(CatalogStore& catalog, BlobStore& blobs,
                                    VisionChain& chain,
                                    const ImageRecord& image,
                                    const VisionRequest& request, bool force) {
  ImageAnalysis out;
  const int version = request.schema_version;
  // An earlier answer of any analyzer in the chain costs nothing.
  if (!force) {
    for (const AnalysisKey& key : chain.keys(version)) {
      IMAGEBANK_ASSIGN_OR_RETURN(auto hit,
                                 catalog.find_ai_analysis(image.sha256, key));
      if (!hit) continue;
      out.provider = hit->provider;
      out.model = hit->model;
      out.cached = true;
      return out;
    }
  }
  const std::string name =
      image.original_name.empty() ? image.sha256 : image.original_name;
  Result<std::vector<std::byte>> bytes = blobs.get_bytes(image.blob_key);
  if (!bytes.ok() && storage_failure(bytes.status())) {
    return bytes.status().with_context(name);
  }
  Result<PreparedVisionImage> prepared = [&]() -> Result<PreparedVisionImage> {
    IMAGEBANK_RETURN_IF_ERROR(bytes.status().with_context(name));
    auto source = Source::memory(*bytes, name);
    return prepare_vision_image(*source, image.sha256);
  }();
  VisionOutcome outcome;
  if (prepared.ok()) {
    outcome = chain.analyze(prepared->view(), request);
  } else {
    outcome.error = prepared.status();
  }
  // Every failed call is kept with its reason, next to the answers.
  for (const VisionAttempt& attempt : outcome.attempts) {
    if (attempt.cached || attempt.skipped || attempt.outcome.ok()) continue;
    AiAnalysis failed;
    failed.image_id = image.id;
    failed.sha256 = image.sha256;
    failed.schema_version = version;
    failed.provider = attempt.provider;
    failed.model = attempt.model;
    failed.error = attempt.outcome;
    IMAGEBANK_RETURN_IF_ERROR(catalog.add_ai_analysis(failed).status());
  }
  out.attempts = std::move(outcome.attempts);
  if (!outcome.result) {
    out.error = outcome.error.ok() ? unavailable_error("no analyzer answered")
                                   : outcome.error;
    out.retryable = may_answer_later(out.error);
    return out;
  }
  const VisionResult& r = *outcome.result;
  IMAGEBANK_RETURN_IF_ERROR(
      catalog.add_ai_analysis(whole_photo(image, r, version)).status());
  if (!r.items.empty()) {
    std::vector<ImageItem> items;
    for (std::size_t i = 0; i < r.items.size(); ++i) {
      ImageItem item;
      item.image_id = image.id;
      item.position = static_cast<int>(i);
      item.label = r.items[i].label;
      item.box = r.items[i].box;
      item.attributes = r.items[i].attributes;
      items.push_back(std::move(item));
    }
    IMAGEBANK_RETURN_IF_ERROR(
        catalog.put_image_items(image.id, items).status());
    for (std::size_t i = 0; i < r.items.size(); ++i) {
      IMAGEBANK_RETURN_IF_ERROR(
          catalog.add_ai_analysis(one_item(image, r, i, version)).status());
    }
  }
  if (image.status == ImageStatus::kPendingAiAnalysis) {
    Result<ImageRecord> moved =
        catalog.set_image_status(image.id, ImageStatus::kPending);
    // Someone else moved it meanwhile: their decision stands.
    if (!moved.ok() && moved.status().code() != ErrorCode::kConflict) {
      return moved.status();
    }
  }
  out.provider = r.provider;
  out.model = r.model;
  out.cached = outcome.cached;
  if (!outcome.cached) {
    out.input_tokens = r.input_tokens;
    out.output_tokens = r.output_tokens;
  }
  return out;
}

Status Ingestor::Impl::analyse(const Job& job, const std::string& holder,
                               WorkReport& report) {
  const std::string& who = job.source_path;
  // Ends the job as failed: again after a backoff (at least the service's
  // Retry-After) while attempts last and a later try may succeed, else for
  // good.
  auto fail = [&](Status status, bool may_pass) {
    if (status.message().find(who) == std::string::npos) {
      status = status.with_context(who);
    }
    const bool retry = may_pass && job.attempts < options.max_attempts;
    std::optional<std::int64_t> at;
    if (retry) {
      at = retry_at(job.attempts);
      if (auto wait = status.retry_after()) {
        at = std::max(*at, ingest_now_ms() + wait->count());
      }
    }
    Result<Job> r = queue->fail_job(job.id, holder, status, at);
    if (!r.ok()) unrecorded_end(job, holder, r.status());
    if (retry) {
      ++report.retried;
      log(LogLevel::kWarning,
          "analysis of " + status.to_string() + " (attempt " +
              std::to_string(job.attempts) + " of " +
              std::to_string(options.max_attempts) + ", will retry)");
    } else {
      ++report.analysis_failed;
      note_error(status.to_string());
    }
  };
  if (!job.image_id) {
    fail(internal_error("an analyze job without its image"), false);
    return {};
  }
  Result<ImageRecord> image = catalog->get_image(*job.image_id);
  if (!image.ok()) {
    const bool storage = storage_failure(image.status());
    fail(image.status(), storage);
    return storage ? image.status() : Status();
  }
  Result<ImageAnalysis> done =
      analyze_image(*catalog, *blobs, *options.analysis.chain, *image,
                    options.analysis.request);
  if (!done.ok()) {
    const bool storage = storage_failure(done.status());
    fail(done.status(), storage);
    return storage ? done.status() : Status();
  }
  if (!done->error.ok()) {
    fail(done->error, done->retryable);
    return {};
  }
  Result<Job> finished = queue->finish_job(job.id, holder);
  if (!finished.ok()) {
    if (finished.status().code() == ErrorCode::kConflict) {
      // Its answer is stored: whoever has the job now finds it cached.
      log(LogLevel::kWarning, who +
                                  ": the lease was lost before the analysis "
                                  "ended; another worker has the job");
      return {};
    }
    return finished.status();
  }
  ++report.analysed;
  return {};
}

}  // namespace imagebank
