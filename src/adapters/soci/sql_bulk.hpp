// The bulk image insert of each database. Internal.
#pragma once

#include <soci/soci.h>

#include <cstdint>
#include <span>
#include <vector>

#include "adapters/soci/sql_connection.hpp"
#include "imagebank/catalog/types.hpp"

namespace imagebank::sql {

// Inserts the images (distinct sha256s, in the caller's lock order) unless
// their sha256 is stored; ids[i] becomes the new row's id, or 0 when the
// sha256 was already there. Runs in the caller's transaction.
Status bulk_insert_images(Dialect dialect, soci::session& sql,
                          std::span<const ImageRecord* const> images,
                          std::int64_t now, std::vector<RowId>& ids);

}  // namespace imagebank::sql
