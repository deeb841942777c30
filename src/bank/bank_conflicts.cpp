// Bank's cross-SKU conflicts: listed by collection name, resolved with the
// discarded photo's objects deleted after its rows.
#include "imagebank/bank/bank.hpp"
#include "imagebank/core/log.hpp"

namespace imagebank {

Result<Page<SkuConflict>> Bank::conflicts(const ConflictListOptions& options) {
  ConflictQuery query;
  query.open_only = options.open_only;
  IMAGEBANK_ASSIGN_OR_RETURN(query.collection_id,
                             collection_id(options.collection));
  query.batch_id = options.batch_id;
  query.after_id = options.after_id;
  query.limit = options.limit;
  return catalog_->list_conflicts(query);
}

Result<ConflictResolved> Bank::resolve_conflict(
    RowId conflict_id, const ConflictResolution& resolution) {
  IMAGEBANK_ASSIGN_OR_RETURN(
      ConflictResolved out,
      catalog_->resolve_conflict(conflict_id, resolution));
  // The rows are gone first: a photo is never served from a missing object.
  // An object left behind is only disk space, and it is named.
  std::string left;
  Status first;
  for (const std::string& key : out.discarded_blob_keys) {
    Status removed = blobs_->remove(key);
    if (removed.ok() || removed.code() == ErrorCode::kNotFound) continue;
    if (first.ok()) first = removed;
    left += (left.empty() ? "" : ", ") + key;
  }
  if (!first.ok()) {
    return Status(first.code(),
                  "conflict " + std::to_string(conflict_id) +
                      " is discarded, but these objects could not be "
                      "deleted: " +
                      left + " (" + first.message() + ")");
  }
  if (out.discarded) {
    log(LogLevel::kInfo,
        "conflict " + std::to_string(conflict_id) + ": discarded image " +
            std::to_string(out.discarded->id) + " (" +
            out.discarded->original_name + ") and " +
            std::to_string(out.discarded_blob_keys.size()) + " objects");
  }
  return out;
}

}  // namespace imagebank
