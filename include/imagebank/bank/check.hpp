// The integrity check of a bank: does the blob store hold every object the
// catalog names, at the size the catalog records, and nothing else?
//
// One pass in SHA-256 order: the catalog's image rows (CatalogStore::
// image_blobs, over the images' UNIQUE sha256 index) are merged with the
// store's listings of "originals/" and "variants/", whose keys sort in the
// same order (original_blob_key, variant_key). Memory stays bounded by a
// page whatever the size of the bank, and the store is listed once, never
// asked object by object (a million HEAD requests to S3 would take hours).
//
// Threading: runs on the calling thread; the bank may be in use meanwhile.
// An ingest writes its objects before the rows that name them, so an object
// may look unreferenced for a moment: unreferenced objects younger than
// `grace` are counted apart and never deleted.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "imagebank/catalog/blob_store.hpp"
#include "imagebank/catalog/catalog_store.hpp"
#include "imagebank/core/result.hpp"

namespace imagebank {

struct CheckReport;

struct CheckOptions {
  // Also read every object: an original must hash to its SHA-256, a
  // variant's header must give the row's width and height.
  bool verify_content = false;
  // Run the database engine's own check (CatalogStore::check_database).
  bool database = true;
  // SQLite: integrity_check (reads every page) instead of quick_check.
  bool thorough_database = false;
  // Remove the orphans (unreferenced and older than `grace`) from the store.
  bool delete_orphans = false;
  // Unreferenced objects younger than this are left alone (and so are
  // those whose age the store does not know, unless grace is 0). Use 0
  // only when nothing else writes to the bank.
  std::chrono::seconds grace{3600};
  // How many problems the report names (all are counted).
  std::size_t max_named = 1000;
  // Called after each page of image rows (1000), on the calling thread.
  std::function<void(const CheckReport&)> progress;
  // Set to true (from any thread) to stop after the page in hand: the check
  // ends with `unavailable` ("stopped"); orphans deleted so far stay
  // deleted.
  const std::atomic<bool>* stop = nullptr;
};

struct CheckProblem {
  // "missing" (a row names an object the store lacks), "size_mismatch",
  // "content_mismatch" (verify_content), "unreadable" (the store failed to
  // read or remove it), "orphan" (an object no row or job names).
  std::string kind;
  std::string key;
  std::string detail;
};

struct CheckReport {
  std::uint64_t images = 0;    // image rows checked
  std::uint64_t variants = 0;  // variant rows checked
  std::uint64_t objects = 0;   // objects listed under originals/, variants/
  std::uint64_t missing = 0;
  std::uint64_t size_mismatches = 0;
  std::uint64_t content_mismatches = 0;
  std::uint64_t unreadable = 0;
  std::uint64_t orphans = 0;  // unreferenced and older than grace
  std::uint64_t orphan_bytes = 0;
  std::uint64_t orphans_deleted = 0;
  // Unreferenced but younger than grace (or of unknown age): left alone.
  std::uint64_t recent_unreferenced = 0;
  // Originals no image row names yet but a job does (received, leased or
  // failed jobs): kept.
  std::uint64_t held_by_jobs = 0;
  // The engine's findings, one line each (empty: consistent); nullopt when
  // not run or the engine has no such check (PostgreSQL).
  std::optional<std::vector<std::string>> database;
  std::vector<CheckProblem> problems;  // the first max_named, in key order

  // Nothing missing, mismatched or unreadable, no database finding and no
  // orphan left in the store.
  bool clean() const;
};

// invalid_argument for bad options; unavailable when stopped; internal when the
// catalog's sha256 order differs from the store's key order (a database
// collation that is not bytewise); a failing listing or catalog read ends the
// check with its error. Problems with single objects are reported, not
// returned.
Result<CheckReport> check_bank(CatalogStore& catalog, BlobStore& blobs,
                               const CheckOptions& options = {});

}  // namespace imagebank
