#include "ingest/near_index.hpp"

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
  constexpr std::size_t kPage = 50'000;
  std::vector<std::uint64_t> ids, words;
  for (;;) {
    IMAGEBANK_ASSIGN_OR_RETURN(std::vector<ImageHashRow> rows,
                               catalog.image_hashes(last_id_, kPage));
    ids.clear();
    words.clear();
    for (const ImageHashRow& row : rows) {
      last_id_ = std::max(last_id_, row.id);
      if (featureless(row.phash)) continue;
      ids.push_back(static_cast<std::uint64_t>(row.id));
      words.push_back(row.phash);
    }
    if (!ids.empty()) IMAGEBANK_RETURN_IF_ERROR(index_->add_many(ids, words));
    if (rows.size() < kPage) break;
  }
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
  if (featureless(phash)) return;
  std::lock_guard lock(mu_);
  if (!index_) return;  // the first find() loads it from the catalog
  (void)index_->add(static_cast<std::uint64_t>(id), phash);
}

}  // namespace imagebank
