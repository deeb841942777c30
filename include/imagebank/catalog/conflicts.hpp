// Cross-SKU conflicts: one photo filed under two SKUs. A byte-identical
// file, or a near duplicate, that arrives under another SKU's name than the
// photo already in the bank is the catalog's most expensive mistake (the
// wrong product shows the wrong photo), so ingest records it apart from the
// ordinary duplicates and a reviewer resolves it.
//
// The photo already in the bank is the conflict's `image`; the file that
// arrived later is its `other`. An exact conflict's later file is not stored
// (its content is the image's), so only its name, SKU, batch and job are
// kept; a near conflict's later file is an image of its own.
//
// Photos without a SKU in their name never conflict: a file the grammar
// reads no SKU from (a camera default name) is an ordinary duplicate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/catalog/types.hpp"
#include "imagebank/core/result.hpp"

namespace imagebank {

// Stored as "exact" and "near".
enum class ConflictKind : int { kExact = 0, kNear };
std::string_view conflict_kind_name(ConflictKind kind) noexcept;
// invalid_argument for any other name.
Result<ConflictKind> parse_conflict_kind(std::string_view name);

// open → relinked (every photo of the conflict moved to one SKU) |
// discarded (the wrongly filed photo removed) | dismissed (a legitimate
// shared photo: the same fabric swatch on two SKUs). Stored as "open",
// "relinked", "discarded", "dismissed".
enum class ConflictState : int { kOpen = 0, kRelinked, kDiscarded, kDismissed };
std::string_view conflict_state_name(ConflictState state) noexcept;
// invalid_argument for any other name.
Result<ConflictState> parse_conflict_state(std::string_view name);

// What ingest found for one file before the store knows its ids: the file
// (named `sku`) is, or looks like, the stored image `image_id`, filed
// under another SKU.
struct ConflictFinding {
  ConflictKind kind = ConflictKind::kExact;
  RowId image_id = 0;  // the photo already in the bank; must exist
  std::string sku;     // the arriving file's SKU (from its name)
  int distance = 0;    // Hamming distance of the pHashes (0 for exact)
  friend bool operator==(const ConflictFinding&,
                         const ConflictFinding&) = default;
};

struct SkuConflict {
  RowId id = 0;
  ConflictKind kind = ConflictKind::kExact;
  // The photo already in the bank (nullopt once discarded) and the name and
  // SKU it had when the conflict was found.
  std::optional<RowId> image_id;
  std::string image_name;
  std::string image_sku;
  // The later file: its image (near only; nullopt for an exact conflict or
  // once discarded), name, SKU, batch and job.
  std::optional<RowId> other_image_id;
  std::string other_name;
  std::string other_sku;
  std::optional<RowId> batch_id;
  std::optional<RowId> job_id;
  // The later file's batch's collection (nullopt: none).
  std::optional<RowId> collection_id;
  int distance = 0;
  ConflictState state = ConflictState::kOpen;
  std::string resolved_by;   // the reviewer; empty while open
  std::string resolved_sku;  // relinked: the SKU the photos moved to
  std::int64_t resolved_ms = 0;
  std::int64_t created_ms = 0;
  friend bool operator==(const SkuConflict&, const SkuConflict&) = default;
};

// Filters combine with AND; unset = any. Results by id.
struct ConflictQuery {
  bool open_only = true;
  std::optional<RowId> collection_id;
  std::optional<RowId> batch_id;
  RowId after_id = 0;
  std::size_t limit = 100;  // 1..10000
};

// How a reviewer ends a conflict.
struct ConflictResolution {
  // relinked, discarded or dismissed (open is invalid_argument).
  ConflictState action = ConflictState::kDismissed;
  // relinked: the SKU the photo belongs to. Every stored photo of the
  // conflict not under it moves to it: its sku_base becomes `sku` and, in a
  // collection, it is linked to the product whose SKU or SKU base is `sku`
  // (not_found when the collection has none).
  std::string sku;
  // discarded: the photo to remove, one of the conflict's stored images;
  // unset = the later one (the near conflict's other image, or an exact
  // conflict's only image).
  std::optional<RowId> discard_image_id;
  std::string actor;  // who decided; required
};

// What resolving did: the conflict as it now stands, and for a discard the
// objects (original and variants) of the removed photo, which the caller
// deletes from the blob store once the rows are gone.
struct ConflictResolved {
  SkuConflict conflict;
  std::optional<ImageRecord> discarded;
  std::vector<std::string> discarded_blob_keys;
};

}  // namespace imagebank
