// VisionChain: several VisionAnalyzers in order of preference, with
// fallback, a cache, retries and per-provider rate limits.
//
// analyze() asks each analyzer in turn; the first success wins. Before an
// analyzer is called, the cache (the catalog's earlier answers, keyed by
// content SHA-256, provider, model and schema version) is asked: an answer
// it has costs nothing. What each failure makes the chain do:
// - rate_limited: the whole provider pauses for Status::retry_after (or a
//   backoff), for every thread of the process, then this photo is tried
//   again; a pause longer than max_wait falls back instead.
// - unavailable, deadline_exceeded: retried with jittered backoff up to
//   max_tries, then fall back.
// - corrupt_data (a malformed or truncated answer): tried once more, then
//   fall back.
// - quota_exhausted, unauthenticated, permission_denied: the provider is
//   given up on for the rest of the chain's life (no more calls, no more
//   waiting); fall back.
// - refused, invalid_argument and anything else: fall back for this photo.
// Every attempt and its outcome is logged (imagebank::log: failures and
// give-ups as warnings, answers and cache hits at debug) and returned in
// VisionOutcome::attempts.
//
// Rate limits (VisionLimit, per analyzer, 0 = none): requests per minute
// (spaced evenly), tokens per minute (what answers reported, over a sliding
// minute), and calls in flight at once.
//
// Threading: analyze() may be called from any number of threads; the
// limits are shared by all of them. Analyzers must outlive the chain.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "imagebank/catalog/catalog_store.hpp"
#include "imagebank/catalog/vision.hpp"
#include "imagebank/core/result.hpp"

namespace imagebank {

struct VisionLimit {
  int requests_per_minute = 0;
  std::int64_t tokens_per_minute = 0;
  int max_concurrent = 0;
  friend bool operator==(const VisionLimit&, const VisionLimit&) = default;
};

struct VisionChainOptions {
  int max_tries = 3;  // per analyzer and photo, for retryable failures
  // The longest pause a rate limit or Retry-After may impose before the
  // chain falls back instead of waiting.
  std::chrono::milliseconds max_wait{60000};
  // The first retry's backoff (doubling, full jitter, capped at max_wait).
  std::chrono::milliseconds base_backoff{500};
};

// One call (or cache hit) of one analyzer for one photo.
struct VisionAttempt {
  std::string provider;
  std::string model;
  Status outcome;        // OK, or why the analyzer failed
  bool cached = false;   // answered from the cache: no call was made
  bool skipped = false;  // the provider had been given up on: no call
  int tries = 0;         // calls made (retries included)
  std::int64_t elapsed_ms = 0;
};

struct VisionOutcome {
  std::optional<VisionResult> result;  // the winning answer, if any
  bool cached = false;
  std::vector<VisionAttempt> attempts;
  Status error;  // when no analyzer answered: the last failure
};

// Looks an answer up: nullopt when there is none. Its errors are logged and
// read as "none" (a cache that fails must not stop the analysis).
using VisionCache = std::function<Result<std::optional<VisionResult>>(
    const VisionImage& image, const AnalysisKey& key)>;

class VisionChain {
 public:
  struct Entry {
    std::shared_ptr<VisionAnalyzer> analyzer;
    VisionLimit limit;
  };
  // invalid_argument for no analyzer, a null one, two with the same
  // provider and model, or a negative limit.
  static Result<std::unique_ptr<VisionChain>> create(
      std::vector<Entry> entries, const VisionChainOptions& options = {});
  ~VisionChain();
  VisionChain(const VisionChain&) = delete;
  VisionChain& operator=(const VisionChain&) = delete;

  // The cache key of each analyzer, in order.
  std::vector<AnalysisKey> keys(int schema_version) const;

  VisionOutcome analyze(const VisionImage& image, const VisionRequest& request,
                        const VisionCache& cache = {});

  // Providers given up on so far ("openai (gpt-4o-mini): quota_exhausted:
  // ..."), in order.
  std::vector<std::string> given_up() const;

 private:
  struct Slot;
  VisionChain(std::vector<Entry> entries, const VisionChainOptions& options);
  VisionChainOptions options_;
  std::vector<std::unique_ptr<Slot>> slots_;
};

}  // namespace imagebank
