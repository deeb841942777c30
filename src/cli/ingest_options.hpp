// What ingest, worker and batch resume share: processing options, progress
// display (a live bar on a terminal, periodic timestamped lines otherwise,
// JSON lines with --json), Ctrl-C handling and the batch summary.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "cli/output.hpp"
#include "imagebank/bank/bank.hpp"

namespace CLI {
class App;
}

namespace imagebank::cli {

struct IngestCliOptions {
  std::size_t workers = 0;
  std::string presets = "thumbnail,small,grid,detail,header,zoom";
  std::string formats = "avif,webp,jpeg";
  int max_attempts = 3;
  double lease_seconds = 300;
  double retry_seconds = 2;
  int near_radius = 5;
  Limits limits;
};

void add_ingest_options(CLI::App& command, IngestCliOptions& options);
// The options with progress shown on `out`; Ctrl-C (SIGINT, SIGTERM) asks
// the ingestor to stop after the files in hand. `ingestor` is set once made.
Result<IngestOptions> make_ingest_options(
    const IngestCliOptions& options, Output& out,
    std::shared_ptr<std::atomic<Ingestor*>> ingestor);

// Prints the batch's end: counts, and each failed file with its reason
// (failures count for the exit status).
void print_batch_summary(Bank& bank, RowId batch_id, Output& out);
// One line (or JSON record) per batch.
void print_batch(const BatchProgress& p, Output& out);

}  // namespace imagebank::cli
