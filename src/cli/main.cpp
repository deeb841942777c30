// The imagebank command: one subcommand per capability.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <map>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "imagebank/core/memory.hpp"
#include "imagebank/version.hpp"

int main(int argc, char** argv) {
  using namespace imagebank::cli;
  // Under `ulimit -v`, glibc's per-thread arena reservations would count
  // against the cap (include/imagebank/core/memory.hpp).
  imagebank::fit_malloc_to_address_limit();
  CLI::App app{"imagebank: image bank tools for retail fashion catalogs",
               "imagebank"};
  app.set_version_flag("--version", imagebank::kVersion);
  app.require_subcommand(1);

  std::map<std::string, CommandRunner> commands;
  commands["probe"] = add_probe_command(app);
  commands["variants"] = add_variants_command(app);
  commands["hash"] = add_hash_command(app);
  commands["dedupe"] = add_dedupe_command(app);
  commands["sku"] = add_sku_command(app);
  commands["carteira"] = add_carteira_command(app);
  commands["report"] = add_report_command(app);
  commands["ingest"] = add_ingest_command(app);
  commands["batch"] = add_batch_command(app);
  commands["keys"] = add_keys_command(app);
  commands["analyze"] = add_analyze_command(app);
  commands["export"] = add_export_command(app);
  commands["worker"] = add_worker_command(app);
  commands["reconcile"] = add_reconcile_command(app);
  commands["review"] = add_review_command(app);
  commands["check"] = add_check_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  try {
    for (CLI::App* sub : app.get_subcommands()) {
      return commands.at(sub->get_name())();
    }
  } catch (const std::exception& e) {
    // Library calls report errors as Status; reaching here is a bug or
    // resource exhaustion, still reported rather than aborting.
    std::cerr << "imagebank: internal error: " << e.what() << '\n';
    return kExitSomeFailed;
  }
  return kExitUsage;
}
