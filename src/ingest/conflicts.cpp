// Cross-SKU conflicts at ingest: a file whose SKU (read from its name) is
// not the SKU of the stored photo it duplicates or looks like. The findings
// travel with the job's commit (JobOutcome, JobInsert), so the store records
// them in the same transaction as the image or the duplicate.
#include <algorithm>
#include <cctype>

#include "ingest/ingest_impl.hpp"

namespace imagebank {
namespace {

bool same_sku(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) ==
                  std::toupper(static_cast<unsigned char>(y));
         });
}

// Two photos conflict only when both name a SKU and the SKUs differ: a photo
// without one (a camera default name) is an ordinary duplicate.
bool conflicting(std::string_view a, std::string_view b) {
  return !a.empty() && !b.empty() && !same_sku(a, b);
}

}  // namespace

Result<std::string> Ingestor::Impl::file_sku(RowId batch_id,
                                             const std::string& name) {
  IMAGEBANK_ASSIGN_OR_RETURN(const Batch batch, queue->get_batch(batch_id));
  std::shared_ptr<const CollectionSkus> known;
  if (batch.collection_id != 0) {
    IMAGEBANK_ASSIGN_OR_RETURN(known,
                               collection_skus(batch.collection_id, false));
  }
  Result<SkuParse> parse = parser.parse(name, known ? &known->known : nullptr);
  // A name the grammar cannot read has no SKU: not a conflict.
  if (!parse.ok()) return std::string();
  return parse->sku_base;
}

Result<std::vector<ConflictFinding>> Ingestor::Impl::exact_conflicts(
    RowId batch_id, const std::string& name, const ImageRecord& existing) {
  std::vector<ConflictFinding> out;
  if (existing.sku_base.empty()) return out;
  IMAGEBANK_ASSIGN_OR_RETURN(const std::string sku, file_sku(batch_id, name));
  if (conflicting(sku, existing.sku_base)) {
    out.push_back(ConflictFinding{ConflictKind::kExact, existing.id, sku, 0});
  }
  return out;
}

Result<std::vector<ConflictFinding>> Ingestor::Impl::near_conflicts(
    const std::string& sku, std::span<const NearDuplicate> near) {
  std::vector<ConflictFinding> out;
  if (sku.empty()) return out;
  for (const NearDuplicate& n : near) {
    Result<ImageRecord> other = catalog->get_image(n.other_image_id);
    // Discarded since the index saw it: nothing to conflict with.
    if (!other.ok() && other.status().code() == ErrorCode::kNotFound) continue;
    IMAGEBANK_RETURN_IF_ERROR(other.status());
    if (conflicting(sku, other->sku_base)) {
      out.push_back(
          ConflictFinding{ConflictKind::kNear, other->id, sku, n.distance});
    }
  }
  return out;
}

}  // namespace imagebank
