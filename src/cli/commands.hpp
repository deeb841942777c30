// Each CLI command registers itself on the app and runs when selected.
#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace imagebank::cli {

// Adds the command to `app`; returns the function that runs it after parsing
// and yields the process exit status.
using CommandRunner = std::function<int()>;
CommandRunner add_probe_command(CLI::App& app);
CommandRunner add_variants_command(CLI::App& app);
CommandRunner add_hash_command(CLI::App& app);
CommandRunner add_dedupe_command(CLI::App& app);
CommandRunner add_sku_command(CLI::App& app);
CommandRunner add_carteira_command(CLI::App& app);
CommandRunner add_report_command(CLI::App& app);
CommandRunner add_ingest_command(CLI::App& app);
CommandRunner add_batch_command(CLI::App& app);
CommandRunner add_worker_command(CLI::App& app);
CommandRunner add_reconcile_command(CLI::App& app);
CommandRunner add_keys_command(CLI::App& app);
CommandRunner add_analyze_command(CLI::App& app);
CommandRunner add_export_command(CLI::App& app);
CommandRunner add_review_command(CLI::App& app);
CommandRunner add_check_command(CLI::App& app);

}  // namespace imagebank::cli
