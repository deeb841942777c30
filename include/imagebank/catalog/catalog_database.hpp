// CatalogDatabase: one database that keeps both the catalog (CatalogStore)
// and its ingest queue (JobQueue), as the SQL adapters do. Ending a job
// writes catalog rows in the same transaction, which is why one object
// serves both interfaces; callers that need only one take that interface.
//
// Errors, ownership and threading are those of the two interfaces.
#pragma once

#include "imagebank/catalog/catalog_store.hpp"
#include "imagebank/catalog/job_queue.hpp"

namespace imagebank {

class CatalogDatabase : public CatalogStore, public JobQueue {
 public:
  ~CatalogDatabase() override = default;
};

}  // namespace imagebank
