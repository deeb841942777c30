// What ingest, worker and batch resume share: processing options, progress
// display (a live bar on a terminal, periodic timestamped lines otherwise,
// JSON lines with --json), Ctrl-C handling and the batch summary.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cli/output.hpp"
#include "imagebank/bank/bank.hpp"

namespace CLI {
class App;
}

namespace imagebank::cli {

// The flags as typed; they start at the library's defaults (IngestOptions).
struct IngestCliOptions {
  IngestCliOptions();
  std::size_t workers;
  std::string presets;  // comma-separated names
  std::string formats;  // comma-separated names
  int max_attempts;
  double lease_seconds;
  double retry_seconds;
  int near_radius;
  Limits limits;
  // The analysis stage: analyzers (a --vision list) and their threads.
  std::string vision;
  std::size_t analysis_workers;
  // URL-list batches: how their URLs are fetched (hosts that may be
  // internal, concurrency, the time one URL may take).
  std::vector<std::string> allow_hosts;
  std::size_t fetch_per_host;
  std::size_t fetch_concurrency;
  double fetch_timeout_seconds;
};

void add_ingest_options(CLI::App& command, IngestCliOptions& options);
// The flags as IngestOptions, checked by the library's validate() (so a
// command fails as a usage error before it touches the bank).
Result<IngestOptions> make_ingest_options(const IngestCliOptions& options);
// Opens the --vision analyzers (if any) into options.analysis, their URIs
// as the batch's label. Errors name the flag.
Status attach_vision(const Bank& bank, const IngestCliOptions& flags,
                     IngestOptions& options);
// Shows progress on `out`; Ctrl-C (SIGINT, SIGTERM) asks the ingestor to
// stop after the files in hand. `ingestor` is set once made.
void watch_progress(IngestOptions& options, Output& out,
                    std::shared_ptr<std::atomic<Ingestor*>> ingestor);

// Prints the batch's end: counts, and each failed file with its reason
// (failures count for the exit status).
void print_batch_summary(Bank& bank, RowId batch_id, Output& out);
// One line (or JSON record) per batch.
void print_batch(const BatchProgress& p, Output& out);

}  // namespace imagebank::cli
