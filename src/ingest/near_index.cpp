#include "ingest/near_index.hpp"

#include <algorithm>
#include <bit>

namespace imagebank {

bool NearIndex::featureless(std::uint64_t phash) noexcept {
  return std::popcount(phash) <= 1;
}

Status NearIndex::catch_up(CatalogStore& catalog) {
  if (!index_) {
    IMAGEBANK_ASSIGN_OR_RETURN(HashIndex index, HashIndex::create());
    index_.emplace(std::move(index));
  }
  // Ids are handed out at insert but committed in any order across
  // processes: rows just below the highest id seen may appear later, so the
  // last kWindow ids are read again (those already held are skipped).
  constexpr RowId kWindow = 1024;
  constexpr std::size_t kPage = 50'000;
  RowId after = std::max<RowId>(0, last_id_ - kWindow);
  std::vector<std::uint64_t> ids, words;
  for (;;) {
    IMAGEBANK_ASSIGN_OR_RETURN(std::vector<ImageHashRow> rows,
                               catalog.image_hashes(after, kPage));
    ids.clear();
    words.clear();
    for (const ImageHashRow& row : rows) {
      after = row.id;
      if (!recent_.insert(row.id).second) continue;
      last_id_ = std::max(last_id_, row.id);
      if (featureless(row.phash)) continue;
      ids.push_back(static_cast<std::uint64_t>(row.id));
      words.push_back(row.phash);
    }
    if (!ids.empty()) IMAGEBANK_RETURN_IF_ERROR(index_->add_many(ids, words));
    if (rows.size() < kPage) break;
  }
  recent_.erase(recent_.begin(), recent_.lower_bound(last_id_ - kWindow));
  return {};
}

Result<std::vector<HashIndex::Match>> NearIndex::find(CatalogStore& catalog,
                                                      std::uint64_t phash,
                                                      int radius,
                                                      std::size_t limit) {
  std::vector<HashIndex::Match> out;
  if (radius < 0 || featureless(phash)) return out;
  std::lock_guard lock(mu_);
  IMAGEBANK_RETURN_IF_ERROR(catch_up(catalog));
  IMAGEBANK_ASSIGN_OR_RETURN(out, index_->query(phash, radius));
  if (out.size() > limit) out.resize(limit);
  return out;
}

void NearIndex::add(RowId id, std::uint64_t phash) {
  std::lock_guard lock(mu_);
  if (!index_) return;  // the first find() loads it from the catalog
  // Held from now on; the next catch-up skips it.
  if (!recent_.insert(id).second || featureless(phash)) return;
  last_id_ = std::max(last_id_, id);
  (void)index_->add(static_cast<std::uint64_t>(id), phash);
}

}  // namespace imagebank
