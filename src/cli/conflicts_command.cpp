// Cross-SKU conflicts in the CLI: `imagebank report conflicts [--all]
// [--batch ID] [--collection NAME] [--json]` lists them, and `imagebank
// review conflict ID --relink SKU | --discard [--image ID] | --dismiss
// [--reviewer NAME]` resolves one.
#include <CLI/CLI.hpp>
#include <boost/json/object.hpp>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include "cli/bank_options.hpp"
#include "cli/commands.hpp"
#include "cli/conflicts_report.hpp"
#include "cli/output.hpp"
#include "imagebank/bank/bank.hpp"

namespace imagebank::cli {
namespace {

boost::json::value id_or_null(const std::optional<RowId>& id) {
  if (!id) return nullptr;
  return *id;
}

boost::json::object conflict_json(const SkuConflict& c) {
  return {{"type", "conflict"},
          {"id", c.id},
          {"kind", conflict_kind_name(c.kind)},
          {"state", conflict_state_name(c.state)},
          {"image", id_or_null(c.image_id)},
          {"image_name", c.image_name},
          {"image_sku", c.image_sku},
          {"other_image", id_or_null(c.other_image_id)},
          {"other_name", c.other_name},
          {"other_sku", c.other_sku},
          {"batch", id_or_null(c.batch_id)},
          {"distance", c.distance},
          {"resolved_by", c.resolved_by},
          {"resolved_sku", c.resolved_sku}};
}

std::string conflict_line(const SkuConflict& c) {
  std::string line = "  #" + std::to_string(c.id) + " " +
                     std::string(conflict_kind_name(c.kind)) + ": " +
                     c.other_name + " (SKU " + c.other_sku + ") " +
                     (c.kind == ConflictKind::kExact ? "is the same file as "
                                                     : "looks like ") +
                     c.image_name + " (SKU " + c.image_sku + ")";
  if (c.kind == ConflictKind::kNear) {
    line += ", pHash distance " + std::to_string(c.distance);
  }
  if (c.batch_id) line += ", batch " + std::to_string(*c.batch_id);
  if (c.state != ConflictState::kOpen) {
    line += " [" + std::string(conflict_state_name(c.state)) + " by " +
            c.resolved_by +
            (c.resolved_sku.empty() ? "" : " to " + c.resolved_sku) + "]";
  }
  return line;
}

struct ReviewArgs {
  std::string subject;
  RowId id = 0;
  std::string relink;
  bool discard = false;
  bool dismiss = false;
  RowId image = 0;
  std::string reviewer;
  BankLocation bank;
  bool json = false;
};

int run_review(const ReviewArgs& a) {
  Output out(a.json);
  const std::string what = "conflict " + std::to_string(a.id);
  const int actions =
      (a.relink.empty() ? 0 : 1) + (a.discard ? 1 : 0) + (a.dismiss ? 1 : 0);
  if (actions != 1) {
    out.failure(what, invalid_argument_error(
                          "say one of --relink SKU, --discard or --dismiss"));
    return kExitUsage;
  }
  ConflictResolution r;
  r.action = !a.relink.empty() ? ConflictState::kRelinked
             : a.discard       ? ConflictState::kDiscarded
                               : ConflictState::kDismissed;
  r.sku = a.relink;
  if (a.image > 0) r.discard_image_id = a.image;
  r.actor = a.reviewer;
  if (r.actor.empty()) {
    const char* user = std::getenv("USER");
    r.actor = user != nullptr && *user != '\0' ? user : "cli";
  }
  auto bank = open_bank(a.bank);
  if (!bank.ok()) {
    out.failure("bank", bank.status());
    return kExitSomeFailed;
  }
  auto done = (*bank)->resolve_conflict(a.id, r);
  if (!done.ok()) {
    out.failure(what, done.status());
    return kExitSomeFailed;
  }
  if (out.json()) {
    out.record(conflict_json(done->conflict));
  } else {
    out.text(what + ": " +
             std::string(conflict_state_name(done->conflict.state)) +
             (done->discarded
                  ? " (removed " + done->discarded->original_name + " and " +
                        std::to_string(done->discarded_blob_keys.size()) +
                        " objects)"
                  : std::string()));
    out.text(conflict_line(done->conflict));
  }
  return out.exit_status();
}

}  // namespace

int run_conflicts_report(Bank& bank, const ConflictsReportOptions& o,
                         Output& out) {
  ConflictListOptions options;
  options.open_only = !o.all;
  if (!o.collection.empty()) options.collection = o.collection;
  if (o.batch > 0) options.batch_id = o.batch;
  options.limit = 1000;
  std::int64_t count = 0;
  for (;;) {
    auto page = bank.conflicts(options);
    if (!page.ok()) {
      out.failure("report conflicts", page.status());
      return out.exit_status();
    }
    for (const SkuConflict& c : page->items) {
      ++count;
      if (out.json()) {
        out.record(conflict_json(c));
      } else {
        out.text(conflict_line(c));
      }
    }
    if (page->next_after == 0) break;
    options.after_id = page->next_after;
  }
  if (!out.json()) {
    out.text(std::to_string(count) + (o.all ? "" : " open") +
             " cross-SKU conflicts" +
             (count > 0 && !o.all
                  ? " (resolve each with: imagebank review conflict ID "
                    "--relink SKU | --discard | --dismiss)"
                  : ""));
  }
  return out.exit_status();
}

CommandRunner add_review_command(CLI::App& app) {
  auto a = std::make_shared<ReviewArgs>();
  CLI::App* cmd = app.add_subcommand(
      "review", "A reviewer's decisions: resolve a cross-SKU conflict");
  cmd->add_option("subject", a->subject, "conflict")
      ->required()
      ->check(CLI::IsMember({"conflict"}));
  cmd->add_option("id", a->id, "Conflict id (imagebank report conflicts)")
      ->required()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--relink", a->relink,
                  "The photo belongs to this SKU: its photos move to it");
  cmd->add_flag("--discard", a->discard,
                "Remove the wrongly filed photo (the later one unless "
                "--image says)");
  cmd->add_option("--image", a->image,
                  "--discard: the conflict's photo to remove (image id)");
  cmd->add_flag("--dismiss", a->dismiss,
                "A legitimate shared photo: keep both as they are");
  cmd->add_option("--reviewer", a->reviewer, "Who decides (default: $USER)");
  add_bank_options(*cmd, a->bank);
  cmd->add_flag("--json", a->json, "JSON lines on stdout");
  return [a] { return run_review(*a); };
}

}  // namespace imagebank::cli
