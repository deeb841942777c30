// The JobQueue conformance suite: batches, jobs, leases, failures and what a
// finished job commits, on every adapter. Instantiate it as the CatalogStore
// suite (catalog_store_conformance.hpp), with the same factory:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, JobQueueConformance,
//       ::testing::Values(CatalogDatabaseFactory{"sqlite", make_fresh}),
//       [](const auto& info) { return info.param.name; });
//
// The tests drive the JobQueue; they read the catalog a completed job
// writes to through its CatalogStore.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog_store_conformance.hpp"
#include "imagebank/catalog/job_queue.hpp"

namespace imagebank::testing {

// One open instance of the database: its queue and its catalog.
struct OpenQueue {
  std::shared_ptr<JobQueue> queue;
  std::shared_ptr<CatalogStore> catalog;
};

class JobQueueConformance
    : public ::testing::TestWithParam<CatalogDatabaseFactory> {
 protected:
  void SetUp() override;
  // Another instance on the same database, as a second process opens it.
  Result<OpenQueue> reopen();
  TestDatabase db_;
  std::shared_ptr<JobQueue> queue_;
  std::shared_ptr<CatalogStore> catalog_;
};

// Rows and options the JobQueue tests share (job_queue_conformance.cpp).
std::int64_t now_ms();
std::string sha(int n);
ImageRecord image(int n);
JobInsert file(const std::string& path);
std::vector<JobInsert> files(const std::string& prefix, int n);
JobOutcome outcome(int n);
LeaseOptions lease(std::string worker, std::size_t max_jobs = 1,
                   std::optional<RowId> batch = std::nullopt);
std::vector<RowId> ids_of(const std::vector<Job>& jobs);
// A batch holding `n` received jobs.
Batch batch_with(JobQueue& queue, const std::string& source, int n);

}  // namespace imagebank::testing
