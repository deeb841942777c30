// imagebank hash FILE... [--algo phash,dhash,ahash,pdq] [--compat imagehash]
// [--json]: one line per file with its SHA-256 and the requested hashes.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "imagebank/core/thread_pool.hpp"
#include "imagebank/hash/pdq.hpp"
#include "imagebank/hash/perceptual.hpp"
#include "imagebank/hash/sha256.hpp"

namespace imagebank::cli {
namespace {

struct HashOptions {
  std::vector<std::string> files;
  std::string algo = "phash,dhash,ahash,pdq";
  std::string compat;
  bool json = false;
  Limits limits;
};

struct Wanted {
  bool phash = false, dhash = false, ahash = false, pdq = false;
  HashCompat compat = HashCompat::kFast;
};

struct FileHashes {
  Status status;
  Sha256Digest sha{};
  PerceptualHashes perceptual;
  PdqHash pdq;
};

Result<Wanted> parse_wanted(const HashOptions& o) {
  Wanted w;
  std::stringstream ss(o.algo);
  std::string part;
  while (std::getline(ss, part, ',')) {
    if (part == "phash") {
      w.phash = true;
    } else if (part == "dhash") {
      w.dhash = true;
    } else if (part == "ahash") {
      w.ahash = true;
    } else if (part == "pdq") {
      w.pdq = true;
    } else if (!part.empty()) {
      return invalid_argument_error("unknown hash '" + part +
                                    "' (phash, dhash, ahash, pdq)");
    }
  }
  if (o.compat == "imagehash") {
    w.compat = HashCompat::kImagehash;
  } else if (!o.compat.empty()) {
    return invalid_argument_error("unknown --compat '" + o.compat +
                                  "' (imagehash)");
  }
  return w;
}

FileHashes hash_file(const std::string& path, const Wanted& w,
                     const Limits& limits) {
  FileHashes out;
  auto source = Source::file(path);
  if (!source.ok()) {
    out.status = source.status();
    return out;
  }
  Result<Sha256Digest> sha = sha256(**source);
  if (!sha.ok()) {
    out.status = sha.status();
    return out;
  }
  out.sha = *sha;
  if (w.phash || w.dhash || w.ahash) {
    PerceptualOptions po;
    po.compat = w.compat;
    po.limits = limits;
    Result<PerceptualHashes> p = perceptual_hashes(**source, po);
    if (!p.ok()) {
      out.status = p.status();
      return out;
    }
    out.perceptual = *p;
  }
  if (w.pdq) {
    Result<PdqHash> q = pdq(**source, limits);
    if (!q.ok()) {
      out.status = q.status();
      return out;
    }
    out.pdq = *q;
  }
  return out;
}

void report(Output& out, const std::string& path, const Wanted& w,
            const FileHashes& h) {
  if (!h.status.ok()) {
    out.failure(path, h.status);
    return;
  }
  if (out.json()) {
    boost::json::object o;
    o["path"] = path;
    o["sha256"] = to_hex(h.sha);
    if (w.phash) o["phash"] = hash_to_hex(h.perceptual.phash);
    if (w.dhash) o["dhash"] = hash_to_hex(h.perceptual.dhash);
    if (w.ahash) o["ahash"] = hash_to_hex(h.perceptual.ahash);
    if (w.pdq) {
      o["pdq"] = pdq_to_hex(h.pdq.hash);
      o["pdq_quality"] = h.pdq.quality;
    }
    out.record(o);
    return;
  }
  std::string line = path + ": sha256 " + to_hex(h.sha);
  if (w.phash) line += " phash " + hash_to_hex(h.perceptual.phash);
  if (w.dhash) line += " dhash " + hash_to_hex(h.perceptual.dhash);
  if (w.ahash) line += " ahash " + hash_to_hex(h.perceptual.ahash);
  if (w.pdq) {
    line += " pdq " + pdq_to_hex(h.pdq.hash) + " quality " +
            std::to_string(h.pdq.quality);
  }
  out.text(line);
}

int run_hash(const HashOptions& options) {
  Output out(options.json);
  Result<Wanted> wanted = parse_wanted(options);
  if (!wanted.ok()) {
    std::cerr << "imagebank: " << wanted.status().message() << '\n';
    return kExitUsage;
  }
  // Files are hashed in parallel, a block at a time, and reported in the
  // order given: memory stays bounded for a million paths and the output
  // does not depend on scheduling.
  constexpr std::size_t kBlock = 256;
  const auto& files = options.files;
  std::vector<FileHashes> results;
  for (std::size_t at = 0; at < files.size(); at += kBlock) {
    const std::size_t n = std::min(kBlock, files.size() - at);
    results.assign(n, FileHashes{});
    ThreadPool::shared().parallel_for(n, [&](std::size_t i) {
      results[i] = hash_file(files[at + i], *wanted, options.limits);
    });
    for (std::size_t i = 0; i < n; ++i) {
      report(out, files[at + i], *wanted, results[i]);
    }
  }
  return out.exit_status();
}

}  // namespace

CommandRunner add_hash_command(CLI::App& app) {
  auto options = std::make_shared<HashOptions>();
  CLI::App* cmd = app.add_subcommand(
      "hash", "SHA-256 and perceptual hashes (pHash, dHash, aHash, PDQ)");
  cmd->add_option("FILE", options->files, "Images")
      ->required()
      ->expected(1, -1);
  cmd->add_option("--algo", options->algo,
                  "Comma-separated hashes: phash,dhash,ahash,pdq")
      ->capture_default_str();
  cmd->add_option("--compat", options->compat,
                  "'imagehash': pHash/dHash/aHash bit-identical to Python "
                  "imagehash 4.3 (slower: full-size decode)");
  cmd->add_flag("--json", options->json, "One JSON object per file line");
  add_limit_options(*cmd, options->limits);
  return [options] { return run_hash(*options); };
}

}  // namespace imagebank::cli
