// `imagebank check [--verify-content] [--thorough] [--no-database]
// [--delete-orphans [--grace SECONDS]] [--json]`: the bank's integrity check
// (Bank::check). Exit status 0 when the bank is clean, 1 when anything is
// missing, mismatched, unreadable or orphaned, or the check itself failed.
#include <CLI/CLI.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "cli/bank_options.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "imagebank/bank/bank.hpp"

namespace imagebank::cli {
namespace {

struct CheckArgs {
  BankLocation bank;
  bool verify_content = false;
  bool thorough = false;
  bool no_database = false;
  bool delete_orphans = false;
  long long grace_seconds = 3600;
  std::size_t max_named = 1000;
  bool json = false;
};

boost::json::object report_json(const CheckReport& r) {
  boost::json::object o{{"type", "check"},
                        {"clean", r.clean()},
                        {"images", r.images},
                        {"variants", r.variants},
                        {"objects", r.objects},
                        {"missing", r.missing},
                        {"size_mismatches", r.size_mismatches},
                        {"content_mismatches", r.content_mismatches},
                        {"unreadable", r.unreadable},
                        {"orphans", r.orphans},
                        {"orphan_bytes", r.orphan_bytes},
                        {"orphans_deleted", r.orphans_deleted},
                        {"recent_unreferenced", r.recent_unreferenced},
                        {"held_by_jobs", r.held_by_jobs}};
  if (r.database) {
    boost::json::array lines;
    for (const std::string& line : *r.database) lines.emplace_back(line);
    o["database"] = std::move(lines);
  } else {
    o["database"] = nullptr;
  }
  return o;
}

int run_check(const CheckArgs& a) {
  Output out(a.json);
  auto bank = open_bank(a.bank);
  if (!bank.ok()) {
    out.failure("check", bank.status());
    return kExitSomeFailed;
  }
  CheckOptions options;
  options.verify_content = a.verify_content;
  options.database = !a.no_database;
  options.thorough_database = a.thorough;
  options.delete_orphans = a.delete_orphans;
  options.grace = std::chrono::seconds(a.grace_seconds);
  options.max_named = a.max_named;
  auto report = (*bank)->check(options);
  if (!report.ok()) {
    out.failure("check", report.status());
    return kExitSomeFailed;
  }
  const CheckReport& r = report.value();
  for (const CheckProblem& p : r.problems) {
    if (out.json()) {
      out.record({{"type", "problem"},
                  {"kind", p.kind},
                  {"key", p.key},
                  {"detail", p.detail}});
    } else {
      out.text(p.kind + " " + p.key + ": " + p.detail);
    }
  }
  if (out.json()) {
    out.record(report_json(r));
  } else {
    if (r.database) {
      for (const std::string& line : *r.database) out.text("database: " + line);
    }
    out.text(std::to_string(r.images) + " images, " +
             std::to_string(r.variants) + " variants, " +
             std::to_string(r.objects) +
             " objects: " + std::to_string(r.missing) + " missing, " +
             std::to_string(r.size_mismatches + r.content_mismatches) +
             " mismatched, " + std::to_string(r.unreadable) + " unreadable, " +
             std::to_string(r.orphans) + " orphans (" +
             std::to_string(r.orphan_bytes) + " bytes" +
             (a.delete_orphans
                  ? ", " + std::to_string(r.orphans_deleted) + " deleted"
                  : std::string()) +
             "), " + std::to_string(r.recent_unreferenced) +
             " recent unreferenced, " + std::to_string(r.held_by_jobs) +
             " held by jobs; database " +
             (!r.database ? std::string("not checked")
              : r.database->empty()
                  ? std::string("consistent")
                  : std::to_string(r.database->size()) + " problems") +
             (r.clean() ? "; clean" : "; NOT clean"));
    if (r.problems.size() < r.missing + r.size_mismatches +
                                r.content_mismatches + r.unreadable +
                                r.orphans) {
      out.text("(the first " + std::to_string(r.problems.size()) +
               " problems named; --max-named shows more)");
    }
  }
  return r.clean() ? kExitOk : kExitSomeFailed;
}

}  // namespace

CommandRunner add_check_command(CLI::App& app) {
  auto a = std::make_shared<CheckArgs>();
  CLI::App* cmd = app.add_subcommand(
      "check",
      "Integrity check: every object the catalog names is in the store at "
      "its size, no object is orphaned, the database is consistent");
  cmd->add_flag("--verify-content", a->verify_content,
                "Also read every object: originals must hash to their "
                "SHA-256, variants must have their recorded size in pixels");
  cmd->add_flag("--thorough", a->thorough,
                "SQLite: integrity_check (every page) instead of quick_check");
  cmd->add_flag("--no-database", a->no_database,
                "Skip the database engine's own check");
  cmd->add_flag("--delete-orphans", a->delete_orphans,
                "Remove the orphans (objects no row or job names, older than "
                "--grace)");
  cmd->add_option("--grace", a->grace_seconds,
                  "Seconds an unreferenced object is left alone (an ingest "
                  "may be about to name it); 0 only when nothing writes to "
                  "the bank")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-named", a->max_named,
                  "How many problems to name (all are counted)")
      ->capture_default_str();
  add_bank_options(*cmd, a->bank);
  cmd->add_flag("--json", a->json,
                "JSON lines on stdout: one per problem, then the report");
  return [a] { return run_check(*a); };
}

}  // namespace imagebank::cli
