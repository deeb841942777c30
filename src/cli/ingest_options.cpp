#include "cli/ingest_options.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <sstream>
#include <thread>

#include "imagebank/adapters/http/fetch.hpp"
#include "imagebank/adapters/vision.hpp"
#include "imagebank/core/log.hpp"

namespace imagebank::cli {
namespace {

std::atomic<int> g_signal{0};

extern "C" void on_signal(int sig) { g_signal = sig; }

void install_signal_handlers() {
  struct sigaction sa = {};
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESETHAND;  // a second Ctrl-C ends the process at once
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

std::vector<std::string> split(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// 300, 0.2: a number of seconds as typed.
std::string seconds_text(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", seconds);
  return buf;
}

// Seconds as typed → milliseconds; the range is validate()'s to check.
Result<std::chrono::milliseconds> to_duration(std::string_view option,
                                              double seconds) {
  if (!std::isfinite(seconds) || std::fabs(seconds) > 1e12) {
    return invalid_argument_error(std::string(option) +
                                  " must be a number of seconds, not " +
                                  seconds_text(seconds));
  }
  return std::chrono::milliseconds(std::llround(seconds * 1000));
}

std::string duration(double seconds) {
  char buf[32];
  const auto s = static_cast<long long>(seconds + 0.5);
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", s / 3600, (s / 60) % 60);
  } else if (s >= 60) {
    std::snprintf(buf, sizeof buf, "%lldm%02llds", s / 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%llds", s);
  }
  return buf;
}

std::int64_t finished(const JobCounts& c) {
  return c.done + c.duplicate + c.failed + c.cancelled;
}

boost::json::object counts_json(const JobCounts& c) {
  return {{"total", c.total()}, {"received", c.received},
          {"leased", c.leased}, {"done", c.done},
          {"failed", c.failed}, {"cancelled", c.cancelled}};
}

// While a bar is on the terminal, a log line first clears it (the next
// progress tick draws it again below).
std::atomic<bool> g_bar_drawn{false};

class BarAwareLogSink final : public LogSink {
 public:
  explicit BarAwareLogSink(std::shared_ptr<LogSink> inner)
      : inner_(std::move(inner)) {}
  void write(const LogRecord& record) noexcept override {
    if (g_bar_drawn.exchange(false)) std::fputs("\r\033[K", stderr);
    inner_->write(record);
  }

 private:
  std::shared_ptr<LogSink> inner_;
};

// Draws progress: a bar redrawn in place on a terminal, else a timestamped
// line every 5 s, or JSON records.
class ProgressView {
 public:
  explicit ProgressView(const Output& out)
      : json_(out.json()), tty_(!out.json() && ::isatty(2) == 1) {
    if (tty_)
      set_log_sink(std::make_shared<BarAwareLogSink>(stderr_log_sink()));
  }

  void show(const BatchProgress& p) {
    std::lock_guard lock(mu_);
    const std::int64_t total =
        std::max<std::int64_t>(p.counts.total(), p.files_found);
    const std::int64_t end = finished(p.counts);
    if (json_) {
      boost::json::object o{{"type", "progress"},
                            {"batch", p.batch.id},
                            {"state", batch_state_name(p.batch.state)},
                            {"receiving", p.batch.receiving},
                            {"total", total},
                            {"received", p.counts.received},
                            {"leased", p.counts.leased},
                            {"done", p.counts.done},
                            {"duplicate", p.counts.duplicate},
                            {"failed", p.counts.failed},
                            {"rate", p.rate},
                            {"elapsed_ms", p.elapsed_ms}};
      if (p.eta_seconds) o["eta_seconds"] = *p.eta_seconds;
      if (p.analysis.total() > 0) o["analysis"] = counts_json(p.analysis);
      Output(true).record(o);
      return;
    }
    char rate[64];
    std::snprintf(rate, sizeof rate, "%.1f img/s", p.rate);
    const std::string eta =
        p.eta_seconds ? "ETA " + duration(*p.eta_seconds) : "ETA --";
    const bool complete =
        end == total && !p.batch.receiving && p.analysis.open() == 0;
    // "  AI 12/40": analyses finished of those queued so far.
    const std::string ai = p.analysis.total() > 0
                               ? "  AI " +
                                     std::to_string(finished(p.analysis)) +
                                     "/" + std::to_string(p.analysis.total())
                               : std::string();
    if (complete && shown_complete_) return;  // the end is shown once
    shown_complete_ = complete;
    if (tty_) {
      constexpr int kWidth = 28;
      const int filled = total > 0 ? static_cast<int>(kWidth * end / total) : 0;
      std::string bar(static_cast<std::size_t>(filled), '#');
      bar.append(static_cast<std::size_t>(kWidth - filled), '.');
      char pct[16];
      std::snprintf(pct, sizeof pct, "%5.1f%%",
                    total > 0 ? 100.0 * static_cast<double>(end) /
                                    static_cast<double>(total)
                              : 0.0);
      std::string line =
          "\r\033[Kbatch " + std::to_string(p.batch.id) + " [" + bar + "] " +
          std::to_string(end) + "/" + std::to_string(total) +
          (p.batch.receiving ? "+" : "") + " " + pct + "  " + rate + "  " +
          eta + "  failed " + std::to_string(p.counts.failed) + "  dup " +
          std::to_string(p.counts.duplicate) + ai;
      if (complete) line += "\n";
      std::fputs(line.c_str(), stderr);
      std::fflush(stderr);
      drawn_ = !complete;
      g_bar_drawn = drawn_;
      return;
    }
    const std::int64_t now = p.at_ms;
    if (now - last_line_ms_ < 5000 && !complete) return;
    last_line_ms_ = now;
    log(LogLevel::kInfo,
        "batch " + std::to_string(p.batch.id) + ": " + std::to_string(end) +
            "/" + std::to_string(total) + (p.batch.receiving ? "+" : "") +
            " finished (done " + std::to_string(p.counts.done) +
            ", duplicate " + std::to_string(p.counts.duplicate) + ", failed " +
            std::to_string(p.counts.failed) + "), " + rate + ", " + eta + ai);
  }

  ~ProgressView() {
    if (drawn_ && g_bar_drawn.exchange(false)) std::fputs("\n", stderr);
  }

 private:
  std::mutex mu_;
  bool json_;
  bool tty_;
  bool drawn_ = false;  // a bar without its newline is on the terminal
  bool shown_complete_ = false;
  std::int64_t last_line_ms_ = 0;
};

}  // namespace

IngestCliOptions::IngestCliOptions() {
  const IngestOptions d;
  workers = d.workers;
  for (const Preset& p : d.presets) {
    if (!presets.empty()) presets += ',';
    presets += p.name;
  }
  for (const Format f : d.formats) {
    if (!formats.empty()) formats += ',';
    formats += format_name(f);
  }
  max_attempts = d.max_attempts;
  lease_seconds = static_cast<double>(d.lease.count()) / 1000;
  retry_seconds = static_cast<double>(d.retry_delay.count()) / 1000;
  near_radius = d.near_radius;
  limits = d.limits;
  analysis_workers = d.analysis.workers;
  const http::FetchOptions f;
  fetch_per_host = f.per_host;
  fetch_concurrency = f.global;
  fetch_timeout_seconds = static_cast<double>(f.total_timeout.count()) / 1000;
}

void add_ingest_options(CLI::App& command, IngestCliOptions& o) {
  // The defaults shown are the library's (o starts with them); the ranges
  // are checked by validate() in make_ingest_options.
  command.add_option("--workers", o.workers,
                     "Processing threads (default: one per core)");
  command.add_option("--presets", o.presets,
                     "Comma-separated presets (default " + o.presets + ")");
  command.add_option(
      "--formats", o.formats,
      "Comma-separated variant formats (default " + o.formats + ")");
  command.add_option("--max-attempts", o.max_attempts,
                     "Attempts per file before it fails (default " +
                         std::to_string(o.max_attempts) + ")");
  command.add_option("--lease-seconds", o.lease_seconds,
                     "A job not renewed for this long goes back to the queue "
                     "(default " +
                         seconds_text(o.lease_seconds) + ")");
  command.add_option("--retry-seconds", o.retry_seconds,
                     "First retry delay of a storage failure; doubles "
                     "(default " +
                         seconds_text(o.retry_seconds) + ")");
  command.add_option("--near-radius", o.near_radius,
                     "pHash distance of near duplicates (-1: off; default " +
                         std::to_string(o.near_radius) + ")");
  add_limit_options(command, o.limits);
  command.add_option(
      "--vision", o.vision,
      "Describe each new photo with these analyzers, in order of preference "
      "(openai, gemini, google-vision, offline, or full URIs), as analyze "
      "jobs beside the files: an analyzer that is down never holds the "
      "variants back");
  command.add_option(
      "--allow-host", o.allow_hosts,
      "URL batches: a host (HOST or HOST:PORT, as URLs name it) that may "
      "resolve to a private, loopback or link-local address; others are "
      "refused (repeatable)");
  command.add_option("--fetch-per-host", o.fetch_per_host,
                     "URL batches: fetches at once per host (default " +
                         std::to_string(o.fetch_per_host) + ")");
  command.add_option("--fetch-concurrency", o.fetch_concurrency,
                     "URL batches: fetches at once in this process (default " +
                         std::to_string(o.fetch_concurrency) + ")");
  command.add_option("--fetch-timeout-seconds", o.fetch_timeout_seconds,
                     "URL batches: the time one URL may take, retries and "
                     "redirects included (default " +
                         seconds_text(o.fetch_timeout_seconds) + ")");
  command.add_option("--analysis-workers", o.analysis_workers,
                     "Analyses in flight at once (default " +
                         std::to_string(o.analysis_workers) + ")");
}

Result<IngestOptions> make_ingest_options(const IngestCliOptions& o) {
  IngestOptions options;
  options.workers = o.workers;
  options.max_attempts = o.max_attempts;
  IMAGEBANK_ASSIGN_OR_RETURN(options.lease,
                             to_duration("lease_seconds", o.lease_seconds));
  IMAGEBANK_ASSIGN_OR_RETURN(options.retry_delay,
                             to_duration("retry_seconds", o.retry_seconds));
  options.near_radius = o.near_radius;
  options.limits = o.limits;
  options.presets.clear();
  for (const std::string& name : split(o.presets)) {
    IMAGEBANK_ASSIGN_OR_RETURN(Preset p, find_preset(name));
    options.presets.push_back(std::move(p));
  }
  IMAGEBANK_ASSIGN_OR_RETURN(options.formats, parse_formats(o.formats));
  options.analysis.workers = o.analysis_workers;
  IMAGEBANK_RETURN_IF_ERROR(validate(options));
  {
    http::FetchOptions fetch;
    fetch.policy.allow_hosts = o.allow_hosts;
    fetch.per_host = o.fetch_per_host;
    fetch.global = o.fetch_concurrency;
    fetch.max_bytes = o.limits.max_file_bytes;
    IMAGEBANK_ASSIGN_OR_RETURN(
        fetch.total_timeout,
        to_duration("fetch_timeout_seconds", o.fetch_timeout_seconds));
    Result<std::unique_ptr<http::UrlFetcher>> fetcher =
        http::UrlFetcher::create(std::move(fetch));
    IMAGEBANK_RETURN_IF_ERROR(fetcher.status());
    options.fetcher = std::shared_ptr<ImageFetcher>(std::move(*fetcher));
  }
  if (!o.vision.empty()) {
    // Unknown providers are usage errors, found before the bank is opened
    // (keys are checked when the analyzers are opened).
    Result<std::vector<std::string>> uris = parse_vision_list(o.vision);
    IMAGEBANK_RETURN_IF_ERROR(uris.status().with_context("--vision"));
    const std::vector<std::string> known = vision_schemes();
    for (const std::string& uri : *uris) {
      IMAGEBANK_ASSIGN_OR_RETURN(VisionUri parsed, parse_vision_uri(uri));
      if (std::find(known.begin(), known.end(), parsed.scheme) == known.end()) {
        std::string names;
        for (const std::string& k : known)
          names += (names.empty() ? "" : ", ") + k;
        return invalid_argument_error("--vision: unknown provider '" +
                                      parsed.scheme + "' (" + names + ")");
      }
    }
  }
  return options;
}

Status attach_vision(const Bank& bank, const IngestCliOptions& flags,
                     IngestOptions& options) {
  if (flags.vision.empty()) return {};
  AnalyzeOptions vision;
  IMAGEBANK_ASSIGN_OR_RETURN(vision.vision, parse_vision_list(flags.vision));
  Result<std::shared_ptr<VisionChain>> chain = bank.open_vision(vision);
  IMAGEBANK_RETURN_IF_ERROR(chain.status().with_context("--vision"));
  options.analysis.chain = *chain;
  options.analysis.label.clear();
  for (const std::string& uri : vision.vision) {
    if (!options.analysis.label.empty()) options.analysis.label += ',';
    options.analysis.label += uri;
  }
  return {};
}

void watch_progress(IngestOptions& options, Output& out,
                    std::shared_ptr<std::atomic<Ingestor*>> ingestor) {
  install_signal_handlers();
  // Ctrl-C and SIGTERM (a service manager's stop) reach the Ingestor from a
  // watcher of its own, also while no batch is being worked.
  static std::once_flag watcher_started;
  std::call_once(watcher_started, [ingestor] {
    std::thread([ingestor] {
      for (;;) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        Ingestor* current = ingestor->load();
        if (g_signal.load() == 0 || current == nullptr) continue;
        log(LogLevel::kWarning,
            "stopping after the files in hand (Ctrl-C again to quit now)");
        current->stop();
        g_signal = 0;
      }
    }).detach();
  });
  auto view = std::make_shared<ProgressView>(out);
  options.progress = [view](const BatchProgress& p) { view->show(p); };
}

void print_batch(const BatchProgress& p, Output& out) {
  if (out.json()) {
    boost::json::object o{{"type", "batch"},
                          {"batch", p.batch.id},
                          {"collection_id", p.batch.collection_id},
                          {"state", batch_state_name(p.batch.state)},
                          {"receiving", p.batch.receiving},
                          {"total", p.counts.total()},
                          {"received", p.counts.received},
                          {"leased", p.counts.leased},
                          {"done", p.counts.done},
                          {"duplicate", p.counts.duplicate},
                          {"failed", p.counts.failed},
                          {"cancelled", p.counts.cancelled},
                          {"rate", p.rate}};
    if (p.eta_seconds) o["eta_seconds"] = *p.eta_seconds;
    if (p.batch.part > 0) {
      o["group"] = p.batch.group_id;
      o["part"] = p.batch.part;
    }
    if (is_url_batch(p.batch)) o["source"] = "urls";
    if (!p.batch.analysis.empty()) {
      o["analyzers"] = p.batch.analysis;
      o["analysis"] = counts_json(p.analysis);
    }
    out.record(o);
    return;
  }
  char rate[32];
  std::snprintf(rate, sizeof rate, "%.1f img/s", p.rate);
  std::string line = "batch " + std::to_string(p.batch.id) + "  " +
                     std::string(batch_state_name(p.batch.state)) +
                     (p.batch.receiving ? " (receiving)" : "") + "  " +
                     std::to_string(finished(p.counts)) + "/" +
                     std::to_string(p.counts.total()) + "  done " +
                     std::to_string(p.counts.done) + ", duplicate " +
                     std::to_string(p.counts.duplicate) + ", failed " +
                     std::to_string(p.counts.failed) + ", waiting " +
                     std::to_string(p.counts.open());
  if (p.counts.cancelled > 0) {
    line += ", cancelled " + std::to_string(p.counts.cancelled);
  }
  if (p.batch.part > 0) {
    line += "  (URL list part " + std::to_string(p.batch.part) +
            " of the group of batch " + std::to_string(p.batch.group_id) + ")";
  }
  if (p.rate > 0) line += "  " + std::string(rate);
  if (p.eta_seconds) line += "  ETA " + duration(*p.eta_seconds);
  if (!p.batch.analysis.empty()) {
    line += "\n  analysis (" + p.batch.analysis + "): done " +
            std::to_string(p.analysis.done) + ", failed " +
            std::to_string(p.analysis.failed) + ", waiting " +
            std::to_string(p.analysis.open());
  }
  out.text(line);
}

namespace {

// What needs a person's eye: photos matched to no product, and near
// duplicates flagged for review (with the image each looks like).
void print_review(const BatchReview& review, Output& out) {
  if (out.json()) {
    out.record({{"type", "review"},
                {"batch", review.batch_id},
                {"unmatched", review.unmatched},
                {"near_duplicates", review.near_duplicate_count},
                {"conflicts", review.conflict_count}});
    for (const NamedNearDuplicate& n : review.near_duplicates) {
      out.record({{"type", "near_duplicate"},
                  {"image", n.image_name},
                  {"looks_like", n.other_name},
                  {"distance", n.pair.distance}});
    }
    return;
  }
  out.text("to review: " + std::to_string(review.unmatched) +
           " photos matched to no SKU of the Carteira (imagebank reconcile "
           "links them after a new import), " +
           std::to_string(review.near_duplicate_count) + " near duplicates");
  for (const NamedNearDuplicate& n : review.near_duplicates) {
    out.text("  near duplicate: " + n.image_name + " looks like " +
             n.other_name + " (pHash distance " +
             std::to_string(n.pair.distance) + ")");
  }
  const auto shown = static_cast<std::int64_t>(review.near_duplicates.size());
  if (review.near_duplicate_count > shown) {
    out.text("  ... and " +
             std::to_string(review.near_duplicate_count - shown) + " more");
  }
  if (review.conflict_count > 0) {
    out.text(std::to_string(review.conflict_count) +
             " cross-SKU conflicts (the same photo under two SKUs): "
             "imagebank report conflicts --batch " +
             std::to_string(review.batch_id));
  }
}

}  // namespace

void print_batch_summary(Bank& bank, RowId batch_id, Output& out) {
  Result<BatchProgress> p = bank.batch(batch_id);
  if (!p.ok()) {
    out.failure("batch " + std::to_string(batch_id), p.status());
    return;
  }
  print_batch(*p, out);
  if (p->batch.part > 0) {
    // The other parts of its URL list, each with its state.
    Result<std::vector<Batch>> all = bank.jobs().list_batches();
    if (all.ok()) {
      boost::json::array parts;
      std::string line = "  parts of the list:";
      for (const Batch& b : *all) {
        if (b.group_id != p->batch.group_id) continue;
        parts.push_back(
            boost::json::object{{"batch", b.id},
                                {"part", b.part},
                                {"state", batch_state_name(b.state)}});
        line += " " + std::to_string(b.part) + "=batch " +
                std::to_string(b.id) + " (" +
                std::string(batch_state_name(b.state)) + ")";
      }
      if (out.json()) {
        out.record({{"type", "parts"},
                    {"group", p->batch.group_id},
                    {"parts", parts}});
      } else {
        out.text(line);
      }
    }
  }
  // Near duplicates named: up to 1000 records, or 20 lines of text.
  Result<BatchReview> review = bank.review(batch_id, out.json() ? 1000 : 20);
  if (!review.ok()) {
    out.failure("batch " + std::to_string(batch_id), review.status());
    return;
  }
  print_review(*review, out);
  // Every failed file, a page at a time (a batch may have many).
  for (RowId after = 0;;) {
    Result<Page<Job>> page =
        bank.jobs().list_jobs(batch_id, JobState::kFailed, after, 1000);
    if (!page.ok()) {
      out.failure("batch " + std::to_string(batch_id), page.status());
      return;
    }
    for (const Job& job : page->items) {
      // The message names the file.
      out.failure(job.kind == JobKind::kAnalyze
                      ? "analysis of " + job.source_path
                      : job.source_path,
                  job.error.ok() ? internal_error("failed (no reason kept)")
                                 : job.error);
    }
    if (page->next_after == 0) break;
    after = page->next_after;
  }
}

}  // namespace imagebank::cli
