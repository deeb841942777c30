// imagebank ingest PATH... [--bank DIR | --db URI --storage URI]
//   [--collection NAME] [--brand NAME] [--season S] [--carteira FILE]
//   [--workers N] [--vision LIST] [--json]: receive and process a batch of
//   photos (with --vision, each new photo is also described, as an analyze
//   job of its own).
// imagebank ingest --urls FILE [--max-batch-size N] [--allow-host HOST]...
//   [--fetch-per-host N] [--fetch-concurrency N]: fetch a list of image URLs
//   (SSRF-safe: private addresses only for allowed hosts) into linked
//   batches.
// imagebank worker [--follow]: process every queued batch, oldest first.
// imagebank reconcile [--collection NAME]: link unmatched photos after a new
//   Carteira import.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/bank_options.hpp"
#include "cli/commands.hpp"
#include "cli/ingest_options.hpp"
#include "cli/output.hpp"
#include "cli/receive_only.hpp"
#include "imagebank/adapters/s3_blob_store.hpp"

namespace imagebank::cli {
namespace {

struct IngestArgs {
  std::vector<std::string> paths;
  std::string urls;
  std::size_t max_batch_size = UrlBatchOptions{}.max_batch_size;
  BankLocation bank;
  std::string collection;
  std::string brand;
  std::string season;
  std::string carteira;
  IngestCliOptions ingest;
  bool follow = false;
  bool no_work = false;
  double abort_uploads_after = -1;  // seconds; < 0: leave them
  bool json = false;
};

// --urls: the list's bad rows are reported (and count as failed inputs),
// its URLs go into linked batches of --max-batch-size, processed in order.
int ingest_urls(const IngestArgs& a, Bank& bank, Ingestor& ingestor,
                Output& out) {
  auto list = read_url_list(std::filesystem::path(a.urls));
  if (!list.ok()) {
    out.failure(a.urls, list.status());
    return kExitSomeFailed;
  }
  for (const std::string& problem : list->problems) {
    out.failure(a.urls, invalid_argument_error(problem));
  }
  UrlBatchOptions bo;
  bo.max_batch_size = a.max_batch_size;
  bo.label = std::filesystem::path(a.urls).filename().string();
  auto parts = ingestor.enqueue_urls(list->rows, bo);
  if (!parts.ok()) {
    out.failure(a.urls, parts.status());
    return kExitUsage;
  }
  if (!out.json()) {
    out.text(a.urls + ": " + std::to_string(list->rows.size()) + " URLs in " +
             std::to_string(parts->size()) + " batches (" +
             std::to_string(parts->front().id) + ".." +
             std::to_string(parts->back().id) + ")");
  }
  for (const Batch& part : *parts) {
    auto ended = ingestor.resume(part.id);
    print_batch_summary(bank, part.id, out);
    if (!ended.ok()) {
      out.failure("batch " + std::to_string(part.id), ended.status());
      return kExitSomeFailed;
    }
    if (ended->state != BatchState::kDone) {
      if (!out.json()) {
        out.text("batch " + std::to_string(part.id) + " is " +
                 std::string(batch_state_name(ended->state)) +
                 "; go on with: imagebank batch resume " +
                 std::to_string(part.id) + " (and the parts after it)");
      }
      break;
    }
  }
  return out.exit_status();
}

int run_ingest(const IngestArgs& a) {
  Output out(a.json);
  if (a.paths.empty() == a.urls.empty()) {
    out.failure("ingest",
                invalid_argument_error("give photo paths or --urls FILE "
                                       "(one of the two)"));
    return kExitUsage;
  }
  auto options = make_ingest_options(a.ingest);
  if (!options.ok()) {
    out.failure("ingest", options.status());
    return kExitUsage;
  }
  auto bank = open_bank(a.bank);
  if (!bank.ok()) {
    out.failure("bank", bank.status());
    return kExitSomeFailed;
  }
  if (!a.carteira.empty()) {
    CarteiraImportOptions co;
    co.brand = a.brand;
    co.collection = a.collection;
    co.season = a.season;
    auto imported = (*bank)->import_carteira(a.carteira, co);
    if (!imported.ok()) {
      out.failure(a.carteira, imported.status());
      return kExitSomeFailed;
    }
    if (!out.json()) {
      out.text("carteira " + a.carteira + ": " +
               std::to_string(imported->record.products_created) +
               " products created, " +
               std::to_string(imported->record.products_updated) + " updated");
    }
  }
  auto handle = std::make_shared<std::atomic<Ingestor*>>(nullptr);
  watch_progress(*options, out, handle);
  options->collection = a.collection;
  options->brand = a.brand;
  options->season = a.season;
  if (Status s = attach_vision(**bank, a.ingest, *options); !s.ok()) {
    out.failure("ingest", s);
    return kExitUsage;
  }
  auto ingestor = (*bank)->ingestor(*options);
  if (!ingestor.ok()) {
    out.failure("ingest", ingestor.status());
    return kExitUsage;
  }
  *handle = ingestor->get();
  if (!a.urls.empty()) {
    const int status = ingest_urls(a, **bank, **ingestor, out);
    *handle = nullptr;
    return status;
  }
  std::vector<std::filesystem::path> paths(a.paths.begin(), a.paths.end());
  auto batch = (*ingestor)->enqueue(paths);
  if (!batch.ok()) {
    out.failure("ingest", batch.status());
    return kExitSomeFailed;
  }
  if (a.no_work) {
    const int status = receive_only(**bank, **ingestor, batch->id, out);
    *handle = nullptr;
    return status;
  }
  auto ended = (*ingestor)->resume(batch->id);
  *handle = nullptr;
  print_batch_summary(**bank, batch->id, out);
  if (!ended.ok()) {
    out.failure("batch " + std::to_string(batch->id), ended.status());
    return kExitSomeFailed;
  }
  if (ended->state != BatchState::kDone && !out.json()) {
    out.text("batch " + std::to_string(batch->id) + " is " +
             std::string(batch_state_name(ended->state)) +
             "; go on with: imagebank batch resume " +
             std::to_string(batch->id));
  }
  return out.exit_status();
}

int run_worker(const IngestArgs& a) {
  Output out(a.json);
  auto options = make_ingest_options(a.ingest);
  if (!options.ok()) {
    out.failure("worker", options.status());
    return kExitUsage;
  }
  // A worker that follows the queue is a service: it waits for a catalog
  // or a store that is down (restarting, failing over) to come back.
  auto bank = a.follow ? open_bank_patiently(a.bank) : open_bank(a.bank);
  if (!bank.ok()) {
    out.failure("bank", bank.status());
    return kExitSomeFailed;
  }
  if (a.abort_uploads_after >= 0) {
    auto aborted = abort_stale_uploads(
        (*bank)->blobs(), std::chrono::milliseconds(static_cast<std::int64_t>(
                              a.abort_uploads_after * 1000)));
    if (!aborted.ok()) {
      out.failure("worker", aborted.status());
    } else if (*aborted > 0 && !out.json()) {
      out.text("aborted " + std::to_string(*aborted) +
               " unfinished multipart uploads");
    }
  }
  if (Status s = attach_vision(**bank, a.ingest, *options); !s.ok()) {
    out.failure("worker", s);
    return kExitUsage;
  }
  auto handle = std::make_shared<std::atomic<Ingestor*>>(nullptr);
  watch_progress(*options, out, handle);
  auto ingestor = (*bank)->ingestor(*options);
  if (!ingestor.ok()) {
    out.failure("worker", ingestor.status());
    return kExitUsage;
  }
  *handle = ingestor->get();
  auto report = (*ingestor)->work(a.follow);
  *handle = nullptr;
  if (!report.ok()) {
    out.failure("worker", report.status());
    return kExitSomeFailed;
  }
  if (out.json()) {
    out.record({{"type", "worker"},
                {"done", report->done},
                {"duplicate", report->duplicates},
                {"failed", report->failed},
                {"retried", report->retried},
                {"analysed", report->analysed},
                {"analysis_failed", report->analysis_failed},
                {"stopped", report->stopped},
                {"stop_reason", report->stop_reason}});
  } else {
    out.text(
        "worker " + (*ingestor)->worker_name() + ": " +
        std::to_string(report->done) + " stored, " +
        std::to_string(report->duplicates) + " duplicates, " +
        std::to_string(report->failed) + " failed" +
        (report->analysed + report->analysis_failed > 0
             ? ", " + std::to_string(report->analysed) + " analysed, " +
                   std::to_string(report->analysis_failed) + " analyses failed"
             : std::string()) +
        (report->stopped ? " (stopped: " + report->stop_reason + ")" : ""));
  }
  if (report->stopped && !report->stop_reason.starts_with("stopped on")) {
    return kExitSomeFailed;
  }
  return report->failed > 0 ? kExitSomeFailed : kExitOk;
}

int run_reconcile(const IngestArgs& a) {
  Output out(a.json);
  auto bank = open_bank(a.bank);
  if (!bank.ok()) {
    out.failure("bank", bank.status());
    return kExitSomeFailed;
  }
  std::optional<std::string> collection;
  if (!a.collection.empty()) collection = a.collection;
  auto report = (*bank)->reconcile(collection);
  if (!report.ok()) {
    out.failure("reconcile", report.status());
    return kExitSomeFailed;
  }
  if (out.json()) {
    out.record({{"type", "reconcile"},
                {"examined", report->examined},
                {"linked", report->linked},
                {"still_unmatched", report->still_unmatched}});
  } else {
    out.text("reconcile: " + std::to_string(report->linked) + " of " +
             std::to_string(report->examined) +
             " unmatched photos linked to their products; " +
             std::to_string(report->still_unmatched) + " still unmatched");
  }
  return kExitOk;
}

}  // namespace

CommandRunner add_ingest_command(CLI::App& app) {
  auto a = std::make_shared<IngestArgs>();
  CLI::App* cmd = app.add_subcommand(
      "ingest",
      "Receive and process photos into the bank (crash-proof, resumable)");
  cmd->add_option("paths", a->paths, "Photo files and folders");
  cmd->add_option("--urls", a->urls,
                  "A CSV/TSV of image URLs (url[, sku][, name]) to fetch "
                  "instead of paths");
  cmd->add_option("--max-batch-size", a->max_batch_size,
                  "--urls: URLs per batch; a longer list becomes linked "
                  "batches (default " +
                      std::to_string(a->max_batch_size) + ")");
  add_bank_options(*cmd, a->bank);
  cmd->add_option("--collection", a->collection,
                  "Collection the photos belong to (its Carteira is matched)");
  cmd->add_option("--brand", a->brand,
                  "Brand of the collection (creates the collection if new)");
  cmd->add_option("--season", a->season, "Season of a new collection");
  cmd->add_option("--carteira", a->carteira,
                  "Import this Carteira into the collection first");
  add_ingest_options(*cmd, a->ingest);
  cmd->add_flag("--no-work", a->no_work,
                "Only receive the files (store the originals, queue the "
                "jobs); `imagebank worker` processes them");
  cmd->add_flag("--json", a->json, "JSON lines on stdout");
  return [a] { return run_ingest(*a); };
}

CommandRunner add_worker_command(CLI::App& app) {
  auto a = std::make_shared<IngestArgs>();
  CLI::App* cmd = app.add_subcommand(
      "worker",
      "Process queued batches, oldest first (several may share a "
      "PostgreSQL bank)");
  add_bank_options(*cmd, a->bank);
  cmd->add_flag("--follow", a->follow,
                "Keep waiting for new batches, and for a catalog or store "
                "that is down (stop with Ctrl-C)");
  cmd->add_option("--abort-uploads-after", a->abort_uploads_after,
                  "At start, abort the S3 multipart uploads older than this "
                  "many seconds (left by killed writers); longer than any "
                  "upload takes (default: leave them to the bucket's "
                  "lifecycle rule)")
      ->check(CLI::NonNegativeNumber);
  add_ingest_options(*cmd, a->ingest);
  cmd->add_flag("--json", a->json, "JSON lines on stdout");
  return [a] { return run_worker(*a); };
}

CommandRunner add_reconcile_command(CLI::App& app) {
  auto a = std::make_shared<IngestArgs>();
  CLI::App* cmd = app.add_subcommand(
      "reconcile",
      "Link unmatched photos to their products after a new Carteira import");
  add_bank_options(*cmd, a->bank);
  cmd->add_option("--collection", a->collection, "Only this collection");
  cmd->add_flag("--json", a->json, "JSON lines on stdout");
  return [a] { return run_reconcile(*a); };
}

}  // namespace imagebank::cli
