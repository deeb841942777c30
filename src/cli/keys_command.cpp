// imagebank keys create --name NAME --scope SCOPE... | list | revoke PREFIX:
// the reference server's API keys. A new key is printed once; the bank keeps
// only its hash.
#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <memory>
#include <string>
#include <vector>

#include "cli/bank_options.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"

namespace imagebank::cli {
namespace {

struct KeysArgs {
  std::string action;
  std::string prefix;
  std::string name;
  std::vector<std::string> scopes;
  BankLocation bank;
  bool json = false;
};

boost::json::object key_json(const ApiKeyRecord& k) {
  boost::json::array scopes;
  for (ApiScope s : k.scopes) scopes.emplace_back(api_scope_name(s));
  boost::json::object o{{"prefix", k.prefix},
                        {"name", k.name},
                        {"scopes", std::move(scopes)},
                        {"created_ms", k.created_ms}};
  if (k.revoked_ms) {
    o["revoked_ms"] = *k.revoked_ms;
  } else {
    o["revoked_ms"] = nullptr;
  }
  return o;
}

std::string key_line(const ApiKeyRecord& k) {
  return k.prefix + "  " + api_scopes_text(k.scopes) + "  " + k.name +
         (k.revoked_ms ? "  (revoked)" : "");
}

int run_keys(const KeysArgs& a) {
  Output out(a.json);
  std::vector<ApiScope> scopes;
  if (a.action == "create") {
    std::string joined;
    for (const std::string& s : a.scopes) joined += s + ",";
    auto parsed = parse_api_scopes(joined);
    if (a.name.empty() || !parsed.ok()) {
      out.failure("keys create",
                  a.name.empty()
                      ? invalid_argument_error("keys create needs --name")
                      : parsed.status());
      return kExitUsage;
    }
    scopes = std::move(parsed).value();
  }
  if (a.action == "revoke" && a.prefix.empty()) {
    out.failure("keys revoke",
                invalid_argument_error("keys revoke needs the key's prefix "
                                       "(ib_xxxxxxxx, from keys list)"));
    return kExitUsage;
  }
  auto bank = open_bank(a.bank);
  if (!bank.ok()) {
    out.failure("bank", bank.status());
    return kExitSomeFailed;
  }
  ApiKeys& keys = (*bank)->api_keys();
  if (a.action == "create") {
    auto made = keys.create(a.name, scopes);
    if (!made.ok()) {
      out.failure("keys create", made.status());
      return kExitSomeFailed;
    }
    if (out.json()) {
      boost::json::object o = key_json(made->record);
      o["key"] = made->key;
      out.record(o);
    } else {
      out.text(made->key);
      out.text("(" + key_line(made->record) +
               "; shown only now: the bank keeps its hash)");
    }
    return kExitOk;
  }
  if (a.action == "list") {
    auto all = keys.list();
    if (!all.ok()) {
      out.failure("keys list", all.status());
      return kExitSomeFailed;
    }
    for (const ApiKeyRecord& k : *all) {
      if (out.json()) {
        out.record(key_json(k));
      } else {
        out.text(key_line(k));
      }
    }
    if (all->empty() && !out.json()) out.text("no API keys");
    return kExitOk;
  }
  auto revoked = keys.revoke(a.prefix);
  if (!revoked.ok()) {
    out.failure("keys revoke " + a.prefix, revoked.status());
    return kExitSomeFailed;
  }
  if (out.json()) {
    out.record(key_json(*revoked));
  } else {
    out.text(key_line(*revoked));
  }
  return kExitOk;
}

}  // namespace

CommandRunner add_keys_command(CLI::App& app) {
  auto a = std::make_shared<KeysArgs>();
  CLI::App* cmd = app.add_subcommand(
      "keys", "API keys of imagebank-server: create, list, revoke");
  cmd->add_option("action", a->action, "create, list or revoke")
      ->required()
      ->check(CLI::IsMember({"create", "list", "revoke"}));
  cmd->add_option("prefix", a->prefix, "The key to revoke (ib_xxxxxxxx)");
  cmd->add_option("--name", a->name, "Who holds the key (create)");
  cmd->add_option("--scope", a->scopes,
                  "read, upload, review or admin; repeat or comma-separate "
                  "(create)")
      ->delimiter(',');
  add_bank_options(*cmd, a->bank);
  cmd->add_flag("--json", a->json, "JSON lines on stdout");
  return [a] { return run_keys(*a); };
}

}  // namespace imagebank::cli
