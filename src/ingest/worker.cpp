// The worker loop: threads that lease and process jobs, a heartbeat that
// renews their leases, a watchdog that returns expired leases to the queue,
// progress reports; and the batch-level calls built on them.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <functional>
#include <future>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "imagebank/core/log.hpp"
#include "ingest/catalog_wait.hpp"
#include "ingest/ingest_impl.hpp"

namespace imagebank {
namespace {

namespace fs = std::filesystem;

void add_counts(WorkReport& to, const WorkReport& from) {
  to.done += from.done;
  to.duplicates += from.duplicates;
  to.failed += from.failed;
  to.retried += from.retried;
  to.analysed += from.analysed;
  to.analysis_failed += from.analysis_failed;
  to.conflicts += from.conflicts;
}

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') {
    return "localhost";
  }
  std::string out(buf);
  std::replace(out.begin(), out.end(), ':', '_');
  return out;
}

// One value per process: every Ingestor of this process is named
// "<host>:<pid>:<nonce>:<n>", so a holder with this pid but another nonce is
// an earlier process that had the same pid, and ours are never taken for dead.
const std::string& process_nonce() {
  static const std::string nonce = [] {
    std::random_device rd;
    char buf[9];
    std::snprintf(buf, sizeof buf, "%08x", rd());
    return std::string(buf);
  }();
  return nonce;
}

std::string make_worker_name() {
  static std::atomic<int> next{0};
  return host_name() + ":" + std::to_string(::getpid()) + ":" +
         process_nonce() + ":" + std::to_string(++next);
}

// "<host>:<pid>:<nonce>[:...]" of this host whose process is gone.
bool is_dead_local_worker(const std::string& holder) {
  const std::string host = host_name();
  if (!holder.starts_with(host + ":")) return false;
  const std::string rest = holder.substr(host.size() + 1);
  const auto colon = rest.find(':');
  if (colon == std::string::npos || colon == 0) return false;
  long pid = 0;
  try {
    pid = std::stol(rest.substr(0, colon));
  } catch (...) {
    return false;
  }
  if (pid <= 0) return false;
  if (pid == ::getpid()) {
    // This process, or an earlier one that had its pid.
    return !rest.substr(colon + 1).starts_with(process_nonce());
  }
  return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

bool runnable(const Batch& batch) {
  return batch.state == BatchState::kQueued ||
         batch.state == BatchState::kRunning;
}

}  // namespace

std::int64_t ingest_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<BatchProgress> batch_progress(JobQueue& queue, RowId batch_id) {
  BatchProgress out;
  out.at_ms = ingest_now_ms();
  IMAGEBANK_ASSIGN_OR_RETURN(out.batch, queue.get_batch(batch_id));
  const std::int64_t window =
      std::clamp<std::int64_t>(out.at_ms - out.batch.created_ms, 1000, 30'000);
  IMAGEBANK_ASSIGN_OR_RETURN(
      out.counts,
      queue.job_counts(batch_id, out.at_ms - window, JobKind::kProcess));
  IMAGEBANK_ASSIGN_OR_RETURN(out.analysis,
                             queue.job_counts(batch_id, 0, JobKind::kAnalyze));
  out.elapsed_ms = out.at_ms - out.batch.created_ms;
  out.rate = static_cast<double>(out.counts.finished_since) * 1000.0 /
             static_cast<double>(window);
  // While files are still arriving the total is not known yet.
  if (out.rate > 0 && runnable(out.batch) && !out.batch.receiving) {
    out.eta_seconds = static_cast<double>(out.counts.open()) / out.rate;
  }
  return out;
}

Ingestor::Ingestor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Ingestor::~Ingestor() = default;

Result<std::unique_ptr<Ingestor>> Ingestor::create(
    std::shared_ptr<CatalogStore> catalog, std::shared_ptr<JobQueue> queue,
    std::shared_ptr<BlobStore> blobs, IngestOptions options) {
  if (!catalog || !queue || !blobs) {
    return invalid_argument_error(
        "Ingestor needs a catalog, a job queue and a blob store");
  }
  IMAGEBANK_RETURN_IF_ERROR(validate(options));
  auto impl = std::make_unique<Impl>();
  impl->catalog = std::move(catalog);
  impl->queue = std::move(queue);
  impl->blobs = std::move(blobs);
  impl->worker =
      options.worker_name.empty() ? make_worker_name() : options.worker_name;
  impl->options = std::move(options);
  return std::unique_ptr<Ingestor>(new Ingestor(std::move(impl)));
}

const IngestOptions& Ingestor::options() const noexcept {
  return impl_->options;
}
const std::string& Ingestor::worker_name() const noexcept {
  return impl_->worker;
}
void Ingestor::stop() noexcept { impl_->stop = true; }

std::string Ingestor::Impl::analysis_label() const {
  if (!analyses()) return {};
  if (!options.analysis.label.empty()) return options.analysis.label;
  std::string out;
  for (const AnalysisKey& key :
       options.analysis.chain->keys(options.analysis.request.schema_version)) {
    if (!out.empty()) out += ',';
    out += key.provider + ":" + key.model;
  }
  return out;
}

void Ingestor::Impl::note_error(std::string message) {
  std::lock_guard lock(mu);
  last_error = std::move(message);
}

void Ingestor::Impl::unrecorded_end(const Job& job, const std::string& holder,
                                    const Status& why) {
  log(LogLevel::kWarning,
      "job " + std::to_string(job.id) +
          ": could not record its failure: " + why.to_string());
  std::lock_guard lock(mu);
  unrecorded_holders.insert(holder);
}

std::int64_t Ingestor::Impl::retry_at(int attempts) {
  const auto base = static_cast<double>(options.retry_delay.count());
  const double backoff =
      base * static_cast<double>(1ull << std::clamp(attempts - 1, 0, 20));
  double jitter = 1.0;
  {
    std::lock_guard lock(mu);
    jitter = std::uniform_real_distribution<double>(0.5, 1.5)(rng);
  }
  return ingest_now_ms() + static_cast<std::int64_t>(backoff * jitter);
}

Status Ingestor::Impl::release_dead_local_workers() {
  IMAGEBANK_ASSIGN_OR_RETURN(std::vector<std::string> holders,
                             queue->lease_holders());
  for (const std::string& holder : holders) {
    if (!is_dead_local_worker(holder)) continue;
    IMAGEBANK_ASSIGN_OR_RETURN(
        const std::int64_t n,
        queue->release_leases(ingest_now_ms(), holder, options.max_attempts));
    if (n > 0) {
      log(LogLevel::kInfo, "released " + std::to_string(n) +
                               " jobs of the stopped worker " + holder);
    }
  }
  return queue
      ->release_leases(ingest_now_ms(), std::nullopt, options.max_attempts)
      .status();
}

Result<RowId> Ingestor::Impl::resolve_collection() {
  return resolve_collection(
      UploadTarget{options.collection, options.brand, options.season});
}

Result<RowId> Ingestor::Impl::resolve_collection(const UploadTarget& target) {
  if (target.collection.empty()) return RowId{0};
  if (!target.brand.empty()) {
    IMAGEBANK_ASSIGN_OR_RETURN(Brand brand,
                               catalog->upsert_brand(target.brand));
    IMAGEBANK_ASSIGN_OR_RETURN(
        Collection c,
        catalog->upsert_collection(brand.id, target.collection, target.season));
    return c.id;
  }
  Result<Collection> c = catalog->find_collection(target.collection);
  if (!c.ok() && c.status().code() == ErrorCode::kNotFound) {
    return invalid_argument_error("the collection \"" + target.collection +
                                  "\" does not exist; give its brand to "
                                  "create it");
  }
  IMAGEBANK_RETURN_IF_ERROR(c.status());
  return c->id;
}

Result<bool> Ingestor::Impl::drained(std::optional<RowId> batch_id, bool follow,
                                     const std::atomic<bool>* receiving) {
  auto try_done = [&](RowId id) {
    // The store checks, in one transaction, that nothing is left.
    return queue->set_batch_state(id, BatchState::kDone).ok();
  };
  if (batch_id) {
    IMAGEBANK_ASSIGN_OR_RETURN(Batch b, queue->get_batch(*batch_id));
    if (!runnable(b)) return true;
    if (receiving != nullptr && receiving->load()) return false;
    if (!b.receiving && try_done(b.id)) return true;
    if (!b.receiving) {
      IMAGEBANK_ASSIGN_OR_RETURN(JobCounts c,
                                 queue->job_counts(b.id, 0, runnable_kinds()));
      return c.open() == 0;
    }
    // Receiving stopped here without finishing (it failed or was halted),
    // or analyses wait for an analyzer this Ingestor lacks: over once the
    // jobs it can run are.
    IMAGEBANK_ASSIGN_OR_RETURN(JobCounts c,
                               queue->job_counts(b.id, 0, runnable_kinds()));
    return c.open() == 0;
  }
  IMAGEBANK_ASSIGN_OR_RETURN(std::vector<Batch> batches, queue->list_batches());
  bool open = false;
  for (const Batch& b : batches) {
    if (!runnable(b) || (!b.receiving && try_done(b.id))) continue;
    // A batch still receiving is received by the process ingesting it (the
    // files are on its disk); a worker only waits for the jobs there are
    // of the kinds it runs.
    IMAGEBANK_ASSIGN_OR_RETURN(JobCounts c,
                               queue->job_counts(b.id, 0, runnable_kinds()));
    if (c.open() > 0) open = true;
  }
  return !open && !follow;
}

Result<WorkReport> Ingestor::Impl::run(std::optional<RowId> batch_id,
                                       bool follow,
                                       const std::atomic<bool>* receiving,
                                       std::atomic<std::int64_t>* found) {
  const std::size_t threads =
      options.workers != 0
          ? options.workers
          : std::max<std::size_t>(1, std::thread::hardware_concurrency());
  WorkReport total;
  std::mutex report_mu;
  std::mutex flight_mu;
  std::map<RowId, std::string> in_flight;  // job → the thread holding it
  std::atomic<int> storage_failures{0};
  std::atomic<bool> finished{false};
  std::atomic<RowId> current_batch{batch_id.value_or(0)};
  std::string stop_reason;

  auto stop_with = [&](std::string reason) {
    std::lock_guard lock(report_mu);
    if (stop_reason.empty()) stop_reason = std::move(reason);
    finished = true;
  };

  auto worker_loop = [&](std::size_t index, JobKind kind) {
    WorkReport mine;
    // A process thread hands each photo's writes and commit to a writer of
    // its own and decodes the next photo meanwhile: every put is durable
    // when it returns, and a thread waiting on fsync leaves its core idle.
    const bool overlap = kind == JobKind::kProcess;
    struct Writing {
      Job job;
      WorkReport report;
      std::future<Status> done;
    } writing;
    LeaseOptions lease;
    lease.kind = kind;
    // Each thread holds its leases under a name of its own, so the store
    // tells apart two threads that ever get the same job.
    lease.worker = worker + "/" + std::to_string(index);
    lease.max_jobs = 1;
    lease.lease_ms = options.lease.count();
    lease.batch_id = batch_id;
    const auto idle = std::chrono::milliseconds(batch_id ? 100 : 500);
    // Runs one job's step; an exception (out of memory on a huge photo, and
    // the like) fails the job (to be retried) and the process goes on.
    auto guarded = [&](const Job& job, const std::string& holder,
                       const std::function<Status()>& step) -> Status {
      try {
        return step();
      } catch (const std::exception& e) {
        (void)queue->fail_job(job.id, holder,
                              internal_error(job.source_path + ": " + e.what()),
                              job.attempts < options.max_attempts
                                  ? std::optional(retry_at(job.attempts))
                                  : std::nullopt);
        return unavailable_error(job.source_path + ": " + e.what());
      }
    };
    // The job is over: its lease is no longer renewed, and its storage
    // failure (or success) counts.
    auto end_job = [&](RowId job_id, const Status& storage) {
      {
        std::lock_guard lock(flight_mu);
        in_flight.erase(job_id);
      }
      if (storage.ok()) {
        storage_failures = 0;
      } else if (++storage_failures >= options.max_storage_failures) {
        stop_with(
            std::to_string(storage_failures.load()) +
            " storage failures in a row, the last: " + storage.to_string());
      }
    };
    auto settle_previous = [&] {
      if (!writing.done.valid()) return;
      const Status storage = writing.done.get();
      add_counts(mine, writing.report);
      end_job(writing.job.id, storage);
    };
    while (!stop.load() && !finished.load()) {
      Result<std::vector<Job>> jobs = queue->lease_jobs(lease);
      if (!jobs.ok() && catalog_unreachable(jobs.status())) {
        // The database went away (a restart, a fail-over): wait for it.
        const Status back = wait_for_catalog(
            *queue, stop,
            follow ? std::chrono::milliseconds::max() : kCatalogPatienceDrain,
            jobs.status());
        if (!back.ok()) {
          stop_with(back.to_string());
          break;
        }
        storage_failures = 0;  // those were the catalog's, now back
        continue;
      }
      if (!jobs.ok()) {
        log(LogLevel::kWarning, "leasing jobs: " + jobs.status().to_string());
        if (++storage_failures >= options.max_storage_failures) {
          stop_with("the catalog keeps failing: " + jobs.status().to_string());
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        continue;
      }
      if (jobs->empty()) {
        settle_previous();  // its job counts as open until it ends
        // A job whose end the catalog refused is still leased to this
        // thread: the batch would wait for it until its lease ran out, and a
        // catalog that refuses writes would not even let it expire. Release
        // it now; if the catalog keeps refusing, the run stops.
        bool unrecorded = false;
        {
          std::lock_guard lock(mu);
          unrecorded = unrecorded_holders.count(lease.worker) > 0;
        }
        if (unrecorded) {
          Result<std::int64_t> released = queue->release_leases(
              ingest_now_ms(), lease.worker, options.max_attempts);
          if (released.ok()) {
            std::lock_guard lock(mu);
            unrecorded_holders.erase(lease.worker);
          } else {
            log(LogLevel::kWarning,
                "releasing the jobs whose end was not recorded: " +
                    released.status().to_string());
            if (!catalog_unreachable(released.status()) &&
                ++storage_failures >= options.max_storage_failures) {
              stop_with("the catalog keeps failing: " +
                        released.status().to_string());
              break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
            continue;
          }
        }
        Result<bool> done = drained(batch_id, follow, receiving);
        if (done.ok() && *done) {
          finished = true;
          break;
        }
        std::this_thread::sleep_for(idle);
        continue;
      }
      for (const Job& job : *jobs) {
        current_batch = job.batch_id;
        {
          std::lock_guard lock(flight_mu);
          in_flight[job.id] = lease.worker;
        }
        Impl::StoreStep store;
        const Status storage = guarded(job, lease.worker, [&] {
          return kind == JobKind::kAnalyze
                     ? analyse(job, lease.worker, mine)
                     : process_job(job, lease.worker, mine,
                                   overlap ? &store : nullptr);
        });
        // The previous photo's writes end before this one's start: one
        // photo's variants wait in memory at most, and a thread's commits
        // keep their order.
        settle_previous();
        if (store) {
          writing.job = job;
          writing.report = WorkReport{};
          writing.done = std::async(
              std::launch::async, [&, job, step = std::move(store)]() mutable {
                return guarded(job, lease.worker,
                               [&] { return step(writing.report); });
              });
          continue;
        }
        end_job(job.id, storage);
      }
    }
    settle_previous();
    std::lock_guard lock(report_mu);
    add_counts(total, mine);
  };

  // Two helpers beside the workers: the heartbeat renews the leases in hand
  // and runs the watchdog; the reporter calls the progress callback (which
  // may be slow: a terminal, Python) without ever delaying a renewal.
  std::mutex beat_mu;
  std::condition_variable beat_cv;
  bool beat_stop = false;
  auto wait = [&](std::chrono::milliseconds d) {
    std::unique_lock lock(beat_mu);
    beat_cv.wait_for(lock, d, [&] { return beat_stop; });
    return !beat_stop;
  };
  std::thread heartbeat([&] {
    const auto renew_every =
        std::max(options.lease / 3, std::chrono::milliseconds(100));
    while (wait(renew_every)) {
      std::map<std::string, std::vector<RowId>> held;
      {
        std::lock_guard flight(flight_mu);
        for (const auto& [id, holder] : in_flight) held[holder].push_back(id);
      }
      for (const auto& [holder, ids] : held) {
        Result<std::int64_t> r =
            queue->renew_leases(holder, ids, options.lease.count());
        if (!r.ok()) {
          log(LogLevel::kWarning, "renewing leases: " + r.status().to_string());
        }
      }
      // The watchdog: leases that expired (a worker died elsewhere).
      (void)queue->release_leases(ingest_now_ms(), std::nullopt,
                                  options.max_attempts);
    }
  });
  const std::int64_t started = ingest_now_ms();
  auto report_progress = [&] {
    if (!options.progress || current_batch.load() == 0) return;
    Result<BatchProgress> p = batch_progress(*queue, current_batch);
    if (!p.ok()) return;
    p->elapsed_ms = ingest_now_ms() - started;
    if (found != nullptr) {
      p->files_found = found->load();
      const std::int64_t unseen =
          std::max<std::int64_t>(0, p->files_found - p->counts.total());
      if (p->batch.receiving && p->files_found > 0 && p->rate > 0) {
        p->eta_seconds =
            static_cast<double>(p->counts.open() + unseen) / p->rate;
      }
    }
    {
      std::lock_guard g(mu);
      p->last_error = last_error;
    }
    options.progress(*p);
  };
  std::thread reporter([&] {
    const auto every =
        std::max(options.progress_interval, std::chrono::milliseconds(20));
    while (wait(every)) {
      try {
        report_progress();
      } catch (...) {
        // A throwing callback must not take the process down.
      }
    }
  });

  std::vector<std::thread> pool;
  for (std::size_t i = 0; i < threads; ++i) {
    pool.emplace_back(worker_loop, i, JobKind::kProcess);
  }
  // The analysis stage's threads lease analyze jobs only: a provider that
  // is slow or down never takes a thread from the files.
  if (analyses()) {
    for (std::size_t i = 0; i < options.analysis.workers; ++i) {
      pool.emplace_back(worker_loop, threads + i, JobKind::kAnalyze);
    }
  }
  for (std::thread& t : pool) t.join();
  {
    std::lock_guard lock(beat_mu);
    beat_stop = true;
  }
  beat_cv.notify_all();
  heartbeat.join();
  reporter.join();
  try {
    report_progress();
  } catch (...) {
  }
  total.stopped = stop.load() || !stop_reason.empty();
  total.stop_reason =
      stop.load() && stop_reason.empty() ? "stopped on request" : stop_reason;
  return total;
}

Result<Batch> Ingestor::enqueue(std::span<const fs::path> paths) {
  if (paths.empty()) return invalid_argument_error("no file or folder given");
  std::string source;
  for (const fs::path& p : paths) {
    std::error_code ec;
    if (!fs::exists(p, ec)) {
      return invalid_argument_error(p.string() + ": no such file or folder");
    }
    const std::string abs = fs::absolute(p, ec).lexically_normal().string();
    if (abs.find('\n') != std::string::npos) {
      return invalid_argument_error(abs + ": a path may not hold a newline");
    }
    source += abs;
    source += '\n';
  }
  IMAGEBANK_ASSIGN_OR_RETURN(const RowId collection,
                             impl_->resolve_collection());
  IMAGEBANK_ASSIGN_OR_RETURN(
      Batch batch,
      impl_->queue->create_batch(collection, source, impl_->analysis_label()));
  log(LogLevel::kInfo, "batch " + std::to_string(batch.id) + " created");
  return batch;
}

Result<Batch> Ingestor::ingest(std::span<const fs::path> paths) {
  IMAGEBANK_ASSIGN_OR_RETURN(Batch batch, enqueue(paths));
  return resume(batch.id);
}

Result<Batch> Ingestor::resume(RowId batch_id) {
  Impl& d = *impl_;
  IMAGEBANK_ASSIGN_OR_RETURN(Batch batch, d.queue->get_batch(batch_id));
  if (batch.state == BatchState::kCancelled) return batch;
  IMAGEBANK_RETURN_IF_ERROR(d.release_dead_local_workers());
  IMAGEBANK_ASSIGN_OR_RETURN(const std::int64_t retried,
                             d.queue->retry_failed_jobs(batch_id, true));
  if (retried > 0) {
    log(LogLevel::kInfo, "batch " + std::to_string(batch_id) + ": " +
                             std::to_string(retried) +
                             " jobs that failed on storage or on a service "
                             "that was down are queued again");
  }
  IMAGEBANK_ASSIGN_OR_RETURN(batch, d.queue->get_batch(batch_id));
  if (batch.state == BatchState::kPaused) {
    IMAGEBANK_ASSIGN_OR_RETURN(
        batch, d.queue->set_batch_state(batch_id, BatchState::kQueued));
  }
  if (batch.state == BatchState::kDone && !batch.receiving) return batch;

  d.halt_receive = false;
  // An upload batch receives through receive_upload: what is here is
  // processed, and it stays receiving.
  std::atomic<bool> receiving{batch.receiving && !is_upload_batch(batch)};
  std::atomic<std::int64_t> found{0};
  Status received;
  std::thread receiver;
  if (receiving.load()) {
    receiver = std::thread([&] {
      received = is_url_batch(batch) ? d.receive_urls(batch, found)
                                     : d.receive(batch, found);
      receiving = false;
    });
  }
  Result<WorkReport> report = d.run(batch_id, false, &receiving, &found);
  if (receiver.joinable()) {
    // The run ended: the batch is finished, paused, cancelled or stopped;
    // receiving more is for the next resume.
    d.halt_receive = true;
    receiver.join();
  }
  if (!received.ok()) {
    return received.with_context("batch " + std::to_string(batch_id) +
                                 " stopped receiving (resume it to go on)");
  }
  IMAGEBANK_RETURN_IF_ERROR(report.status());
  if (report->stopped && !d.stop.load()) {
    return unavailable_error(
        "batch " + std::to_string(batch_id) +
        " stopped (resume it to go on): " + report->stop_reason);
  }
  IMAGEBANK_ASSIGN_OR_RETURN(batch, d.queue->get_batch(batch_id));
  if (runnable(batch) && !batch.receiving &&
      d.queue->set_batch_state(batch_id, BatchState::kDone).ok()) {
    batch.state = BatchState::kDone;
  }
  return batch;
}

Result<WorkReport> Ingestor::work(bool follow) {
  IMAGEBANK_RETURN_IF_ERROR(impl_->release_dead_local_workers());
  return impl_->run(std::nullopt, follow, nullptr, nullptr);
}

}  // namespace imagebank
