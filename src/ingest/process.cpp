// The process phase of one job: decode once → hashes from the smallest
// whole picture → exact and near duplicates → SKU and Carteira match →
// variants → blobs → one catalog transaction. Every key comes from the
// content SHA-256, so a second run after a crash writes the same objects and
// the catalog commit happens once.
#include <algorithm>
#include <cctype>

#include "imagebank/core/log.hpp"
#include "imagebank/core/thread_pool.hpp"
#include "imagebank/hash/pdq.hpp"
#include "imagebank/hash/perceptual.hpp"
#include "imagebank/image/format.hpp"
#include "imagebank/image/source.hpp"
#include "ingest/ingest_impl.hpp"

namespace imagebank {
namespace {

// Failures of the file itself (its decode): retrying cannot change them.
// A decode that ran out of time (deadline_exceeded) is not among them: on a
// less busy machine the next attempt may finish.
bool is_permanent(const Status& status) {
  switch (status.code()) {
    case ErrorCode::kCorruptData:
    case ErrorCode::kUnsupportedFormat:
    case ErrorCode::kLimitExceeded:
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kNotFound:
      return true;
    default:
      return false;
  }
}

bool is_storage_failure(const Status& status) {
  return status.code() == ErrorCode::kIoError ||
         status.code() == ErrorCode::kUnavailable;
}

int sequence_number(const std::string& sequence) {
  if (sequence.empty() || sequence.size() > 6 ||
      !std::all_of(sequence.begin(), sequence.end(),
                   [](unsigned char c) { return std::isdigit(c); })) {
    return 0;
  }
  return std::stoi(sequence);
}

// "originals/ab/cd/<sha256>.": the receive step chose the extension from the
// bytes, so the key is found by its prefix.
Result<std::string> find_original(BlobStore& blobs, const std::string& sha) {
  IMAGEBANK_ASSIGN_OR_RETURN(std::string key, original_blob_key(sha, "bin"));
  const std::string prefix = key.substr(0, key.size() - 3);
  IMAGEBANK_ASSIGN_OR_RETURN(BlobListPage page, blobs.list(prefix, {}, 4));
  if (page.blobs.empty()) {
    return not_found_error("the original " + prefix +
                           "* is missing from the blob store " + blobs.uri());
  }
  return page.blobs.front().key;
}

}  // namespace

Result<std::shared_ptr<const CollectionSkus>> Ingestor::Impl::collection_skus(
    RowId collection_id, bool reload) {
  const std::int64_t now = ingest_now_ms();
  {
    std::lock_guard lock(mu);
    auto it = skus.find(collection_id);
    // A new Carteira import may add products at any time: matched against
    // a list at most 30 s old.
    if (it != skus.end() && !reload && now - it->second->loaded_ms < 30'000) {
      return it->second;
    }
  }
  std::vector<std::string> names;
  std::vector<RowId> ids;
  for (RowId after = 0;;) {
    IMAGEBANK_ASSIGN_OR_RETURN(
        Page<Product> page,
        catalog->list_products(collection_id, after, 10'000));
    for (const Product& p : page.items) {
      // Photos are named after the SKU base (the SKU without size and colour
      // suffixes); the full SKU also matches.
      names.push_back(p.sku_base.empty() ? p.sku : p.sku_base);
      ids.push_back(p.id);
      if (!p.sku_base.empty() && p.sku_base != p.sku) {
        names.push_back(p.sku);
        ids.push_back(p.id);
      }
    }
    if (page.next_after == 0) break;
    after = page.next_after;
  }
  auto out = std::make_shared<CollectionSkus>();
  out->loaded_ms = now;
  out->known = KnownSkus(names);
  // KnownSkus merges spellings that collide, keeping the first: map each
  // distinct SKU back to the first product that spelled it.
  out->product_ids.assign(out->known.size(), 0);
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::optional<std::size_t> k = out->known.find(names[i]);
    if (k && out->product_ids[*k] == 0) out->product_ids[*k] = ids[i];
  }
  std::lock_guard lock(mu);
  skus[collection_id] = out;
  return std::shared_ptr<const CollectionSkus>(out);
}

Status Ingestor::Impl::fail_process(const Job& job, const std::string& holder,
                                    Status status, bool file_at_fault,
                                    WorkReport& report) {
  return fail_process(
      job, holder, std::move(status),
      FailureRule{file_at_fault ? &is_permanent : nullptr, true}, report);
}

Status Ingestor::Impl::fail_process(const Job& job, const std::string& holder,
                                    Status status, const FailureRule& rule,
                                    WorkReport& report) {
  if (status.message().find(job.source_path) == std::string::npos) {
    status = status.with_context(job.source_path);
  }
  const bool retry = !(rule.final != nullptr && rule.final(status)) &&
                     job.attempts < options.max_attempts;
  std::optional<std::int64_t> at;
  if (retry) {
    at = retry_at(job.attempts);
    if (const auto asked = status.retry_after()) {
      at = std::max(*at, ingest_now_ms() + asked->count());
    }
  }
  Result<Job> r = queue->fail_job(job.id, holder, status, at);
  if (!r.ok()) unrecorded_end(job, holder, r.status());
  if (retry) {
    ++report.retried;
    log(LogLevel::kWarning,
        status.to_string() + " (attempt " + std::to_string(job.attempts) +
            " of " + std::to_string(options.max_attempts) + ", will retry)");
  } else {
    ++report.failed;
    note_error(status.to_string());
  }
  return rule.storage && is_storage_failure(status) ? status : Status();
}

Status Ingestor::Impl::commit_process(const Job& job, const std::string& holder,
                                      JobOutcome outcome, WorkReport& report) {
  // The near-duplicate lookup and the commit happen under one lock, so of
  // two look-alikes processed side by side the second always sees the
  // first (across processes the index catches up before each lookup).
  std::unique_lock commit_lock(commit_mu, std::defer_lock);
  if (outcome.image.id == 0) {
    commit_lock.lock();
    Result<std::vector<HashIndex::Match>> matches =
        near.find(*catalog, outcome.image.phash, options.near_radius, 8);
    if (!matches.ok()) {
      return fail_process(job, holder, matches.status(), false, report);
    }
    for (const HashIndex::Match& m : *matches) {
      outcome.near_duplicates.push_back(
          NearDuplicate{0, static_cast<RowId>(m.id), m.distance, "phash"});
    }
    Result<std::vector<ConflictFinding>> found =
        near_conflicts(outcome.image.sku_base, outcome.near_duplicates);
    if (!found.ok())
      return fail_process(job, holder, found.status(), false, report);
    outcome.conflicts = std::move(*found);
  }
  Result<ImageInsert> r = queue->complete_job(job.id, holder, outcome);
  if (!r.ok()) {
    if (r.status().code() == ErrorCode::kConflict) {
      Result<Job> now = queue->get_job(job.id);
      if (!now.ok() || now->state != JobState::kLeased ||
          now->worker != holder) {
        log(LogLevel::kWarning, job.source_path +
                                    ": the lease was lost before the "
                                    "commit; another worker has the job");
        return {};
      }
      // Still ours: a constraint clashed (a product removed by a new
      // Carteira import, say). Match again on the next attempt.
      std::lock_guard lock(mu);
      skus.clear();
    }
    return fail_process(job, holder, r.status(), false, report);
  }
  report.conflicts += static_cast<std::int64_t>(outcome.conflicts.size());
  if (r->duplicate) {
    ++report.duplicates;
  } else {
    ++report.done;
    near.add(r->image.id, r->image.phash);
  }
  return {};
}

Status Ingestor::Impl::store_process(const Job& job, const std::string& holder,
                                     const VariantOptions& vo,
                                     const std::vector<Variant>& variants,
                                     JobOutcome outcome, WorkReport& report) {
  for (const Variant& v : variants) {
    EncodeOptions settings = vo.encode_options(v.format);
    settings.format = v.format;
    Result<std::string> key =
        variant_key(job.sha256, v.preset, v.format, settings);
    if (!key.ok())
      return fail_process(job, holder, key.status(), false, report);
    const std::string& blob_key = *key;
    // A run that died after storing some variants finds them in place.
    Result<BlobInfo> have = blobs->head(blob_key);
    if (!have.ok() || have->size != v.data.size()) {
      Status put = blobs->put(blob_key, v.data);
      if (!put.ok()) return fail_process(job, holder, put, false, report);
    }
    outcome.variants.push_back(
        VariantRecord{0, v.preset, std::string(format_name(v.format)), v.width,
                      v.height, v.data.size(), blob_key});
  }
  return commit_process(job, holder, std::move(outcome), report);
}

Status Ingestor::Impl::process(const Job& job, const std::string& holder,
                               WorkReport& report, StoreStep* store) {
  // Ends the job as failed: for good when the file is at fault or attempts
  // are used up, else again after a backoff. `file_at_fault` is false for
  // failures of the stores, whatever their code: those may pass.
  auto fail = [&](Status status, bool file_at_fault = false) -> Status {
    return fail_process(job, holder, std::move(status), file_at_fault, report);
  };

  // Exact duplicate of something already stored: nothing to compute.
  Result<ImageRecord> existing = catalog->find_image_by_sha256(job.sha256);
  if (existing.ok()) {
    Result<std::vector<ConflictFinding>> found =
        exact_conflicts(job.batch_id, job.original_name, *existing);
    if (!found.ok()) return fail(found.status());
    return commit_process(
        job, holder, JobOutcome{*existing, {}, {}, std::move(*found)}, report);
  }
  if (existing.status().code() != ErrorCode::kNotFound) {
    return fail(existing.status());
  }

  Result<Batch> batch = queue->get_batch(job.batch_id);
  if (!batch.ok()) return fail(batch.status());
  Result<std::string> original = find_original(*blobs, job.sha256);
  if (!original.ok()) return fail(original.status());
  Result<std::vector<std::byte>> bytes = blobs->get_bytes(*original);
  if (!bytes.ok()) return fail(bytes.status());

  VariantOptions vo;
  vo.presets = options.presets;
  vo.formats = options.formats;
  vo.limits = options.limits;
  VariantReport seen;
  Result<std::vector<Variant>> variants =
      make_variants(*Source::memory(*bytes, job.source_path), vo, &seen);
  if (!variants.ok()) return fail(variants.status(), true);

  Result<PerceptualHashes> hashes = perceptual_hashes(seen.picture);
  if (!hashes.ok()) return fail(hashes.status(), true);
  Result<PdqHash> pdq_hash = pdq(seen.picture);
  if (!pdq_hash.ok()) return fail(pdq_hash.status(), true);

  JobOutcome outcome;
  ImageRecord& image = outcome.image;
  image.sha256 = job.sha256;
  image.phash = hashes->phash;
  image.dhash = hashes->dhash;
  image.pdq = pdq_to_bytes(pdq_hash->hash);
  image.pdq_quality = pdq_hash->quality;
  image.width = seen.info.display_width();
  image.height = seen.info.display_height();
  image.format = std::string(format_name(seen.info.format));
  image.bytes = bytes->size();
  image.original_name = job.original_name;
  image.batch_id = job.batch_id;
  image.blob_key = *original;
  image.decode_tolerance = tolerance_text(seen.info.tolerated);
  if (batch->collection_id != 0) image.collection_id = batch->collection_id;
  // Its analyze job moves it on to pending once the analyzers answered.
  if (!batch->analysis.empty()) image.status = ImageStatus::kPendingAiAnalysis;

  std::shared_ptr<const CollectionSkus> known;
  if (batch->collection_id != 0) {
    Result<std::shared_ptr<const CollectionSkus>> k =
        collection_skus(batch->collection_id, false);
    if (!k.ok()) return fail(k.status());
    known = *k;
  }
  Result<SkuParse> parse = parse_name(job, known ? &known->known : nullptr);
  if (parse.ok()) {
    image.sku_base = parse->sku_base;
    image.sequence = sequence_number(parse->sequence);
    image.view = parse->view;
    if (known && !parse->sku_base.empty()) {
      const std::optional<std::size_t> k = known->known.find(parse->sku_base);
      if (k && known->product_ids[*k] != 0) {
        image.product_id = known->product_ids[*k];
      }
    }
  }

  if (store == nullptr) {
    return store_process(job, holder, vo, *variants, std::move(outcome),
                         report);
  }
  // The writes and the commit wait on the disk (every put is durable when
  // it returns): handed to the caller, who runs them while this thread
  // decodes the next photo.
  *store = [this, job, holder, vo = std::move(vo),
            variants = std::move(*variants),
            outcome = std::move(outcome)](WorkReport& r) mutable {
    return store_process(job, holder, vo, variants, std::move(outcome), r);
  };
  return {};
}

}  // namespace imagebank
