// Ingest through imagebank.Bank: ingest, resume, work, reconcile and the
// batch controls, the progress types, batch_progress, and the library's
// checks of the options (validate_ingest_options, parse_formats).
// Registered after init_bank (it adds methods to its Bank class).
//
// A long call (ingest, resume, work) is stoppable (stoppable.hpp).
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>
#include <pybind11/typing.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <variant>
#include <vector>

#include "bindings.hpp"
#include "catalog_bindings.hpp"
#include "imagebank/adapters/http/fetch.hpp"
#include "imagebank/adapters/vision.hpp"
#include "imagebank/bank/bank.hpp"
#include "imagebank/ingest/ingest.hpp"
#include "imagebank/ingest/url_list.hpp"
#include "imagebank/variants/variants.hpp"
#include "stoppable.hpp"

namespace imagebank::python {
namespace {

namespace fs = std::filesystem;

using PathArg = std::variant<FsPath, std::vector<FsPath>>;
using PresetArg = std::variant<std::string, Preset>;
using ProgressArg = py::typing::Callable<py::object(const BatchProgress&)>;
// A URL list: as read_url_list returns it, or rows (a bare str is a URL).
using UrlsArg =
    std::variant<UrlList, std::vector<std::variant<UrlRow, std::string>>>;

// The Python side of one long Ingestor call: its progress callable and the
// Ingestor to stop. `progress` is touched only with the GIL held.
struct CallState : StopState {
  CallState() {
    stop = [this] {
      if (Ingestor* i = ingestor.load()) i->stop();
    };
  }
  std::optional<ProgressArg> progress;
  std::atomic<Ingestor*> ingestor{nullptr};
  // The analysis stage's analyzers (None: none), opened by run_ingestor.
  std::optional<std::vector<std::string>> vision;
  std::vector<std::shared_ptr<VisionAnalyzer>> analyzers;
};

// Called on the Ingestor's threads, which hold no GIL.
ProgressCallback progress_callback(std::shared_ptr<CallState> state) {
  return [state = std::move(state)](const BatchProgress& progress) {
    py::gil_scoped_acquire gil;
    if (state->error) return;  // stopping already
    state->check_signals();
    if (state->error) return;
    try {
      (*state->progress)(progress);
    } catch (...) {
      state->fail(std::current_exception());
    }
  };
}

// Seconds → milliseconds; the range is validate()'s to check (its message
// names the argument).
std::chrono::milliseconds seconds_arg(const char* name, double seconds) {
  if (!std::isfinite(seconds) || std::fabs(seconds) > 1e12) {
    check(invalid_argument_error(
        std::string(name) + " must be a number of seconds, not " +
        py::str(py::float_(seconds)).cast<std::string>()));
  }
  return std::chrono::milliseconds(std::llround(seconds * 1000));
}

double seconds_of(std::chrono::milliseconds ms) {
  return static_cast<double>(ms.count()) / 1000;
}

std::vector<Preset> presets_arg(const std::vector<PresetArg>& given) {
  std::vector<Preset> out;
  for (const PresetArg& p : given) {
    if (const Preset* preset = std::get_if<Preset>(&p)) {
      out.push_back(*preset);
      continue;
    }
    Result<Preset> found = find_preset(std::get<std::string>(p));
    if (!found.ok()) {
      check(invalid_argument_error("presets: " + found.status().message()));
    }
    out.push_back(*std::move(found));
  }
  return out;
}

// The keyword arguments ingest, resume and work share, as IngestOptions. The
// progress callable goes to `state`; the options call it through
// progress_callback.
IngestOptions make_options(
    std::size_t workers, const std::optional<std::vector<PresetArg>>& presets,
    const std::optional<std::vector<std::string>>& formats, int max_attempts,
    double lease_seconds, double retry_seconds, int near_radius,
    std::optional<ProgressArg> progress, double progress_interval,
    const std::optional<Limits>& limits, int max_storage_failures,
    const std::string& worker_name,
    std::optional<std::vector<std::string>> vision,
    std::vector<std::shared_ptr<VisionAnalyzer>> analyzers,
    std::size_t analysis_workers, const std::vector<std::string>& allow_hosts,
    std::size_t fetch_per_host, std::size_t fetch_concurrency,
    double fetch_connect_timeout_seconds, double fetch_timeout_seconds,
    const std::shared_ptr<CallState>& state) {
  IngestOptions o;
  o.workers = workers;
  if (presets) o.presets = presets_arg(*presets);
  if (formats) o.formats = unwrap(parse_formats(*formats));
  o.max_attempts = max_attempts;
  o.lease = seconds_arg("lease_seconds", lease_seconds);
  o.retry_delay = seconds_arg("retry_seconds", retry_seconds);
  o.near_radius = near_radius;
  o.progress_interval = seconds_arg("progress_interval", progress_interval);
  if (limits) o.limits = *limits;
  o.max_storage_failures = max_storage_failures;
  o.worker_name = worker_name;
  o.analysis.workers = analysis_workers;
  check(validate(o));
  // URL-list batches fetch through the shared HTTP client's URL fetcher
  // (SSRF-safe: private addresses only for allow_hosts).
  http::FetchOptions fetch;
  fetch.policy.allow_hosts = allow_hosts;
  fetch.per_host = fetch_per_host;
  fetch.global = fetch_concurrency;
  fetch.connect_timeout = seconds_arg("fetch_connect_timeout_seconds",
                                      fetch_connect_timeout_seconds);
  fetch.total_timeout =
      seconds_arg("fetch_timeout_seconds", fetch_timeout_seconds);
  fetch.max_bytes = o.limits.max_file_bytes;
  o.fetcher = std::shared_ptr<ImageFetcher>(
      unwrap(http::UrlFetcher::create(std::move(fetch))));
  for (const auto& a : analyzers) {
    if (!a) check(invalid_argument_error("analyzers: None is not an analyzer"));
  }
  if (vision) {
    std::string list;
    for (const std::string& v : *vision) list += (list.empty() ? "" : ",") + v;
    state->vision = unwrap(parse_vision_list(list));
  }
  state->analyzers = std::move(analyzers);
  // Without a callable no callback is installed: Ctrl-C is caught by
  // run_stoppable's wait on the calling thread either way.
  if (progress) {
    state->progress = std::move(progress);
    o.progress = progress_callback(state);
  }
  return o;
}

// Wraps f(lead..., IngestOptions, state) as a function of lead... followed
// by the shared keyword arguments (option_args()).
template <typename... Lead, typename F>
auto with_options(F f) {
  return
      [f](Lead... lead, std::size_t workers,
          std::optional<std::vector<PresetArg>> presets,
          std::optional<std::vector<std::string>> formats, int max_attempts,
          double lease_seconds, double retry_seconds, int near_radius,
          std::optional<ProgressArg> progress, double progress_interval,
          std::optional<Limits> limits, int max_storage_failures,
          const std::string& worker_name,
          std::optional<std::vector<std::string>> vision,
          std::vector<std::shared_ptr<VisionAnalyzer>> analyzers,
          std::size_t analysis_workers,
          const std::vector<std::string>& allow_hosts,
          std::size_t fetch_per_host, std::size_t fetch_concurrency,
          double fetch_connect_timeout_seconds, double fetch_timeout_seconds) {
        auto state = std::make_shared<CallState>();
        IngestOptions o = make_options(
            workers, presets, formats, max_attempts, lease_seconds,
            retry_seconds, near_radius, std::move(progress), progress_interval,
            limits, max_storage_failures, worker_name, std::move(vision),
            std::move(analyzers), analysis_workers, allow_hosts, fetch_per_host,
            fetch_concurrency, fetch_connect_timeout_seconds,
            fetch_timeout_seconds, state);
        return f(std::forward<Lead>(lead)..., std::move(o), state);
      };
}

// The defaults are IngestOptions' own; None = the library's list.
auto option_args() {
  const IngestOptions d;
  const http::FetchOptions f;
  return std::make_tuple(
      py::arg("workers") = d.workers, py::arg("presets") = py::none(),
      py::arg("formats") = py::none(), py::arg("max_attempts") = d.max_attempts,
      py::arg("lease_seconds") = seconds_of(d.lease),
      py::arg("retry_seconds") = seconds_of(d.retry_delay),
      py::arg("near_radius") = d.near_radius, py::arg("progress") = py::none(),
      py::arg("progress_interval") = seconds_of(d.progress_interval),
      py::arg("limits") = py::none(),
      py::arg("max_storage_failures") = d.max_storage_failures,
      py::arg("worker_name") = d.worker_name, py::arg("vision") = py::none(),
      py::arg("analyzers") = std::vector<std::shared_ptr<VisionAnalyzer>>{},
      py::arg("analysis_workers") = d.analysis.workers,
      py::arg("allow_hosts") = std::vector<std::string>{},
      py::arg("fetch_per_host") = f.per_host,
      py::arg("fetch_concurrency") = f.global,
      py::arg("fetch_connect_timeout_seconds") = seconds_of(f.connect_timeout),
      py::arg("fetch_timeout_seconds") = seconds_of(f.total_timeout));
}

constexpr char kChecked[] =
    " The options are checked first, as validate_ingest_options() does.";

std::string options_doc() {
  const IngestOptions d;
  std::string presets, formats;
  for (const Preset& p : d.presets) {
    presets += (presets.empty() ? "'" : ", '") + p.name + "'";
  }
  for (const Format f : d.formats) {
    formats +=
        (formats.empty() ? "'" : ", '") + std::string(format_name(f)) + "'";
  }
  return " workers: processing threads (0 = one per core). presets: default "
         "preset names or Preset objects (None = [" +
         presets + "]). formats: variant formats (None = [" + formats +
         "]). max_attempts: tries of a file whose storage keeps failing. "
         "lease_seconds: how long a worker holds a job before others may "
         "take it. retry_seconds: the first retry delay (doubles). "
         "near_radius: pHash Hamming radius of near duplicates (-1 = off). "
         "progress: called with a BatchProgress every progress_interval "
         "seconds and once at the end; if it raises, the run stops "
         "(resumable) and the exception propagates, as does Ctrl-C. "
         "max_storage_failures: storage failures in a row that stop the run. "
         "worker_name: the lease holder (default host:pid:random). "
         "vision, analyzers: the analysis stage — each new photo is also "
         "described by these analyzers (Python plug-ins first, then the "
         "vision names or URIs: openai, gemini, google-vision, offline) as an "
         "analyze job of its own, analysis_workers at a time; an analyzer "
         "that is down never holds the variants back. "
         "allow_hosts, fetch_*: how URL-list batches fetch — a host "
         "('host' or 'host:port', as URLs name it) in allow_hosts may "
         "resolve to a loopback, private or link-local address (every "
         "other such URL fails with PermissionDeniedError), "
         "fetch_per_host / fetch_concurrency exchanges at once per host / "
         "in all, fetch_connect_timeout_seconds per connection, "
         "fetch_timeout_seconds per URL (retries and redirects included).";
}

// Creates the Ingestor (with the analysis stage's chain, if any; for
// `batch`, its own analyzers when none is given) and runs fn on it,
// stoppable.
template <typename T>
T run_ingestor(const Bank& bank, IngestOptions options,
               const std::shared_ptr<CallState>& state,
               const std::function<Result<T>(Ingestor&)>& fn,
               std::optional<RowId> batch = std::nullopt) {
  if (state->vision || !state->analyzers.empty()) {
    AnalyzeOptions vision;
    vision.vision = state->vision.value_or(std::vector<std::string>{});
    vision.analyzers = state->analyzers;
    options.analysis.chain = released<std::shared_ptr<VisionChain>>(
        [&] { return bank.open_vision(vision); });
    // Plug-ins cannot be reopened by a resume: the label then names the
    // chain's providers and models.
    if (state->analyzers.empty()) {
      for (const std::string& uri : vision.vision) {
        if (!options.analysis.label.empty()) options.analysis.label += ',';
        options.analysis.label += uri;
      }
    }
  }
  std::unique_ptr<Ingestor> ingestor = released<std::unique_ptr<Ingestor>>(
      [&] { return bank.ingestor(std::move(options), batch); });
  state->ingestor = ingestor.get();
  return run_stoppable<T>(
      *state, [&]() -> Result<T> { return fn(*ingestor); }, "ingest");
}

std::vector<fs::path> paths_arg(const PathArg& paths) {
  if (const FsPath* one = std::get_if<FsPath>(&paths)) return {*one};
  const auto& many = std::get<std::vector<FsPath>>(paths);
  return {many.begin(), many.end()};
}

std::vector<UrlRow> url_rows(const UrlsArg& urls) {
  if (const UrlList* list = std::get_if<UrlList>(&urls)) return list->rows;
  std::vector<UrlRow> rows;
  for (const auto& item :
       std::get<std::vector<std::variant<UrlRow, std::string>>>(urls)) {
    if (const UrlRow* row = std::get_if<UrlRow>(&item)) {
      rows.push_back(*row);
    } else {
      rows.push_back(UrlRow{std::get<std::string>(item), "", "", 0});
    }
  }
  return rows;
}

UrlBatchOptions url_batch_options(std::size_t max_batch_size,
                                  const std::string& label) {
  UrlBatchOptions bo;
  bo.max_batch_size = max_batch_size;
  bo.label = label;
  return bo;
}

std::string counts_text(const JobCounts& c) {
  return "done=" + std::to_string(c.done) +
         ", duplicate=" + std::to_string(c.duplicate) +
         ", failed=" + std::to_string(c.failed) +
         ", open=" + std::to_string(c.open()) +
         ", total=" + std::to_string(c.total());
}

void bind_types(py::module_& m) {
  py::class_<BatchProgress>(m, "BatchProgress",
                            "A snapshot of a batch: its row, job counts, "
                            "rate and ETA.")
      .def_readonly("batch", &BatchProgress::batch)
      .def_readonly("counts", &BatchProgress::counts,
                    "The files (process jobs) by state.")
      .def_readonly("analysis", &BatchProgress::analysis,
                    "The analyses of its new images (analyze jobs) by "
                    "state.")
      .def_readonly("files_found", &BatchProgress::files_found,
                    "Files found by this process's receive step so far.")
      .def_readonly("rate", &BatchProgress::rate,
                    "Files finished per second over the last 30 s.")
      .def_readonly("eta_seconds", &BatchProgress::eta_seconds,
                    "None while nothing has finished.")
      .def_readonly("elapsed_ms", &BatchProgress::elapsed_ms,
                    "Since this process started on the batch.")
      .def_readonly("last_error", &BatchProgress::last_error,
                    "'<file>: <code>: <message>' of the latest failure.")
      .def_readonly("at_ms", &BatchProgress::at_ms)
      .def("__repr__", [](const BatchProgress& p) {
        std::string eta = "None";
        if (p.eta_seconds) {
          eta = py::repr(py::float_(*p.eta_seconds)).cast<std::string>();
        }
        return "BatchProgress(batch=" + std::to_string(p.batch.id) +
               ", state=" +
               py::repr(py::str(std::string(batch_state_name(p.batch.state))))
                   .cast<std::string>() +
               ", " + counts_text(p.counts) +
               ", rate=" + py::repr(py::float_(p.rate)).cast<std::string>() +
               ", eta_seconds=" + eta + ")";
      });
  py::class_<WorkReport>(m, "WorkReport", "What one worker run did.")
      .def_readonly("done", &WorkReport::done)
      .def_readonly("duplicates", &WorkReport::duplicates)
      .def_readonly("failed", &WorkReport::failed, "Failed for good.")
      .def_readonly("retried", &WorkReport::retried,
                    "Failures that will be retried (files and analyses).")
      .def_readonly("analysed", &WorkReport::analysed,
                    "Analyze jobs answered (by a call or the cache).")
      .def_readonly("analysis_failed", &WorkReport::analysis_failed,
                    "Analyze jobs failed for good.")
      .def_readonly("conflicts", &WorkReport::conflicts,
                    "Cross-SKU conflicts the processed files brought.")
      .def_readonly("stopped", &WorkReport::stopped,
                    "A stop or storage failures ended the run.")
      .def_readonly("stop_reason", &WorkReport::stop_reason)
      .def("__repr__", [](const WorkReport& r) {
        return "WorkReport(done=" + std::to_string(r.done) +
               ", duplicates=" + std::to_string(r.duplicates) +
               ", failed=" + std::to_string(r.failed) +
               ", retried=" + std::to_string(r.retried) +
               ", analysed=" + std::to_string(r.analysed) +
               ", analysis_failed=" + std::to_string(r.analysis_failed) +
               ", stopped=" + (r.stopped ? "True" : "False") + ")";
      });
  py::class_<ReconcileReport>(
      m, "ReconcileReport",
      "Re-matching of unlinked photos after a Carteira import.")
      .def_readonly("examined", &ReconcileReport::examined)
      .def_readonly("linked", &ReconcileReport::linked)
      .def_readonly("still_unmatched", &ReconcileReport::still_unmatched)
      .def("__repr__", [](const ReconcileReport& r) {
        return "ReconcileReport(examined=" + std::to_string(r.examined) +
               ", linked=" + std::to_string(r.linked) +
               ", still_unmatched=" + std::to_string(r.still_unmatched) + ")";
      });
}

void bind_runs(py::class_<Bank, std::shared_ptr<Bank>>& bank) {
  auto ingest =
      with_options<const Bank&, const PathArg&, std::optional<std::string>,
                   std::optional<std::string>, std::optional<std::string>>(
          [](const Bank& b, const PathArg& paths,
             std::optional<std::string> collection,
             std::optional<std::string> brand,
             std::optional<std::string> season, IngestOptions o,
             const std::shared_ptr<CallState>& state) {
            o.collection = collection.value_or("");
            o.brand = brand.value_or("");
            o.season = season.value_or("");
            const std::vector<fs::path> list = paths_arg(paths);
            return run_ingestor<Batch>(
                b, std::move(o), state,
                [&](Ingestor& i) { return i.ingest(list); });
          });
  auto ingest_urls =
      with_options<const Bank&, const UrlsArg&, std::optional<std::string>,
                   std::optional<std::string>, std::optional<std::string>,
                   std::size_t, const std::string&>(
          [](const Bank& b, const UrlsArg& urls,
             std::optional<std::string> collection,
             std::optional<std::string> brand,
             std::optional<std::string> season, std::size_t max_batch_size,
             const std::string& label, IngestOptions o,
             const std::shared_ptr<CallState>& state) {
            o.collection = collection.value_or("");
            o.brand = brand.value_or("");
            o.season = season.value_or("");
            const std::vector<UrlRow> rows = url_rows(urls);
            const UrlBatchOptions bo = url_batch_options(max_batch_size, label);
            return run_ingestor<std::vector<Batch>>(
                b, std::move(o), state,
                [&](Ingestor& i) { return i.ingest_urls(rows, bo); });
          });
  auto resume = with_options<const Bank&, RowId>(
      [](const Bank& b, RowId batch_id, IngestOptions o,
         const std::shared_ptr<CallState>& state) {
        return run_ingestor<Batch>(
            b, std::move(o), state,
            [&](Ingestor& i) { return i.resume(batch_id); }, batch_id);
      });
  auto receive = with_options<const Bank&, RowId>(
      [](const Bank& b, RowId batch_id, IngestOptions o,
         const std::shared_ptr<CallState>& state) {
        return run_ingestor<Batch>(
            b, std::move(o), state,
            [&](Ingestor& i) { return i.receive(batch_id); }, batch_id);
      });
  auto work = with_options<const Bank&, bool>(
      [](const Bank& b, bool follow, IngestOptions o,
         const std::shared_ptr<CallState>& state) {
        return run_ingestor<WorkReport>(
            b, std::move(o), state,
            [&](Ingestor& i) { return i.work(follow); });
      });
  const std::string ingest_doc =
      std::string(
          "Creates a batch of `paths` (files, and folders walked recursively "
          "for image files; one path or a list), receives and processes it; "
          "returns the batch as it ended (done, or as it was when stopped). "
          "collection: the collection whose Carteira photos are matched "
          "against (created when `brand` is given; None = keep every photo "
          "unmatched).") +
      options_doc() + kChecked;
  const std::string ingest_urls_doc =
      std::string(
          "Fetches a list of image URLs into the bank: `urls` is a UrlList "
          "(read_url_list) or a list of UrlRow or URL str. The list is split "
          "into linked batches of at most max_batch_size URLs (1..100000; "
          "Batch.group_id is the first part's id, Batch.part counts from "
          "1), each resumable on its own; then each part is processed in "
          "order (every URL fetched by a worker, stored and processed as a "
          "received file; its job ends done, duplicate or failed with the "
          "fetch's error: NotFoundError for a 404, PermissionDeniedError for "
          "an address the policy refuses, ...). Returns the parts as they "
          "ended, stopping after the first that did not end done. label: the "
          "list's name, kept in the batches' source ('urls:<label>'). "
          "InvalidArgumentError for no rows or a bad row.") +
      options_doc() + kChecked;
  const std::string resume_doc =
      std::string(
          "Goes on with a batch that stopped (crash, pause, Ctrl-C, storage "
          "failure): finishes receiving, requeues dead workers' jobs and "
          "storage failures, and processes it to the end; a batch made with "
          "vision analyzers gets them again when none are given.") +
      options_doc() + kChecked;
  const std::string receive_doc =
      std::string(
          "Receives the batch's files (its paths are on this machine: "
          "originals stored, one job per file) and processes none; workers "
          "elsewhere (Bank.work, `imagebank worker`) lease them as they "
          "arrive. Safe to call again after a failure: the files the batch "
          "has are skipped. Returns the batch (receiving False once every "
          "file is in); ConflictError for an upload batch.") +
      options_doc() + kChecked;
  const std::string work_doc =
      std::string(
          "Processes the jobs of every runnable batch, oldest first, until "
          "the queue is empty (follow=False) or Ctrl-C / a raising progress "
          "callback (follow=True).") +
      options_doc() + kChecked;
  std::apply(
      [&](auto&&... options) {
        bank.def("ingest", ingest, py::arg("paths"), py::kw_only(),
                 py::arg("collection") = py::none(),
                 py::arg("brand") = py::none(), py::arg("season") = py::none(),
                 options..., ingest_doc.c_str());
        bank.def("ingest_urls", ingest_urls, py::arg("urls"), py::kw_only(),
                 py::arg("collection") = py::none(),
                 py::arg("brand") = py::none(), py::arg("season") = py::none(),
                 py::arg("max_batch_size") = UrlBatchOptions{}.max_batch_size,
                 py::arg("label") = "", options..., ingest_urls_doc.c_str());
        bank.def("resume", resume, py::arg("batch_id"), py::kw_only(),
                 options..., resume_doc.c_str());
        bank.def("receive", receive, py::arg("batch_id"), py::kw_only(),
                 options..., receive_doc.c_str());
        bank.def("work", work, py::arg("follow") = false, py::kw_only(),
                 options..., work_doc.c_str());
      },
      option_args());
}

void bind_controls(py::class_<Bank, std::shared_ptr<Bank>>& bank) {
  bank.def(
          "reconcile",
          [](Bank& b, std::optional<std::string> collection) {
            std::optional<RowId> id;
            if (collection) {
              id = released<Collection>([&] {
                     return b.collection(*collection);
                   }).id;
            }
            auto state = std::make_shared<CallState>();
            return run_ingestor<ReconcileReport>(
                b, IngestOptions{}, state,
                [&](Ingestor& i) { return i.reconcile(id); });
          },
          py::arg("collection") = py::none(),
          "Links the unmatched photos of one collection (or all) to the "
          "products of their collection's Carteira; records SkuHistory "
          "(actor 'reconcile').")
      .def(
          "batches",
          [](Bank& b) {
            return released<std::vector<BatchProgress>>(
                [&] { return b.batches(); });
          },
          "Every batch with its counts, rate and ETA, by id.")
      .def(
          "batch",
          [](Bank& b, RowId batch_id) {
            return released<BatchProgress>([&] { return b.batch(batch_id); });
          },
          py::arg("batch_id"))
      .def(
          "pause",
          [](Bank& b, RowId batch_id) {
            return released<Batch>([&] { return b.pause(batch_id); });
          },
          py::arg("batch_id"),
          "Workers stop leasing the batch's jobs (those in hand finish); "
          "resume() goes on.")
      .def(
          "cancel",
          [](Bank& b, RowId batch_id) {
            return released<Batch>([&] { return b.cancel(batch_id); });
          },
          py::arg("batch_id"),
          "The batch's waiting jobs are cancelled; done work is kept.")
      .def(
          "retry_failed",
          [](Bank& b, RowId batch_id) {
            return released<std::int64_t>(
                [&] { return b.retry_failed(batch_id); });
          },
          py::arg("batch_id"),
          "Failed jobs go back to the queue (resume() processes them). "
          "Returns how many.")
      .def(
          "enqueue_urls",
          [](Bank& b, const UrlsArg& urls,
             std::optional<std::string> collection,
             std::optional<std::string> brand,
             std::optional<std::string> season, std::size_t max_batch_size,
             const std::string& label) {
            IngestOptions o;
            o.collection = collection.value_or("");
            o.brand = brand.value_or("");
            o.season = season.value_or("");
            const std::vector<UrlRow> rows = url_rows(urls);
            const UrlBatchOptions bo = url_batch_options(max_batch_size, label);
            auto state = std::make_shared<CallState>();
            return run_ingestor<std::vector<Batch>>(
                b, std::move(o), state,
                [&](Ingestor& i) { return i.enqueue_urls(rows, bo); });
          },
          py::arg("urls"), py::kw_only(), py::arg("collection") = py::none(),
          py::arg("brand") = py::none(), py::arg("season") = py::none(),
          py::arg("max_batch_size") = UrlBatchOptions{}.max_batch_size,
          py::arg("label") = "",
          "Queues a URL list as Bank.ingest_urls does (linked batches of at "
          "most max_batch_size URLs, each job received) and processes "
          "nothing: resume() each part, or work(), with the allow_hosts and "
          "fetch options the URLs need. Returns the parts.")
      .def(
          "open_upload_batch",
          [](Bank& b, std::optional<std::string> collection,
             std::optional<std::string> brand,
             std::optional<std::string> season, const std::string& label) {
            const UploadTarget target{collection.value_or(""),
                                      brand.value_or(""), season.value_or("")};
            return released<Batch>(
                [&] { return b.open_upload_batch(target, label); });
          },
          py::kw_only(), py::arg("collection") = py::none(),
          py::arg("brand") = py::none(), py::arg("season") = py::none(),
          py::arg("label") = "",
          "A batch whose files are handed over one by one with "
          "receive_upload() (as a server receives them), queued and "
          "receiving until finish_upload(). collection: created when `brand` "
          "is given; None = keep every photo unmatched. label: a note kept in "
          "the batch's source ('upload:<label>'; 1 KiB at most).")
      .def(
          "receive_upload",
          [](Bank& b, RowId batch_id, const FsPath& file,
             const std::string& name, const std::string& sha256,
             std::optional<Limits> limits) {
            IngestOptions o;
            if (limits) o.limits = *limits;
            return released<Job>([&] {
              return b.receive_upload(batch_id, file, name, sha256,
                                      std::move(o));
            });
          },
          py::arg("batch_id"), py::arg("file"), py::arg("name"), py::kw_only(),
          py::arg("sha256") = "", py::arg("limits") = py::none(),
          "Receives one uploaded file into an upload batch: stores it as the "
          "content-addressed original (streamed, never whole in memory) and "
          "records its job, committed on return. name: the client's name "
          "(a relative path keeps its folders for the SKU grammar). sha256: "
          "the file's hex SHA-256 if already computed ('' = read the file to "
          "hash it). The job is 'received', 'duplicate' (content already in "
          "the bank) or 'failed' with the reason (empty, over "
          "limits.max_file_bytes); the same content under the same name is "
          "one job. InvalidArgumentError for a bad name, NotFoundError for a "
          "missing file or batch, ConflictError when the batch is not an "
          "upload batch or no longer receives.")
      .def(
          "finish_upload",
          [](Bank& b, RowId batch_id) {
            return released<Batch>([&] { return b.finish_upload(batch_id); });
          },
          py::arg("batch_id"),
          "Every file was sent: the upload batch is done once its jobs are "
          "(resume() or work() processes them). ConflictError for a batch of "
          "paths or a cancelled one.");
}

}  // namespace

// The library's checks of ingest options, callable before anything runs.
// Both are quick: the GIL stays held.
void bind_option_checks(py::module_& m) {
  auto validate_options = with_options<>(
      [](const IngestOptions&, const std::shared_ptr<CallState>&) {});
  const std::string doc =
      std::string(
          "Checks the options Bank.ingest, resume and work take, as they "
          "do before they start: raises InvalidArgumentError naming the "
          "first one out of range.") +
      options_doc();
  std::apply(
      [&](auto&&... options) {
        m.def("validate_ingest_options", validate_options, py::kw_only(),
              options..., doc.c_str());
      },
      option_args());
  m.def(
      "parse_formats",
      [](const std::string& list) {
        std::vector<std::string> names;
        for (const Format f : unwrap(parse_formats(list))) {
          names.emplace_back(format_name(f));
        }
        return names;
      },
      py::arg("formats"),
      "The variant formats of a comma-separated list such as "
      "'avif,webp,jpg', as canonical names (['avif', 'webp', 'jpeg']); empty "
      "items are skipped. InvalidArgumentError names a format variants "
      "cannot be made in.");
}

void init_ingest(py::module_& m) {
  bind_types(m);
  py::class_<Bank, std::shared_ptr<Bank>> bank(m.attr("Bank"));
  bind_runs(bank);
  bind_controls(bank);
  bind_option_checks(m);
  m.def(
      "normalize_upload_name",
      [](const std::string& name) {
        return unwrap(normalize_upload_name(name));
      },
      py::arg("name"),
      "A client's file name as receive_upload keeps it: Latin-1 becomes "
      "UTF-8, backslashes '/', leading '/' dropped. InvalidArgumentError for "
      "an empty name, one over 1 KiB, a control character, or an empty, '.' "
      "or '..' part.");
  m.def(
      "is_upload_batch", [](const Batch& b) { return is_upload_batch(b); },
      py::arg("batch"),
      "Whether the batch's files come from receive_upload (its source "
      "starts with 'upload:') rather than from paths.");
  m.def(
      "batch_progress",
      [](JobQueue& queue, RowId batch_id) {
        return released<BatchProgress>(
            [&] { return batch_progress(queue, batch_id); });
      },
      py::arg("queue"), py::arg("batch_id"),
      "The batch with its counts, rate and ETA, read from the queue.");
}

}  // namespace imagebank::python
