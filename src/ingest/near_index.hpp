// The bank's near-duplicate index as one worker process sees it: every
// stored image's pHash, loaded once and caught up from the catalog (the
// images other workers committed since) before each lookup.
// Internal to src/ingest.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

#include "imagebank/catalog/catalog_store.hpp"
#include "imagebank/hash/hash_index.hpp"

namespace imagebank {

class NearIndex {
 public:
  // Images within `radius` of `phash`, nearest first (at most `limit`).
  // A featureless hash (at most one bit set: a flat picture) matches nothing.
  Result<std::vector<HashIndex::Match>> find(CatalogStore& catalog,
                                             std::uint64_t phash, int radius,
                                             std::size_t limit);
  // An image this process just committed.
  void add(RowId id, std::uint64_t phash);

  static bool featureless(std::uint64_t phash) noexcept;

 private:
  Status catch_up(CatalogStore& catalog);

  std::mutex mu_;
  std::optional<HashIndex> index_;
  RowId last_id_ = 0;
  std::set<RowId> recent_;  // ids held, from last_id_ - window on
};

}  // namespace imagebank
