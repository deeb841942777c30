// Bank::review: what a person should look at once a batch has run.
#include <algorithm>
#include <unordered_map>

#include "imagebank/bank/bank.hpp"

namespace imagebank {
namespace {

constexpr std::size_t kPage = 10'000;

}  // namespace

Result<BatchReview> Bank::review(RowId batch_id, std::size_t max_named) {
  IMAGEBANK_RETURN_IF_ERROR(jobs_->get_batch(batch_id).status());
  BatchReview out;
  out.batch_id = batch_id;

  // The batch's photos by id (8 bytes each: a batch of a million photos is
  // 8 MB here, not its names).
  std::vector<RowId> ids;
  RowId first = 0, last = 0;
  ImageQuery query;
  query.batch_id = batch_id;
  query.limit = kPage;
  for (;;) {
    IMAGEBANK_ASSIGN_OR_RETURN(Page<ImageRecord> page,
                               catalog_->list_images(query));
    for (ImageRecord& image : page.items) {
      if (!image.product_id) ++out.unmatched;
      if (first == 0) first = image.id;
      last = image.id;
      ids.push_back(image.id);
    }
    if (page.next_after == 0) break;
    query.after_id = page.next_after;
  }

  // A near-duplicate row belongs to the newer photo (image_id), so only the
  // rows of image ids within the batch's range can be the batch's.
  std::vector<NearDuplicate> listed;
  for (RowId after = first - 1; first != 0 && after < last;) {
    IMAGEBANK_ASSIGN_OR_RETURN(
        std::vector<NearDuplicate> page,
        catalog_->near_duplicates(std::nullopt, after, kPage));
    for (NearDuplicate& n : page) {
      after = std::max(after, n.image_id);
      if (!std::binary_search(ids.begin(), ids.end(), n.image_id)) continue;
      ++out.near_duplicate_count;
      if (listed.size() < max_named) listed.push_back(std::move(n));
    }
    if (page.size() < kPage) break;
  }
  ids = {};
  std::unordered_map<RowId, std::string> names;  // of the listed pairs
  auto name_of = [&](RowId id) {
    if (auto it = names.find(id); it != names.end()) return it->second;
    auto image = catalog_->get_image(id);
    std::string name =
        image.ok() ? image->original_name : "image " + std::to_string(id);
    names.emplace(id, name);
    return name;
  };
  out.near_duplicates.reserve(listed.size());
  for (NearDuplicate& n : listed) {
    NamedNearDuplicate named;
    named.image_name = name_of(n.image_id);
    named.other_name = name_of(n.other_image_id);
    named.pair = std::move(n);
    out.near_duplicates.push_back(std::move(named));
  }

  ConflictQuery conflicts;
  conflicts.open_only = false;
  conflicts.batch_id = batch_id;
  conflicts.limit = kPage;
  for (;;) {
    IMAGEBANK_ASSIGN_OR_RETURN(Page<SkuConflict> page,
                               catalog_->list_conflicts(conflicts));
    out.conflict_count += static_cast<std::int64_t>(page.items.size());
    for (SkuConflict& c : page.items) {
      if (out.conflicts.size() < max_named)
        out.conflicts.push_back(std::move(c));
    }
    if (page.next_after == 0) break;
    conflicts.after_id = page.next_after;
  }

  IMAGEBANK_ASSIGN_OR_RETURN(const JobCounts counts,
                             jobs_->job_counts(batch_id));
  out.failed_count = counts.failed;
  for (RowId after = 0; out.failed.size() < max_named;) {
    IMAGEBANK_ASSIGN_OR_RETURN(
        Page<Job> page,
        jobs_->list_jobs(
            batch_id, JobState::kFailed, after,
            std::min<std::size_t>(1000, max_named - out.failed.size())));
    for (Job& job : page.items) out.failed.push_back(std::move(job));
    if (page.next_after == 0) break;
    after = page.next_after;
  }
  return out;
}

}  // namespace imagebank
