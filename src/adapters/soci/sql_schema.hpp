// Schema migrations of the SQL adapters. Internal.
#pragma once

#include "adapters/soci/sql_connection.hpp"

namespace imagebank::sql {

int latest_schema_version() noexcept;

// Applies the migrations the database lacks, in one transaction, and records
// them in schema_version. A database newer than this build is `conflict`.
Status migrate(ConnectionPool& pool);

}  // namespace imagebank::sql
