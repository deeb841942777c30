// The ingest queue at a million jobs, on SQLite and on PostgreSQL (a server
// started in a temp directory by scripts/pg-test-server.sh).
//
// Processing is swapped for a no-op: each leased job is completed at once
// with a small synthetic image record, so what is timed is the queue itself.
//
//   BM_QueueAtDepth/<backend>/<depth>   lease + complete of one job with
//       `depth` received jobs waiting (10k, 100k, 1M), p50/p99 of each; the
//       rate at which the queue was filled (add_jobs) and its size on disk.
//   BM_QueuePastPaused/<backend>/<paused>   the same with `paused` jobs
//       waiting in a paused batch older than the runnable one: the lease
//       must not walk past them.
//   BM_QueueWorkers/<processes>   1, 2, 4, 8 worker processes (this
//       program run again as children) on one PostgreSQL, each leasing and
//       completing as fast as it can: where the queue stops scaling.
//   BM_ReceiveMillion/<backend>   a child process receives a folder tree of
//       empty files (each a job refused as empty: receiving without reading
//       photos), then receives it again as a resume would (every path known):
//       files/s and the child's peak memory, sampled from /proc (anonymous
//       apart from file-backed: SQLite maps its database file).
//
// Sizes: IMAGEBANK_BENCH_SCALE_JOBS (default 1,000,000) caps the depths and
// the receive; CI runs it at a smoke size. Not in the normal CI run at full
// size: the closing note of issue 19 has the table.
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "imagebank/bank/bank.hpp"
#include "imagebank/ingest/ingest.hpp"

namespace imagebank {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string self_path;  // this program, for the child processes

long scale_jobs() {
  const char* v = std::getenv("IMAGEBANK_BENCH_SCALE_JOBS");
  return v != nullptr ? std::max(100L, std::atol(v)) : 1'000'000L;
}

std::string run(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return "";
  std::string out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, pipe) != nullptr) out += buf;
  if (::pclose(pipe) != 0) return "";
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string sha(long n) {
  char buf[65];
  std::snprintf(buf, sizeof buf, "%016lx%048d",
                static_cast<unsigned long>(n) * 2654435761ul + 1, 0);
  return buf;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t at =
      std::min(v.size() - 1,
               static_cast<std::size_t>(p * static_cast<double>(v.size())));
  return v[at];
}

// The databases: one SQLite file or PostgreSQL database per use.
struct Databases {
  fs::path dir;
  bool pg_started = false;
  int made = 0;

  Databases() {
    dir = fs::temp_directory_path() /
          ("imagebank-scale-bench-" + std::to_string(::getpid()));
    fs::create_directories(dir);
  }
  ~Databases() {
    if (pg_started) {
      run(std::string(IMAGEBANK_PG_SERVER_SCRIPT) + " stop " +
          (dir / "pg").string());
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  // A new, empty database's URI ("" when PostgreSQL cannot start).
  std::string fresh(const std::string& backend) {
    const std::string name = "scale" + std::to_string(++made);
    if (backend == "sqlite") {
      return "sqlite://" + (dir / (name + ".db")).string();
    }
    if (!pg_started) {
      if (run(std::string(IMAGEBANK_PG_SERVER_SCRIPT) + " start " +
              (dir / "pg").string())
              .empty()) {
        return "";
      }
      pg_started = true;
    }
    return run(std::string(IMAGEBANK_PG_SERVER_SCRIPT) + " createdb " +
               (dir / "pg").string() + " " + name);
  }
};

Databases& databases() {
  static Databases d;
  return d;
}

Result<std::unique_ptr<CatalogDatabase>> open_uri(const std::string& uri) {
  return open_catalog_store(uri);
}

// Bytes the catalog takes on disk.
std::int64_t catalog_bytes(const std::string& uri) {
  if (uri.starts_with("sqlite://")) {
    std::int64_t total = 0;
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::error_code ec;
      const auto n = fs::file_size(uri.substr(9) + suffix, ec);
      if (!ec) total += static_cast<std::int64_t>(n);
    }
    return total;
  }
  const std::string size =
      run("psql -XAtq '" + uri +
          "' -c 'SELECT pg_database_size(current_database())'");
  return size.empty() ? -1 : std::atoll(size.c_str());
}

// Adds `count` received jobs to `batch`, numbered from `first`; returns the
// seconds it took.
Result<double> add(JobQueue& queue, RowId batch, long first, long count) {
  const auto start = Clock::now();
  std::vector<JobInsert> chunk;
  for (long i = first; i < first + count;) {
    chunk.clear();
    for (; i < first + count && chunk.size() < 10'000; ++i) {
      JobInsert j;
      char name[96];
      std::snprintf(name, sizeof name, "/photos/%04ld/SKU%07ld_01.jpg",
                    i / 1000, i);
      j.source_path = name;
      j.original_name = std::string(name).substr(14);
      j.sha256 = sha(i);
      j.bytes = 40'000;
      chunk.push_back(std::move(j));
    }
    IMAGEBANK_RETURN_IF_ERROR(queue.add_jobs(batch, chunk).status());
  }
  return std::chrono::duration<double>(Clock::now() - start).count();
}

JobOutcome outcome_for(const Job& job) {
  JobOutcome out;
  ImageRecord& r = out.image;
  r.sha256 = job.sha256;
  r.phash = std::hash<std::string>{}(job.sha256);
  r.width = 320;
  r.height = 240;
  r.format = "jpeg";
  r.bytes = job.bytes;
  r.original_name = job.original_name;
  r.batch_id = job.batch_id;
  r.blob_key = "originals/" + job.sha256.substr(0, 2) + "/" +
               job.sha256.substr(2, 2) + "/" + job.sha256 + ".jpg";
  return out;
}

// Leases and completes `n` jobs one at a time; the latencies in ms.
Status lease_and_complete(JobQueue& queue, const std::string& worker, long n,
                          std::vector<double>* lease_ms,
                          std::vector<double>* commit_ms, long* done) {
  LeaseOptions lease;
  lease.worker = worker;
  for (long i = 0; i < n; ++i) {
    const auto t0 = Clock::now();
    IMAGEBANK_ASSIGN_OR_RETURN(std::vector<Job> jobs, queue.lease_jobs(lease));
    const auto t1 = Clock::now();
    if (jobs.empty()) break;
    IMAGEBANK_RETURN_IF_ERROR(
        queue.complete_job(jobs[0].id, worker, outcome_for(jobs[0])).status());
    const auto t2 = Clock::now();
    if (lease_ms != nullptr) {
      lease_ms->push_back(
          std::chrono::duration<double, std::milli>(t1 - t0).count());
      commit_ms->push_back(
          std::chrono::duration<double, std::milli>(t2 - t1).count());
    }
    ++*done;
  }
  return {};
}

// One queue per backend, filled step by step as the depths grow.
struct DeepQueue {
  std::string uri;
  std::unique_ptr<CatalogDatabase> db;
  RowId batch = 0;
  long added = 0;     // jobs added so far
  long consumed = 0;  // jobs leased and completed so far
  double add_seconds = 0;
};

void BM_QueueAtDepth(benchmark::State& state, std::string backend) {
  static std::map<std::string, DeepQueue> queues;
  const long depth = state.range(0);
  DeepQueue& q = queues[backend];
  if (!q.db) {
    q.uri = databases().fresh(backend);
    if (q.uri.empty()) {
      state.SkipWithError("could not start PostgreSQL");
      return;
    }
    auto db = open_uri(q.uri);
    if (!db.ok()) {
      state.SkipWithError(db.status().to_string().c_str());
      return;
    }
    q.db = std::move(db).value();
    q.batch = q.db->create_batch(0, "/photos")->id;
  }
  // Top the queue up to `depth` waiting jobs.
  const long want = depth + q.consumed;
  if (q.added < want) {
    auto seconds = add(*q.db, q.batch, q.added, want - q.added);
    if (!seconds.ok()) {
      state.SkipWithError(seconds.status().to_string().c_str());
      return;
    }
    q.add_seconds += *seconds;
    q.added = want;
  }
  std::vector<double> lease_ms, commit_ms;
  for (auto _ : state) {
    long done = 0;
    Status s = lease_and_complete(*q.db, "bench:1:depth", 1, &lease_ms,
                                  &commit_ms, &done);
    if (!s.ok()) {
      state.SkipWithError(s.to_string().c_str());
      return;
    }
    q.consumed += done;
  }
  state.counters["lease_p50_ms"] = percentile(lease_ms, 0.5);
  state.counters["lease_p99_ms"] = percentile(lease_ms, 0.99);
  state.counters["commit_p50_ms"] = percentile(commit_ms, 0.5);
  state.counters["commit_p99_ms"] = percentile(commit_ms, 0.99);
  state.counters["add_jobs_per_s"] =
      static_cast<double>(q.added) / std::max(q.add_seconds, 1e-9);
  state.counters["catalog_MB"] =
      static_cast<double>(catalog_bytes(q.uri)) / 1e6;
}

void BM_QueuePastPaused(benchmark::State& state, std::string backend) {
  const long paused_jobs = state.range(0);
  const std::string uri = databases().fresh(backend);
  if (uri.empty()) {
    state.SkipWithError("could not start PostgreSQL");
    return;
  }
  auto db = open_uri(uri);
  if (!db.ok()) {
    state.SkipWithError(db.status().to_string().c_str());
    return;
  }
  JobQueue& queue = **db;
  // The paused batch is the oldest: a lease that walked the received jobs
  // in batch order would pass all of them first.
  const RowId paused = queue.create_batch(0, "/paused")->id;
  const RowId runnable = queue.create_batch(0, "/photos")->id;
  if (paused_jobs > 0) {
    auto added = add(queue, paused, 10'000'000, paused_jobs);
    if (!added.ok()) {
      state.SkipWithError(added.status().to_string().c_str());
      return;
    }
  }
  (void)queue.set_batch_state(paused, BatchState::kPaused);
  const long runnable_jobs = std::min(10'000L, scale_jobs());
  (void)add(queue, runnable, 0, runnable_jobs);
  std::vector<double> lease_ms, commit_ms;
  for (auto _ : state) {
    long done = 0;
    Status s = lease_and_complete(queue, "bench:1:paused", 1, &lease_ms,
                                  &commit_ms, &done);
    if (!s.ok() || done == 0) {
      state.SkipWithError(s.ok() ? "the runnable batch ran out"
                                 : s.to_string().c_str());
      return;
    }
  }
  state.counters["lease_p50_ms"] = percentile(lease_ms, 0.5);
  state.counters["lease_p99_ms"] = percentile(lease_ms, 0.99);
}

// A child: leases and completes jobs of the queue at `uri` for `seconds`;
// prints how many it completed.
int worker_child(const std::string& uri, double seconds, int index) {
  auto db = open_uri(uri);
  if (!db.ok()) {
    std::fprintf(stderr, "%s\n", db.status().to_string().c_str());
    return 1;
  }
  const std::string worker =
      "bench:" + std::to_string(::getpid()) + ":" + std::to_string(index);
  long done = 0;
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  while (Clock::now() < end) {
    Status s = lease_and_complete(**db, worker, 20, nullptr, nullptr, &done);
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.to_string().c_str());
      return 1;
    }
  }
  std::printf("%ld\n", done);
  return 0;
}

void BM_QueueWorkers(benchmark::State& state) {
  const int processes = static_cast<int>(state.range(0));
  const std::string uri = databases().fresh("postgresql");
  if (uri.empty()) {
    state.SkipWithError("could not start PostgreSQL");
    return;
  }
  const double seconds = scale_jobs() >= 100'000 ? 10.0 : 1.0;
  {
    auto db = open_uri(uri);
    if (!db.ok()) {
      state.SkipWithError(db.status().to_string().c_str());
      return;
    }
    const RowId batch = (*db)->create_batch(0, "/photos")->id;
    // More than 8 processes complete in the time.
    (void)add(**db, batch, 0, std::min(200'000L, scale_jobs()));
  }
  double per_second = 0;
  for (auto _ : state) {
    std::vector<FILE*> children;
    const auto start = Clock::now();
    for (int i = 0; i < processes; ++i) {
      const std::string command = "'" + self_path + "' --worker-child '" + uri +
                                  "' " + std::to_string(seconds) + " " +
                                  std::to_string(i);
      children.push_back(::popen(command.c_str(), "r"));
    }
    long total = 0;
    for (FILE* child : children) {
      char line[64] = {0};
      if (child != nullptr && std::fgets(line, sizeof line, child) != nullptr) {
        total += std::atol(line);
      }
      if (child != nullptr) ::pclose(child);
    }
    const double wall =
        std::chrono::duration<double>(Clock::now() - start).count();
    state.SetIterationTime(wall);
    per_second = static_cast<double>(total) / seconds;
  }
  state.counters["jobs_per_s"] = per_second;
  state.counters["per_process"] = per_second / processes;
}

// A child: ingests the folder (receive only: every file is empty) into the
// catalog at `uri`, then receives the same folder again into a batch that
// already knows every path. Writes "<seconds> <seconds again> <known>" to
// figures.txt beside the folder.
int receive_child(const std::string& uri, const std::string& folder) {
  auto db = open_uri(uri);
  if (!db.ok()) return 1;
  const fs::path files = fs::path(folder).parent_path() / "blobs";
  auto blobs = open_blob_store("file://" + files.string());
  if (!blobs.ok()) return 1;
  Bank bank(std::move(db).value(), std::move(blobs).value());
  IngestOptions o;
  o.workers = 1;
  auto ingestor = bank.ingestor(o);
  if (!ingestor.ok()) return 1;
  const std::vector<fs::path> paths = {folder};
  const auto t0 = Clock::now();
  auto batch = (*ingestor)->ingest(paths);
  const auto t1 = Clock::now();
  if (!batch.ok()) {
    std::fprintf(stderr, "%s\n", batch.status().to_string().c_str());
    return 1;
  }
  // A second batch of the same folder with every path already recorded (a
  // receive that crashed at the very end): the resume walks and merges.
  auto again = (*ingestor)->enqueue(paths);
  if (!again.ok()) return 1;
  std::string after;
  long known = 0;
  for (;;) {
    auto page = bank.jobs().list_source_paths(batch->id, after, 10'000);
    if (!page.ok() || page->empty()) break;
    std::vector<JobInsert> jobs;
    for (const std::string& p : *page) {
      JobInsert j;
      j.source_path = p;
      j.state = JobState::kFailed;
      j.error = corrupt_data_error("empty");
      jobs.push_back(std::move(j));
    }
    if (!bank.jobs().add_jobs(again->id, jobs).ok()) return 1;
    known += static_cast<long>(page->size());
    after = page->back();
  }
  const auto t2 = Clock::now();
  auto resumed = (*ingestor)->resume(again->id);
  const auto t3 = Clock::now();
  if (!resumed.ok()) return 1;
  std::ofstream out(fs::path(folder).parent_path() / "figures.txt");
  out << std::chrono::duration<double>(t1 - t0).count() << ' '
      << std::chrono::duration<double>(t3 - t2).count() << ' ' << known << '\n';
  return out ? 0 : 1;
}

// `count` empty image files, 1,000 per folder.
Status empty_files(const fs::path& dir, long count) {
  for (long i = 0; i < count; ++i) {
    char name[96];
    std::snprintf(name, sizeof name, "%04ld/SKU%07ld_01.jpg", i / 1000, i);
    const fs::path p = dir / name;
    if (i % 1000 == 0) fs::create_directories(p.parent_path());
    std::ofstream(p).flush();
  }
  return {};
}

void BM_ReceiveMillion(benchmark::State& state, std::string backend) {
  const long count = scale_jobs();
  const fs::path root = databases().dir / ("receive-" + backend);
  const fs::path folder = root / "photos";
  std::error_code ec;
  fs::remove_all(root, ec);
  Status made = empty_files(folder, count);
  if (!made.ok()) {
    state.SkipWithError(made.to_string().c_str());
    return;
  }
  for (auto _ : state) {
    const std::string uri = databases().fresh(backend);
    if (uri.empty()) {
      state.SkipWithError("could not start PostgreSQL");
      return;
    }
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::execl(self_path.c_str(), self_path.c_str(), "--receive-child",
              uri.c_str(), folder.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    // The child's memory, sampled: anonymous (heaps, SQLite's page cache)
    // apart from file-backed (SQLite's memory-mapped database pages, which
    // the kernel may drop at will).
    std::atomic<bool> exited{false};
    double anon_mb = 0, file_mb = 0, rss_mb = 0;
    std::thread sampler([&] {
      const std::string status_path =
          "/proc/" + std::to_string(pid) + "/status";
      while (!exited.load()) {
        std::ifstream in(status_path);
        std::string line;
        while (std::getline(in, line)) {
          const auto mb = [&] {
            return std::atof(line.c_str() + line.find(':') + 1) / 1024.0;
          };
          if (line.starts_with("RssAnon:")) anon_mb = std::max(anon_mb, mb());
          if (line.starts_with("RssFile:")) file_mb = std::max(file_mb, mb());
          if (line.starts_with("VmRSS:")) rss_mb = std::max(rss_mb, mb());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
    int status = 0;
    rusage usage{};
    ::wait4(pid, &status, 0, &usage);
    exited = true;
    sampler.join();
    state.counters["peak_anon_MB"] = anon_mb;
    state.counters["peak_file_MB"] = file_mb;
    // The child printed its figures on our stdout; the RSS is the kernel's.
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      state.SkipWithError("the receiving child failed");
      return;
    }
    // Not the kernel's ru_maxrss: it counts the pages the child shared
    // with this (large) process between fork and exec.
    state.counters["peak_rss_MB"] = rss_mb;
    double first = 0, again = 0;
    long known = 0;
    std::ifstream figures(root / "figures.txt");
    figures >> first >> again >> known;
    state.counters["receive_files_per_s"] =
        static_cast<double>(count) / std::max(first, 1e-9);
    state.counters["resume_walk_s"] = again;
    state.counters["resume_known"] = static_cast<double>(known);
    state.counters["catalog_MB"] =
        static_cast<double>(catalog_bytes(uri)) / 1e6;
  }
  state.counters["files"] = static_cast<double>(count);
  fs::remove_all(root, ec);
}

// The depths and sizes, capped by IMAGEBANK_BENCH_SCALE_JOBS (a smoke run
// uses the cap alone).
void register_all() {
  const long cap = scale_jobs();
  std::vector<long> depths;
  for (long d : {10'000L, 100'000L, 1'000'000L}) {
    if (d <= cap) depths.push_back(d);
  }
  if (depths.empty()) depths.push_back(cap);
  const auto samples = [](long depth) {
    return static_cast<benchmark::IterationCount>(
        std::clamp(depth / 10, 10L, 2000L));
  };
  for (const std::string backend : {"sqlite", "postgresql"}) {
    for (long d : depths) {
      benchmark::RegisterBenchmark(("BM_QueueAtDepth/" + backend).c_str(),
                                   BM_QueueAtDepth, backend)
          ->Arg(d)
          ->Iterations(samples(d))
          ->Unit(benchmark::kMillisecond);
    }
  }
  for (const std::string backend : {"sqlite", "postgresql"}) {
    for (long paused : {0L, depths.back()}) {
      benchmark::RegisterBenchmark(("BM_QueuePastPaused/" + backend).c_str(),
                                   BM_QueuePastPaused, backend)
          ->Arg(paused)
          ->Iterations(samples(std::min(10'000L, cap)))
          ->Unit(benchmark::kMillisecond);
    }
  }
  for (int processes : {1, 2, 4, 8}) {
    benchmark::RegisterBenchmark("BM_QueueWorkers", BM_QueueWorkers)
        ->Arg(processes)
        ->Iterations(1)
        ->UseManualTime()
        ->Unit(benchmark::kSecond);
  }
  for (const std::string backend : {"sqlite", "postgresql"}) {
    benchmark::RegisterBenchmark(("BM_ReceiveMillion/" + backend).c_str(),
                                 BM_ReceiveMillion, backend)
        ->Iterations(1)
        ->Unit(benchmark::kSecond);
  }
}

}  // namespace
}  // namespace imagebank

int main(int argc, char** argv) {
  std::error_code ec;
  imagebank::self_path = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) imagebank::self_path = argv[0];
  if (argc == 5 && std::string(argv[1]) == "--worker-child") {
    return imagebank::worker_child(argv[2], std::atof(argv[3]),
                                   std::atoi(argv[4]));
  }
  if (argc == 4 && std::string(argv[1]) == "--receive-child") {
    return imagebank::receive_child(argv[2], argv[3]);
  }
  imagebank::register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
