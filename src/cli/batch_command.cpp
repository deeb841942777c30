// imagebank batch list | status ID | pause ID | resume ID | cancel ID |
//   retry-failed ID: the ingest queue.
#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "cli/bank_options.hpp"
#include "cli/commands.hpp"
#include "cli/ingest_options.hpp"
#include "cli/output.hpp"
#include "cli/receive_only.hpp"

namespace imagebank::cli {
namespace {

struct BatchArgs {
  std::string action;
  RowId id = 0;
  BankLocation bank;
  IngestCliOptions ingest;
  bool no_work = false;
  bool json = false;
};

int run_batch(const BatchArgs& a) {
  Output out(a.json);
  if (a.action != "list" && a.id <= 0) {
    out.failure("batch", invalid_argument_error("batch " + a.action +
                                                " needs a batch id"));
    return kExitUsage;
  }
  const std::string what = "batch " + std::to_string(a.id);
  // Checked for every action, as a usage error, though only resume uses
  // them.
  auto options = make_ingest_options(a.ingest);
  if (!options.ok()) {
    out.failure("batch " + a.action, options.status());
    return kExitUsage;
  }
  auto bank = open_bank(a.bank);
  if (!bank.ok()) {
    out.failure("bank", bank.status());
    return kExitSomeFailed;
  }
  Bank& b = **bank;
  if (a.action == "list") {
    auto all = b.batches();
    if (!all.ok()) {
      out.failure("batch list", all.status());
      return kExitSomeFailed;
    }
    for (const BatchProgress& p : *all) print_batch(p, out);
    if (all->empty() && !out.json()) out.text("no batches");
    return out.exit_status();
  }
  if (a.action == "status") {
    print_batch_summary(b, a.id, out);
    return out.exit_status();
  }
  if (a.action == "resume") {
    if (Status s = attach_vision(b, a.ingest, *options); !s.ok()) {
      out.failure(what, s);
      return kExitUsage;
    }
    auto handle = std::make_shared<std::atomic<Ingestor*>>(nullptr);
    watch_progress(*options, out, handle);
    // Without --vision, a batch made with analysis gets its own analyzers.
    auto ingestor = b.ingestor(*options, a.id);
    if (!ingestor.ok()) {
      out.failure(what, ingestor.status());
      return kExitUsage;
    }
    *handle = ingestor->get();
    if (a.no_work) {
      const int status = receive_only(b, **ingestor, a.id, out);
      *handle = nullptr;
      return status;
    }
    auto ended = (*ingestor)->resume(a.id);
    *handle = nullptr;
    print_batch_summary(b, a.id, out);
    if (!ended.ok()) {
      out.failure(what, ended.status());
      return kExitSomeFailed;
    }
    return out.exit_status();
  }
  Status changed;
  if (a.action == "pause") {
    changed = b.pause(a.id).status();
  } else if (a.action == "cancel") {
    changed = b.cancel(a.id).status();
  } else {
    auto n = b.retry_failed(a.id);
    if (!n.ok()) {
      changed = n.status();
    } else if (!out.json()) {
      out.text(what + ": " + std::to_string(*n) +
               " failed files queued again; process them with: imagebank "
               "batch resume " +
               std::to_string(a.id));
    }
  }
  if (!changed.ok()) {
    out.failure(what, changed);
    return kExitSomeFailed;
  }
  auto p = b.batch(a.id);
  if (p.ok()) print_batch(*p, out);
  return out.exit_status();
}

}  // namespace

CommandRunner add_batch_command(CLI::App& app) {
  auto a = std::make_shared<BatchArgs>();
  CLI::App* cmd = app.add_subcommand("batch",
                                     "The ingest queue: list, status, pause, "
                                     "resume, cancel, retry-failed");
  cmd->add_option("action", a->action,
                  "list, status, pause, resume, cancel or retry-failed")
      ->required()
      ->check(CLI::IsMember(
          {"list", "status", "pause", "resume", "cancel", "retry-failed"}));
  cmd->add_option("id", a->id, "Batch id");
  add_bank_options(*cmd, a->bank);
  add_ingest_options(*cmd, a->ingest);
  cmd->add_flag("--no-work", a->no_work,
                "resume: only finish receiving the files; workers process "
                "them");
  cmd->add_flag("--json", a->json, "JSON lines on stdout");
  return [a] { return run_batch(*a); };
}

}  // namespace imagebank::cli
