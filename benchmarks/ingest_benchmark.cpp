// The ingest pipeline end to end (Bank::ingest: receive + process on every
// core) against the sum of its stages measured alone on the same photos.
//
//   BM_IngestPipeline/<formats>: the corpus photos ingested into a fresh
//     SQLite + fs bank (temp dir), all six default presets, formats
//     jpeg_webp or avif_webp_jpeg (default encoder settings). Time = wall of
//     Bank::ingest; counters: images_per_s, cpu_pct (getrusage user + sys of
//     the process / wall), others_pct (CPU of every other process on the
//     machine during the run, /proc/stat), wall_s.
//   BM_IngestStages/<formats>: the same photos and the same work, one stage
//     at a time on one thread (make_variants still encodes on the shared
//     pool, as it does inside the pipeline): receive (read + SHA-256 +
//     original put + job rows), job (lease + lookups), read (the original
//     from the blob store), variants (decode + resize + encode), hashes
//     (pHash/dHash/aHash + PDQ of the whole picture), near (SKU parse +
//     near-duplicate lookup), puts (variant blobs), commit (complete_job).
//     Counters per image: <stage>_cpu and <stage>_wall in ms; ideal_per_s =
//     cores x images / sum of stage CPU s (every core busy with stage work
//     and nothing else); serial_per_s = images / sum of stage wall s.
//   BM_IngestBatch10k/sqlite, /postgresql: IMAGEBANK_BENCH_INGEST_IMAGES
//     (default 10,000) distinct synthetic 320x240 JPEGs, presets thumbnail +
//     small in JPEG, images/s end to end (receive + process).
//   BM_IngestBatchStages/sqlite: that batch's stages alone.
//
// After the runs a summary pairs each label's pipeline and stage runs
// (medians): overhead = 1 - pipeline images/s / ideal_per_s = 1 - work x
// util, where work = stage CPU / pipeline CPU and util = pipeline CPU% /
// (cores x 100%). Targets (ingest issue, corpus): overhead <= 15% and >= 180%
// CPU on 2 cores. benchmarks/README.md has the figures.
//
// Corpus benchmarks need IMAGEBANK_CORPUS=$(../shared/corpus/fetch-photos)
// and skip without it; PostgreSQL comes from scripts/pg-test-server.sh.
// IMAGEBANK_BENCH_INGEST_WORKERS sets IngestOptions::workers (default: one
// per core); IMAGEBANK_BENCH_INGEST_TRACE=1 prints the batch's progress.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "imagebank/bank/bank.hpp"
#include "imagebank/hash/pdq.hpp"
#include "imagebank/hash/perceptual.hpp"
#include "imagebank/hash/sha256.hpp"
#include "imagebank/image/encode.hpp"
#include "imagebank/image/format.hpp"
#include "imagebank/image/source.hpp"
#include "imagebank/sku/filename.hpp"
#include "ingest/near_index.hpp"
#include "support/test_support.hpp"

namespace imagebank {
namespace {

namespace fs = std::filesystem;

using testing::env_count;

std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, pipe) != nullptr) out += buf;
  if (::pclose(pipe) != 0) return "";
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

// Wall and CPU (user + sys of every thread of the process) seconds.
struct Clock {
  double wall = 0;
  double cpu = 0;
  static Clock now() {
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    auto sec = [](const timeval& t) {
      return static_cast<double>(t.tv_sec) +
             1e-6 * static_cast<double>(t.tv_usec);
    };
    return {std::chrono::duration<double>(
                std::chrono::steady_clock::now().time_since_epoch())
                .count(),
            sec(u.ru_utime) + sec(u.ru_stime)};
  }
  Clock operator-(const Clock& o) const { return {wall - o.wall, cpu - o.cpu}; }
  Clock& operator+=(const Clock& o) {
    wall += o.wall;
    cpu += o.cpu;
    return *this;
  }
};

// CPU seconds the whole machine spent busy (all processes, /proc/stat,
// steal included): minus ours, what other work took from the run.
double machine_busy() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0,
                     irq = 0, softirq = 0, steal = 0;
  in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >>
      steal;
  if (!in || cpu != "cpu") return 0;
  return static_cast<double>(user + nice + system + irq + softirq + steal) /
         static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::size_t cores() {
  return std::max<std::size_t>(1, std::thread::hardware_concurrency());
}

// The temp folder of this process: banks, generated photos, the PostgreSQL
// cluster. Removed at exit.
struct Scratch {
  fs::path dir;
  bool pg_started = false;
  std::string pg_error;
  int banks = 0;
  fs::path synthetic;  // generated photos (BM_IngestBatch10k)
  long synthetic_count = 0;

  Scratch() {
    dir = fs::temp_directory_path() /
          ("imagebank-ingest-bench-" + std::to_string(::getpid()));
    fs::create_directories(dir);
  }
  ~Scratch() {
    if (pg_started) {
      run(std::string(IMAGEBANK_PG_SERVER_SCRIPT) + " stop " +
          (dir / "pg").string());
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  fs::path new_bank_dir() {
    fs::path p = dir / ("bank" + std::to_string(++banks));
    std::error_code ec;
    fs::remove_all(p, ec);
    fs::create_directories(p);
    return p;
  }

  // A fresh database on the cluster (started on first use); "" on failure.
  std::string postgres_uri() {
    if (!pg_started) {
      if (!pg_error.empty()) return "";
      if (run(std::string(IMAGEBANK_PG_SERVER_SCRIPT) + " start " +
              (dir / "pg").string())
              .empty()) {
        pg_error = "could not start PostgreSQL (scripts/pg-test-server.sh)";
        return "";
      }
      pg_started = true;
    }
    return run(std::string(IMAGEBANK_PG_SERVER_SCRIPT) + " createdb " +
               (dir / "pg").string() + " ingest" + std::to_string(++banks));
  }
};

Scratch& scratch() {
  static Scratch s;
  return s;
}

// A bank on `db_uri` (empty: SQLite) with its files in a new folder.
Result<std::unique_ptr<Bank>> fresh_bank(const std::string& db_uri,
                                         fs::path* dir) {
  *dir = scratch().new_bank_dir();
  return Bank::open(db_uri, "", {}, *dir);
}

void drop_bank(std::unique_ptr<Bank>& bank, const fs::path& dir) {
  bank.reset();
  std::error_code ec;
  fs::remove_all(dir, ec);
}

// The corpus folder and its image files, sorted by path as the receive step
// walks them; empty without IMAGEBANK_CORPUS.
struct Corpus {
  fs::path dir;
  std::vector<fs::path> files;
};

const Corpus& corpus() {
  static const Corpus c = [] {
    Corpus out;
    const char* dir = std::getenv("IMAGEBANK_CORPUS");
    if (dir == nullptr || !fs::is_directory(dir)) return out;
    out.dir = dir;
    for (const auto& e : fs::directory_iterator(dir)) {
      std::string ext = e.path().extension().string();
      std::transform(ext.begin(), ext.end(), ext.begin(),
                     [](unsigned char ch) { return std::tolower(ch); });
      const bool image = ext == ".jpg" || ext == ".jpeg" || ext == ".png" ||
                         ext == ".webp" || ext == ".avif";
      if (e.is_regular_file() && image &&
          !e.path().filename().string().starts_with(".")) {
        out.files.push_back(e.path());
      }
    }
    std::sort(out.files.begin(), out.files.end());
    return out;
  }();
  return c;
}

// The corpus, or nullptr once the benchmark is skipped for lack of one.
const Corpus* corpus_or_skip(benchmark::State& state) {
  if (corpus().files.empty()) {
    state.SkipWithError("set IMAGEBANK_CORPUS (../shared/corpus/fetch-photos)");
    return nullptr;
  }
  return &corpus();
}

// IMAGEBANK_BENCH_INGEST_WORKERS overrides the number of workers (default:
// one per core); IMAGEBANK_BENCH_INGEST_TRACE=1 prints the batch's progress
// to stderr every second (for finding where a run waits; it adds catalog
// queries, so leave it off for the figures).
IngestOptions ingest_options(const std::vector<Format>& formats,
                             std::vector<Preset> presets) {
  IngestOptions o;
  o.formats = formats;
  o.presets = std::move(presets);
  o.workers =
      static_cast<std::size_t>(env_count("IMAGEBANK_BENCH_INGEST_WORKERS", 0));
  if (env_count("IMAGEBANK_BENCH_INGEST_TRACE", 0) > 0) {
    o.progress_interval = std::chrono::seconds(1);
    o.progress = [](const BatchProgress& p) {
      std::fprintf(stderr,
                   "trace %7.2f s: found %lld receiving %d received %lld "
                   "leased %lld done %lld\n",
                   static_cast<double>(p.elapsed_ms) / 1e3,
                   static_cast<long long>(p.files_found),
                   p.batch.receiving ? 1 : 0,
                   static_cast<long long>(p.counts.received),
                   static_cast<long long>(p.counts.leased),
                   static_cast<long long>(p.counts.done + p.counts.duplicate));
    };
  }
  return o;
}

// Seconds since the program started.
double since_start() {
  static const auto start = std::chrono::steady_clock::now();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

struct PipelineRun {
  double wall = 0;
  double cpu = 0;
  double others = 0;  // CPU seconds of other processes during the run
  double at = 0;      // since_start() when it began
};

// Ingests `paths` into the bank; the batch must end done with every file done
// or a duplicate.
Status timed_ingest(Bank& bank, const std::vector<fs::path>& paths,
                    std::size_t expected, const IngestOptions& options,
                    PipelineRun* out) {
  out->at = since_start();
  const double busy = machine_busy();
  const Clock start = Clock::now();
  Result<Batch> batch = bank.ingest(paths, options);
  const Clock used = Clock::now() - start;
  const double others = machine_busy() - busy - used.cpu;
  if (!batch.ok()) return batch.status();
  Result<JobCounts> counts = bank.jobs().job_counts(batch->id);
  if (!counts.ok()) return counts.status();
  if (counts->done + counts->duplicate != static_cast<std::int64_t>(expected) ||
      counts->failed != 0) {
    return internal_error("ingest ended with " + std::to_string(counts->done) +
                          " done, " + std::to_string(counts->duplicate) +
                          " duplicates, " + std::to_string(counts->failed) +
                          " failed of " + std::to_string(expected) +
                          " (state " +
                          std::string(batch_state_name(batch->state)) + ")");
  }
  out->wall = used.wall;
  out->cpu = used.cpu;
  out->others = std::max(0.0, others);
  return {};
}

// Every repetition of the corpus benchmarks, by formats label, for the
// summary printed at the end (main below).
std::map<std::string, std::vector<PipelineRun>>& pipeline_runs() {
  static std::map<std::string, std::vector<PipelineRun>> runs;
  return runs;
}
// How many images each label's runs ingest.
std::map<std::string, double>& run_images() {
  static std::map<std::string, double> images;
  return images;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

void BM_IngestPipeline(benchmark::State& state, std::string label,
                       std::vector<Format> formats) {
  const Corpus* corpus = corpus_or_skip(state);
  if (corpus == nullptr) return;
  const Corpus& c = *corpus;
  const double n = static_cast<double>(c.files.size());
  PipelineRun last;
  for (auto _ : state) {
    fs::path dir;
    Result<std::unique_ptr<Bank>> bank = fresh_bank("", &dir);
    if (!bank.ok()) {
      state.SkipWithError(bank.status().to_string().c_str());
      return;
    }
    const std::vector<fs::path> paths = {c.dir};
    Status s = timed_ingest(**bank, paths, c.files.size(),
                            ingest_options(formats, default_presets()), &last);
    drop_bank(*bank, dir);
    if (!s.ok()) {
      state.SkipWithError(s.to_string().c_str());
      return;
    }
    state.SetIterationTime(last.wall);
    pipeline_runs()[label].push_back(last);
    run_images()[label] = n;
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<std::int64_t>(c.files.size()));
  state.counters["images_per_s"] = n / last.wall;
  state.counters["cpu_pct"] = 100.0 * last.cpu / last.wall;
  state.counters["others_pct"] = 100.0 * last.others / last.wall;
  state.counters["wall_s"] = last.wall;
}

// ---- the stages alone ----

enum Stage {
  kReceive,
  kJob,
  kRead,
  kVariants,
  kHashes,
  kNear,
  kPuts,
  kCommit,
  kStages
};
constexpr std::array<const char*, kStages> kStageNames = {
    "receive", "job", "read", "variants", "hashes", "near", "puts", "commit"};

struct StagesRun {
  std::array<Clock, kStages> t{};
  double others = 0;  // share of the machine other processes used, 0-cores
  double at = 0;
};
std::map<std::string, std::vector<StagesRun>>& stages_runs() {
  static std::map<std::string, std::vector<StagesRun>> runs;
  return runs;
}

std::string extension_for(Format format) {
  if (format == Format::kJpeg) return "jpg";
  if (format == Format::kUnknown) return "bin";
  return std::string(format_name(format));
}

// Reads a file in 64 KiB chunks, hashing on the way (what receive does).
Status read_hashed(const fs::path& path, std::vector<std::byte>* bytes,
                   std::string* sha) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error(path.string() + ": cannot open");
  Sha256Hasher hasher;
  std::byte chunk[1 << 16];
  bytes->clear();
  for (;;) {
    const ssize_t got = ::read(fd, chunk, sizeof chunk);
    if (got < 0) {
      ::close(fd);
      return io_error(path.string() + ": read failed");
    }
    if (got == 0) break;
    bytes->insert(bytes->end(), chunk, chunk + got);
    hasher.update(
        std::span<const std::byte>(chunk, static_cast<std::size_t>(got)));
  }
  ::close(fd);
  *sha = to_hex(hasher.finish());
  return {};
}

// One pass of the process phase's work over `files`, stage by stage, each
// stage timed alone; adds each stage's time to `t`.
Status run_stages(Bank& bank, const std::vector<fs::path>& files,
                  const IngestOptions& options, std::array<Clock, kStages>& t) {
  CatalogStore& catalog = bank.catalog();
  JobQueue& queue = bank.jobs();
  BlobStore& blobs = bank.blobs();
  const std::string worker = "bench:1:stages";
  Clock start = Clock::now();
  IMAGEBANK_ASSIGN_OR_RETURN(Batch batch, queue.create_batch(0, "bench\n"));

  // receive: read + SHA-256 + exact-duplicate lookup + original put, job
  // rows in groups of 64.
  std::vector<JobInsert> pending;
  std::vector<std::byte> bytes;
  for (const fs::path& file : files) {
    JobInsert job;
    job.source_path = file.string();
    job.original_name = file.filename().string();
    IMAGEBANK_RETURN_IF_ERROR(read_hashed(file, &bytes, &job.sha256));
    job.bytes = bytes.size();
    Result<ImageRecord> existing = catalog.find_image_by_sha256(job.sha256);
    if (existing.ok()) return internal_error("unexpected duplicate");
    const Format format = sniff_format(std::span<const std::byte>(
        bytes.data(), std::min<std::size_t>(bytes.size(), 64)));
    IMAGEBANK_ASSIGN_OR_RETURN(
        const std::string key,
        original_blob_key(job.sha256, extension_for(format)));
    IMAGEBANK_RETURN_IF_ERROR(blobs.put(key, bytes));
    pending.push_back(std::move(job));
    if (pending.size() == 64) {
      IMAGEBANK_RETURN_IF_ERROR(queue.add_jobs(batch.id, pending).status());
      pending.clear();
    }
  }
  if (!pending.empty()) {
    IMAGEBANK_RETURN_IF_ERROR(queue.add_jobs(batch.id, pending).status());
  }
  IMAGEBANK_RETURN_IF_ERROR(queue.finish_receiving(batch.id).status());
  bytes.clear();
  bytes.shrink_to_fit();
  Clock now = Clock::now();
  t[kReceive] += now - start;

  SkuParser parser;
  NearIndex near;
  VariantOptions vo;
  vo.presets = options.presets;
  vo.formats = options.formats;
  vo.limits = options.limits;
  LeaseOptions lease;
  lease.worker = worker;
  lease.max_jobs = 1;
  lease.lease_ms = options.lease.count();
  lease.batch_id = batch.id;
  auto lap = [&](Stage stage) {
    const Clock n = Clock::now();
    t[stage] += n - now;
    now = n;
  };
  for (std::size_t i = 0; i < files.size(); ++i) {
    now = Clock::now();
    // job: lease, the exact-duplicate lookup, the batch row.
    IMAGEBANK_ASSIGN_OR_RETURN(std::vector<Job> jobs, queue.lease_jobs(lease));
    if (jobs.size() != 1) return internal_error("no job to lease");
    const Job& job = jobs.front();
    Result<ImageRecord> existing = catalog.find_image_by_sha256(job.sha256);
    if (existing.ok()) return internal_error("unexpected duplicate");
    IMAGEBANK_ASSIGN_OR_RETURN(Batch b, queue.get_batch(job.batch_id));
    lap(kJob);

    // read: find the original by its prefix, read it whole.
    IMAGEBANK_ASSIGN_OR_RETURN(std::string key,
                               original_blob_key(job.sha256, "bin"));
    IMAGEBANK_ASSIGN_OR_RETURN(
        BlobListPage page, blobs.list(key.substr(0, key.size() - 3), {}, 4));
    if (page.blobs.empty()) return internal_error("original missing");
    const std::string original = page.blobs.front().key;
    IMAGEBANK_ASSIGN_OR_RETURN(std::vector<std::byte> data,
                               blobs.get_bytes(original));
    lap(kRead);

    VariantReport seen;
    IMAGEBANK_ASSIGN_OR_RETURN(
        std::vector<Variant> variants,
        make_variants(*Source::memory(data, job.source_path), vo, &seen));
    lap(kVariants);

    IMAGEBANK_ASSIGN_OR_RETURN(PerceptualHashes hashes,
                               perceptual_hashes(seen.picture));
    IMAGEBANK_ASSIGN_OR_RETURN(PdqHash pdq_hash, pdq(seen.picture));
    lap(kHashes);

    JobOutcome outcome;
    ImageRecord& image = outcome.image;
    image.sha256 = job.sha256;
    image.phash = hashes.phash;
    image.dhash = hashes.dhash;
    image.pdq = pdq_to_bytes(pdq_hash.hash);
    image.pdq_quality = pdq_hash.quality;
    image.width = seen.info.display_width();
    image.height = seen.info.display_height();
    image.format = std::string(format_name(seen.info.format));
    image.bytes = data.size();
    image.original_name = job.original_name;
    image.batch_id = job.batch_id;
    image.blob_key = original;
    Result<SkuParse> parse = parser.parse(job.original_name, nullptr);
    if (parse.ok()) {
      image.sku_base = parse->sku_base;
      image.view = parse->view;
    }
    IMAGEBANK_ASSIGN_OR_RETURN(
        std::vector<HashIndex::Match> matches,
        near.find(catalog, image.phash, options.near_radius, 8));
    for (const HashIndex::Match& m : matches) {
      outcome.near_duplicates.push_back(
          NearDuplicate{0, static_cast<RowId>(m.id), m.distance, "phash"});
    }
    lap(kNear);

    for (const Variant& v : variants) {
      EncodeOptions settings = vo.encode_options(v.format);
      settings.format = v.format;
      IMAGEBANK_ASSIGN_OR_RETURN(
          const std::string blob_key,
          variant_key(job.sha256, v.preset, v.format, settings));
      Result<BlobInfo> have = blobs.head(blob_key);
      if (!have.ok() || have->size != v.data.size()) {
        IMAGEBANK_RETURN_IF_ERROR(blobs.put(blob_key, v.data));
      }
      outcome.variants.push_back(
          VariantRecord{0, v.preset, std::string(format_name(v.format)),
                        v.width, v.height, v.data.size(), blob_key});
    }
    lap(kPuts);

    IMAGEBANK_ASSIGN_OR_RETURN(ImageInsert inserted,
                               queue.complete_job(job.id, worker, outcome));
    near.add(inserted.image.id, inserted.image.phash);
    lap(kCommit);
  }
  return {};
}

// The stages alone over `files` on a fresh SQLite + fs bank per iteration.
void stages_benchmark(benchmark::State& state, const std::string& label,
                      const std::vector<fs::path>& files,
                      const IngestOptions& options) {
  run_images()[label] = static_cast<double>(files.size());
  std::array<Clock, kStages> t{};
  double others = 0;
  for (auto _ : state) {
    t = {};
    fs::path dir;
    Result<std::unique_ptr<Bank>> bank = fresh_bank("", &dir);
    if (!bank.ok()) {
      state.SkipWithError(bank.status().to_string().c_str());
      return;
    }
    const double at = since_start();
    const double busy = machine_busy();
    const Clock start = Clock::now();
    Status s = run_stages(**bank, files, options, t);
    const Clock used = Clock::now() - start;
    others = std::max(0.0, machine_busy() - busy - used.cpu) / used.wall;
    drop_bank(*bank, dir);
    if (!s.ok()) {
      state.SkipWithError(s.to_string().c_str());
      return;
    }
    Clock sum;
    for (const Clock& x : t) sum += x;
    state.SetIterationTime(sum.wall);
    stages_runs()[label].push_back({t, others, at});
  }
  const double n = static_cast<double>(files.size());
  Clock sum;
  for (std::size_t i = 0; i < kStages; ++i) {
    sum += t[i];
    state.counters[std::string(kStageNames[i]) + "_cpu"] = 1e3 * t[i].cpu / n;
    state.counters[std::string(kStageNames[i]) + "_wall"] = 1e3 * t[i].wall / n;
  }
  const double k = static_cast<double>(cores());
  const double ideal = k * n / sum.cpu;
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
  state.counters["sum_cpu"] = 1e3 * sum.cpu / n;
  state.counters["sum_wall"] = 1e3 * sum.wall / n;
  state.counters["ideal_per_s"] = ideal;
  state.counters["serial_per_s"] = n / sum.wall;
  state.counters["others_pct"] = 100.0 * others;
}

void BM_IngestStages(benchmark::State& state, std::string label,
                     std::vector<Format> formats) {
  const Corpus* c = corpus_or_skip(state);
  if (c == nullptr) return;
  stages_benchmark(state, label, c->files,
                   ingest_options(formats, default_presets()));
}

const std::vector<Format> kJpegWebp = {Format::kJpeg, Format::kWebp};
const std::vector<Format> kAvifWebpJpeg = {Format::kAvif, Format::kWebp,
                                           Format::kJpeg};

BENCHMARK_CAPTURE(BM_IngestPipeline, jpeg_webp, std::string("jpeg_webp"),
                  kJpegWebp)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(BM_IngestStages, jpeg_webp, std::string("jpeg_webp"),
                  kJpegWebp)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(BM_IngestPipeline, avif_webp_jpeg,
                  std::string("avif_webp_jpeg"), kAvifWebpJpeg)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(BM_IngestStages, avif_webp_jpeg,
                  std::string("avif_webp_jpeg"), kAvifWebpJpeg)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);

// ---- a large batch of small photos ----

// `count` distinct 320x240 JPEGs (q85): 8x6 blocks of random colours with
// mild per-pixel noise, named SKU<n>_01.jpg; generated once.
Status synthetic_photos(long count, fs::path* dir) {
  Scratch& s = scratch();
  if (s.synthetic_count == count) {
    *dir = s.synthetic;
    return {};
  }
  s.synthetic = s.dir / ("photos" + std::to_string(count));
  std::error_code ec;
  fs::remove_all(s.synthetic, ec);
  fs::create_directories(s.synthetic);
  constexpr std::uint32_t kW = 320, kH = 240, kBlock = 40;
  EncodeOptions eo;
  eo.format = Format::kJpeg;
  eo.quality = 85;
  std::mt19937 rng(12345);
  for (long i = 0; i < count; ++i) {
    IMAGEBANK_ASSIGN_OR_RETURN(Image img, Image::create(kW, kH, 3));
    std::uint8_t colours[kH / kBlock][kW / kBlock][3];
    for (auto& row : colours)
      for (auto& px : row)
        for (auto& ch : px) ch = static_cast<std::uint8_t>(rng() & 0xFF);
    for (std::uint32_t y = 0; y < kH; ++y) {
      std::uint8_t* p = img.row(y);
      for (std::uint32_t x = 0; x < kW; ++x) {
        const std::uint8_t* col = colours[y / kBlock][x / kBlock];
        const std::uint32_t noise = rng();
        for (int ch = 0; ch < 3; ++ch) {
          const int v =
              col[ch] + static_cast<int>((noise >> (8 * ch)) & 15) - 8;
          *p++ = static_cast<std::uint8_t>(std::clamp(v, 0, 255));
        }
      }
    }
    IMAGEBANK_ASSIGN_OR_RETURN(std::vector<std::byte> jpeg, encode(img, eo));
    char name[32];
    std::snprintf(name, sizeof name, "SKU%06ld_01.jpg", i);
    std::ofstream out(s.synthetic / name, std::ios::binary);
    out.write(reinterpret_cast<const char*>(jpeg.data()),
              static_cast<std::streamsize>(jpeg.size()));
    if (!out) return io_error("cannot write " + (s.synthetic / name).string());
  }
  s.synthetic_count = count;
  *dir = s.synthetic;
  return {};
}

// The batch's settings: presets thumbnail (300x300 cover) and small (480
// wide fit), JPEG q80.
IngestOptions batch_options() {
  return ingest_options({Format::kJpeg},
                        {*find_preset("thumbnail"), *find_preset("small")});
}

void BM_IngestBatch10k(benchmark::State& state, bool postgres) {
  const long count = env_count("IMAGEBANK_BENCH_INGEST_IMAGES", 10'000);
  fs::path photos;
  Status made = synthetic_photos(count, &photos);
  if (!made.ok()) {
    state.SkipWithError(made.to_string().c_str());
    return;
  }
  const IngestOptions options = batch_options();
  PipelineRun last;
  for (auto _ : state) {
    std::string uri;
    if (postgres) {
      uri = scratch().postgres_uri();
      if (uri.empty()) {
        state.SkipWithError(scratch().pg_error.empty()
                                ? "could not create a PostgreSQL database"
                                : scratch().pg_error.c_str());
        return;
      }
    }
    fs::path dir;
    Result<std::unique_ptr<Bank>> bank = fresh_bank(uri, &dir);
    if (!bank.ok()) {
      state.SkipWithError(bank.status().to_string().c_str());
      return;
    }
    const std::vector<fs::path> paths = {photos};
    Status s = timed_ingest(**bank, paths, static_cast<std::size_t>(count),
                            options, &last);
    drop_bank(*bank, dir);
    if (!s.ok()) {
      state.SkipWithError(s.to_string().c_str());
      return;
    }
    state.SetIterationTime(last.wall);
    // Only SQLite runs in this process: on PostgreSQL the server's CPU is
    // not ours, so no stage comparison there.
    if (!postgres) {
      pipeline_runs()["batch_sqlite"].push_back(last);
      run_images()["batch_sqlite"] = static_cast<double>(count);
    }
  }
  state.SetItemsProcessed(state.iterations() * count);
  state.counters["images_per_s"] = static_cast<double>(count) / last.wall;
  state.counters["cpu_pct"] = 100.0 * last.cpu / last.wall;
  state.counters["others_pct"] = 100.0 * last.others / last.wall;
  state.counters["wall_s"] = last.wall;
}

BENCHMARK_CAPTURE(BM_IngestBatch10k, sqlite, false)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(BM_IngestBatch10k, postgresql, true)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);

// The batch's stages alone on SQLite (the summary compares them with
// BM_IngestBatch10k/sqlite).
void BM_IngestBatchStages(benchmark::State& state) {
  const long count = env_count("IMAGEBANK_BENCH_INGEST_IMAGES", 10'000);
  fs::path photos;
  Status made = synthetic_photos(count, &photos);
  if (!made.ok()) {
    state.SkipWithError(made.to_string().c_str());
    return;
  }
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(photos))
    files.push_back(e.path());
  std::sort(files.begin(), files.end());
  stages_benchmark(state, "batch_sqlite", files, batch_options());
}
BENCHMARK(BM_IngestBatchStages)
    ->Name("BM_IngestBatchStages/sqlite")
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);

// The corpus runs side by side: medians of the pipeline's repetitions
// against medians of the stages' (run with --benchmark_repetitions; with
// --benchmark_enable_random_interleaving the two alternate, so that a drift
// of the machine's speed falls on both). Runs during which other processes
// took more than kQuiet of a core are listed but left out of the medians
// when at least one quiet run of each kind remains: on a shared machine they
// measure the neighbours, not the pipeline.
constexpr double kQuiet = 0.10;

void print_summary() {
  const double k = static_cast<double>(cores());
  for (const auto& [label, all_pipes] : pipeline_runs()) {
    const double n = run_images()[label];
    const auto it = stages_runs().find(label);
    if (it == stages_runs().end() || all_pipes.empty() || it->second.empty()) {
      continue;
    }
    std::printf("\ningest runs %s (at = seconds since start):\n",
                label.c_str());
    for (const PipelineRun& r : all_pipes) {
      std::printf(
          "  at %6.0f pipeline %.3f images/s, CPU %3.0f%%, others %3.0f%%\n",
          r.at, n / r.wall, 100.0 * r.cpu / r.wall, 100.0 * r.others / r.wall);
    }
    for (const StagesRun& r : it->second) {
      double cpu = 0;
      for (const Clock& c : r.t) cpu += c.cpu;
      std::printf(
          "  at %6.0f stages: ideal %.3f images/s (%.0f CPU ms/image), "
          "others %3.0f%%\n",
          r.at, k * n / cpu, 1e3 * cpu / n, 100.0 * r.others);
    }
    std::vector<PipelineRun> pipes;
    for (const PipelineRun& r : all_pipes) {
      if (r.others <= kQuiet * r.wall) pipes.push_back(r);
    }
    std::vector<StagesRun> stages;
    for (const StagesRun& r : it->second) {
      if (r.others <= kQuiet) stages.push_back(r);
    }
    const bool quiet = !pipes.empty() && !stages.empty();
    if (!quiet) {
      pipes = all_pipes;
      stages = it->second;
    }
    std::vector<double> rate, cpu, pct, others;
    for (const PipelineRun& r : pipes) {
      rate.push_back(n / r.wall);
      cpu.push_back(r.cpu);
      pct.push_back(100.0 * r.cpu / r.wall);
      others.push_back(100.0 * r.others / r.wall);
    }
    std::array<std::vector<double>, kStages> stage_cpu, stage_wall;
    std::vector<double> sum_cpu, sum_wall;
    for (const StagesRun& r : stages) {
      Clock sum;
      for (std::size_t i = 0; i < kStages; ++i) {
        stage_cpu[i].push_back(r.t[i].cpu);
        stage_wall[i].push_back(r.t[i].wall);
        sum += r.t[i];
      }
      sum_cpu.push_back(sum.cpu);
      sum_wall.push_back(sum.wall);
    }
    const double ideal = k * n / median(sum_cpu);
    const double pipe = median(rate);
    std::printf(
        "ingest summary %s: %.0f images, medians of %zu pipeline and %zu "
        "stage runs (%s)\n",
        label.c_str(), n, pipes.size(), stages.size(),
        quiet ? "the quiet ones: others <= 10% of a core"
              : "all: none was quiet");
    std::printf("  stage      CPU ms/image  wall ms/image\n");
    for (std::size_t i = 0; i < kStages; ++i) {
      std::printf("  %-9s %13.1f %14.1f\n", kStageNames[i],
                  1e3 * median(stage_cpu[i]) / n,
                  1e3 * median(stage_wall[i]) / n);
    }
    std::printf("  %-9s %13.1f %14.1f\n", "sum", 1e3 * median(sum_cpu) / n,
                1e3 * median(sum_wall) / n);
    std::printf(
        "  pipeline %.3f images/s, CPU %.0f%% (target >= 180%%), others "
        "%.0f%%\n",
        pipe, median(pct), median(others));
    std::printf(
        "  stages alone: ideal %.3f images/s on %.0f cores (%.0f x images / "
        "stage CPU s), serial %.3f images/s\n",
        ideal, k, k, n / median(sum_wall));
    std::printf(
        "  overhead 1 - pipeline/ideal = %.1f%% (target <= 15%%): work "
        "(stage CPU / pipeline CPU) %.3f x util (CPU%% / %.0f%%) %.3f\n",
        100.0 * (1.0 - pipe / ideal), median(sum_cpu) / median(cpu), 100.0 * k,
        median(pct) / (100.0 * k));
  }
}

}  // namespace
}  // namespace imagebank

int main(int argc, char** argv) {
  imagebank::since_start();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  imagebank::print_summary();
  benchmark::Shutdown();
  return 0;
}
