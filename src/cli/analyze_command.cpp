// imagebank analyze [--vision openai,gemini,offline] [--batch ID |
//   --collection NAME | --status S | --image ID...] [--workers N] [--force]
//   [--rpm PROVIDER=N] [--json]: describe photos with the vision chain.
// imagebank report colors [--collection NAME] [--disagreements] [--csv]:
//   lives in report_command.cpp.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cli/bank_options.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "imagebank/adapters/vision.hpp"

namespace imagebank::cli {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_analyze_signal(int) { g_stop = true; }

struct AnalyzeArgs {
  BankLocation bank;
  std::string vision = "offline";
  std::int64_t batch = 0;
  std::string collection;
  std::string status;
  std::vector<std::int64_t> images;
  int workers = 0;
  bool force = false;
  std::vector<std::string> rpm;  // provider=N
  std::vector<std::string> tpm;  // provider=N
  int max_tries = 3;
  double timeout = 60;
  bool json = false;
};

Status parse_limits(const std::vector<std::string>& specs, bool tokens,
                    std::map<std::string, VisionLimit>& out) {
  for (const std::string& spec : specs) {
    const std::size_t eq = spec.find('=');
    long long value = -1;
    if (eq != std::string::npos && eq > 0) {
      try {
        std::size_t used = 0;
        value = std::stoll(spec.substr(eq + 1), &used);
        if (used != spec.size() - eq - 1) value = -1;
      } catch (const std::exception&) {
        value = -1;
      }
    }
    if (value < 0) {
      return invalid_argument_error("'" + spec +
                                    "' is not PROVIDER=N (N >= 0)");
    }
    VisionLimit& limit = out[spec.substr(0, eq)];
    if (tokens) {
      limit.tokens_per_minute = value;
    } else {
      limit.requests_per_minute = static_cast<int>(std::min(value, 1000000LL));
    }
  }
  return Status();
}

class AnalyzeView {
 public:
  explicit AnalyzeView(const Output& out)
      : json_(out.json()), tty_(!out.json() && ::isatty(2) == 1) {}
  void show(const AnalyzeProgress& p) {
    std::lock_guard lock(mu_);
    if (json_) {
      Output(true).record({{"type", "progress"},
                           {"selected", p.selected},
                           {"done", p.done},
                           {"analysed", p.analysed},
                           {"cached", p.cached},
                           {"failed", p.failed},
                           {"input_tokens", p.input_tokens},
                           {"output_tokens", p.output_tokens},
                           {"elapsed_seconds", p.elapsed_seconds}});
      return;
    }
    const double rate = p.elapsed_seconds > 0
                            ? static_cast<double>(p.done) / p.elapsed_seconds
                            : 0.0;
    char line[256];
    std::snprintf(
        line, sizeof line,
        "analyze %lld/%lld  analysed %lld, cached %lld, failed %lld"
        "  %.1f img/s  tokens %lld",
        static_cast<long long>(p.done), static_cast<long long>(p.selected),
        static_cast<long long>(p.analysed), static_cast<long long>(p.cached),
        static_cast<long long>(p.failed), rate,
        static_cast<long long>(p.input_tokens + p.output_tokens));
    if (tty_) {
      std::fprintf(stderr, "\r\033[K%s", line);
      std::fflush(stderr);
      drawn_ = true;
      return;
    }
    if (p.elapsed_seconds - last_line_ >= 5.0 || p.done == p.selected) {
      last_line_ = p.elapsed_seconds;
      std::fprintf(stderr, "%s\n", line);
    }
  }
  void end() {
    std::lock_guard lock(mu_);
    if (drawn_) std::fputs("\n", stderr);
    drawn_ = false;
  }

 private:
  std::mutex mu_;
  bool json_;
  bool tty_;
  bool drawn_ = false;
  double last_line_ = -5.0;
};

int run_analyze(const AnalyzeArgs& a) {
  Output out(a.json);
  AnalyzeOptions options;
  auto uris = parse_vision_list(a.vision);
  if (!uris.ok()) {
    out.failure("--vision", uris.status());
    return kExitUsage;
  }
  options.vision = *uris;
  if (Status s = parse_limits(a.rpm, false, options.limits); !s.ok()) {
    out.failure("--rpm", s);
    return kExitUsage;
  }
  if (Status s = parse_limits(a.tpm, true, options.limits); !s.ok()) {
    out.failure("--tpm", s);
    return kExitUsage;
  }
  if (a.batch > 0) options.batch_id = a.batch;
  if (!a.collection.empty()) options.collection = a.collection;
  if (!a.status.empty()) {
    auto status = parse_image_status(a.status);
    if (!status.ok()) {
      out.failure("--status", status.status());
      return kExitUsage;
    }
    options.status = *status;
  }
  options.image_ids.assign(a.images.begin(), a.images.end());
  options.workers = a.workers;
  options.force = a.force;
  options.chain.max_tries = a.max_tries;
  options.request.timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(a.timeout * 1000));
  auto view = std::make_shared<AnalyzeView>(out);
  options.progress = [view](const AnalyzeProgress& p) { view->show(p); };
  options.stop = &g_stop;
  struct sigaction sa = {};
  sa.sa_handler = on_analyze_signal;
  sa.sa_flags = SA_RESETHAND;  // a second Ctrl-C ends the process at once
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  auto bank = open_bank(a.bank);
  if (!bank.ok()) {
    out.failure("bank", bank.status());
    return kExitSomeFailed;
  }
  auto report = (*bank)->analyze(options);
  view->end();
  if (!report.ok()) {
    const bool usage = report.status().code() == ErrorCode::kInvalidArgument;
    out.failure("analyze", report.status());
    return usage ? kExitUsage : kExitSomeFailed;
  }
  for (const AnalyzeFailure& f : report->failures) {
    out.failure(f.name.empty()
                    ? "image " + std::to_string(f.image_id)
                    : f.name + " (image " + std::to_string(f.image_id) + ")",
                f.error);
  }
  const AnalyzeProgress& p = report->progress;
  if (out.json()) {
    boost::json::object providers;
    for (const auto& [name, n] : report->by_provider) providers[name] = n;
    boost::json::array given_up;
    for (const auto& g : report->given_up) given_up.emplace_back(g);
    out.record({{"type", "analyze"},
                {"selected", p.selected},
                {"analysed", p.analysed},
                {"cached", p.cached},
                {"failed", p.failed},
                {"input_tokens", p.input_tokens},
                {"output_tokens", p.output_tokens},
                {"elapsed_seconds", p.elapsed_seconds},
                {"by_provider", providers},
                {"given_up", given_up},
                {"stopped", g_stop.load()}});
  } else {
    std::string by;
    for (const auto& [name, n] : report->by_provider) {
      by += (by.empty() ? "" : ", ") + name + " " + std::to_string(n);
    }
    out.text("analyze: " + std::to_string(p.analysed) + " analysed, " +
             std::to_string(p.cached) + " cached, " + std::to_string(p.failed) +
             " failed of " + std::to_string(p.selected) +
             (by.empty() ? std::string() : " (" + by + ")") + "; tokens " +
             std::to_string(p.input_tokens) + " in, " +
             std::to_string(p.output_tokens) + " out" +
             (g_stop.load() ? " (stopped)" : ""));
    for (const auto& g : report->given_up) out.text("given up: " + g);
  }
  return out.exit_status();
}

}  // namespace

CommandRunner add_analyze_command(CLI::App& app) {
  auto a = std::make_shared<AnalyzeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "analyze",
      "Describe photos with vision analyzers (AI attributes, kept apart from "
      "the Carteira)");
  add_bank_options(*cmd, a->bank);
  cmd->add_option("--vision", a->vision,
                  "Analyzers in order of preference, comma-separated: "
                  "openai, gemini, google-vision, offline, or full URIs "
                  "(openai://gpt-4o-mini?detail=low)")
      ->capture_default_str();
  cmd->add_option("--batch", a->batch, "Only this batch's photos");
  cmd->add_option("--collection", a->collection, "Only this collection");
  cmd->add_option("--status", a->status,
                  "Only photos in this status (pending_ai_analysis, ...)");
  cmd->add_option("--image", a->images, "Only these image ids");
  cmd->add_option("--workers", a->workers,
                  "Photos analysed at once (0: per core offline, else 8)")
      ->check(CLI::Range(0, 256));
  cmd->add_flag("--force", a->force,
                "Analyse again even when an answer is stored");
  cmd->add_option("--rpm", a->rpm,
                  "Requests per minute for a provider: openai=500")
      ->delimiter(',');
  cmd->add_option("--tpm", a->tpm,
                  "Tokens per minute for a provider: openai=200000")
      ->delimiter(',');
  cmd->add_option("--max-tries", a->max_tries,
                  "Calls per provider and photo for retryable failures")
      ->check(CLI::Range(1, 20))
      ->capture_default_str();
  cmd->add_option("--timeout", a->timeout, "Seconds per call")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  cmd->add_flag("--json", a->json, "JSON lines on stdout");
  return [a] { return run_analyze(*a); };
}

}  // namespace imagebank::cli
