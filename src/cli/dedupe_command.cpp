// imagebank dedupe PATH... [--radius 5] [--algo phash|pdq] [--json]: groups
// of exact and near duplicates among the images under PATHs.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <bit>
#include <filesystem>
#include <map>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "imagebank/core/thread_pool.hpp"
#include "imagebank/hash/hamming.hpp"
#include "imagebank/hash/hash_index.hpp"
#include "imagebank/hash/pdq.hpp"
#include "imagebank/hash/perceptual.hpp"
#include "imagebank/hash/sha256.hpp"
#include "imagebank/image/probe.hpp"

namespace imagebank::cli {
namespace {

namespace fs = std::filesystem;

struct DedupeOptions {
  std::vector<std::string> paths;
  int radius = -1;  // -1: 5 for phash, 31 for pdq
  std::string algo = "phash";
  bool json = false;
  Limits limits;
};

struct Entry {
  std::string path;
  Status status;
  Sha256Digest sha{};
  Hash256 hash{};
  std::uint64_t pixels = 0, bytes = 0;
  std::uint32_t width = 0, height = 0;
  // Too little detail for its hash to mean anything (a flat colour, or an
  // overlay whose picture is all in the alpha channel, which hashes ignore):
  // such hashes collide with each other, so the file takes part in exact
  // matching only.
  bool featureless = false;
  int pdq_quality = -1;
};

// Meta's guidance for PDQ: hashes of quality below 50 are too unreliable to
// match on.
constexpr int kMinPdqQuality = 50;

bool looks_like_image(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".webp" ||
         ext == ".avif";
}

// Files named on the command line are taken as they are; folders are walked
// for image files. Sorted, so the report does not depend on the file system.
std::vector<std::string> expand(const std::vector<std::string>& paths,
                                Output& out) {
  std::vector<std::string> files;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      fs::recursive_directory_iterator it(
          p, fs::directory_options::skip_permission_denied, ec);
      for (; !ec && it != fs::recursive_directory_iterator();
           it.increment(ec)) {
        if (it->is_regular_file(ec) && looks_like_image(it->path())) {
          files.push_back(it->path().string());
        }
      }
      if (ec) out.failure(p, io_error(p + ": " + ec.message()));
    } else {
      files.push_back(p);
    }
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

void hash_entry(Entry& e, bool use_pdq, const Limits& limits) {
  auto source = Source::file(e.path);
  if (!source.ok()) {
    e.status = source.status();
    return;
  }
  Result<ImageInfo> info = probe(**source, limits);
  if (!info.ok()) {
    e.status = info.status();
    return;
  }
  e.width = info->display_width();
  e.height = info->display_height();
  e.pixels = std::uint64_t{e.width} * e.height;
  e.bytes = (*source)->size();
  Result<Sha256Digest> sha = sha256(**source);
  if (!sha.ok()) {
    e.status = sha.status();
    return;
  }
  e.sha = *sha;
  if (use_pdq) {
    Result<PdqHash> q = pdq(**source, limits);
    if (!q.ok()) {
      e.status = q.status();
      return;
    }
    e.hash = q->hash;
    e.pdq_quality = q->quality;
    e.featureless = q->quality < kMinPdqQuality;
  } else {
    PerceptualOptions po;
    po.limits = limits;
    Result<std::uint64_t> h = phash(**source, po);
    if (!h.ok()) {
      e.status = h.status();
      return;
    }
    e.hash = Hash256{*h, 0, 0, 0};
    // A flat image's DCT has no AC energy: every bit but the DC's is 0.
    e.featureless = std::popcount(*h) <= 1;
  }
}

void report_featureless(Output& out, const Entry& e) {
  const std::string why = e.pdq_quality >= 0
                              ? "pdq quality " + std::to_string(e.pdq_quality) +
                                    " < " + std::to_string(kMinPdqQuality)
                              : std::string("flat phash");
  if (out.json()) {
    boost::json::object o;
    o["path"] = e.path;
    o["featureless"] = true;
    o["reason"] = "too little detail for near-duplicate matching (" + why +
                  "); exact duplicates only";
    out.record(o);
  } else {
    out.text("featureless (" + why + "), exact duplicates only: " + e.path);
  }
}

struct UnionFind {
  std::vector<std::size_t> parent;
  explicit UnionFind(std::size_t n) : parent(n) {
    std::iota(parent.begin(), parent.end(), std::size_t{0});
  }
  std::size_t find(std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void unite(std::size_t a, std::size_t b) {
    a = find(a);
    b = find(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
};

int run_dedupe(const DedupeOptions& options) {
  Output out(options.json);
  const bool use_pdq = options.algo == "pdq";
  if (!use_pdq && options.algo != "phash") {
    std::cerr << "imagebank: unknown --algo '" << options.algo
              << "' (phash, pdq)\n";
    return kExitUsage;
  }
  const int max_radius = use_pdq ? 32 : 10;
  const int radius = options.radius < 0 ? (use_pdq ? 31 : 5) : options.radius;
  if (radius > max_radius) {
    std::cerr << "imagebank: --radius is at most " << max_radius << " for "
              << options.algo << '\n';
    return kExitUsage;
  }

  std::vector<Entry> entries;
  for (std::string& f : expand(options.paths, out)) {
    Entry e;
    e.path = std::move(f);
    entries.push_back(std::move(e));
  }
  ThreadPool::shared().parallel_for(entries.size(), [&](std::size_t i) {
    hash_entry(entries[i], use_pdq, options.limits);
  });
  std::vector<std::size_t> ok;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].status.ok()) {
      ok.push_back(i);
    } else {
      out.failure(entries[i].path, entries[i].status);
    }
  }

  // Exact duplicates share a SHA-256; one representative of each content
  // goes into the index, and its near neighbours join its group.
  UnionFind groups(entries.size());
  std::map<Sha256Digest, std::size_t> by_sha;
  std::vector<std::size_t> reps;
  std::size_t featureless = 0;
  for (std::size_t i : ok) {
    auto [it, inserted] = by_sha.emplace(entries[i].sha, i);
    if (inserted) {
      if (entries[i].featureless) {
        ++featureless;
        report_featureless(out, entries[i]);
      } else {
        reps.push_back(i);
      }
    } else {
      groups.unite(it->second, i);
    }
  }
  HashIndex::Options io;
  io.bits = use_pdq ? 256 : 64;
  io.expected_radius = radius;
  Result<HashIndex> index = HashIndex::create(io);
  if (!index.ok()) {
    std::cerr << "imagebank: " << index.status().message() << '\n';
    return kExitSomeFailed;
  }
  // One batch add, then the queries in parallel (queries are thread-safe);
  // the edges are joined afterwards in a fixed order.
  const std::size_t words_per_hash = use_pdq ? 4 : 1;
  std::vector<std::uint64_t> ids, words;
  ids.reserve(reps.size());
  words.reserve(reps.size() * words_per_hash);
  for (std::size_t i : reps) {
    ids.push_back(i);
    words.insert(words.end(), entries[i].hash.begin(),
                 entries[i].hash.begin() + words_per_hash);
  }
  if (Status s = index->add_many(ids, words); !s.ok()) {
    std::cerr << "imagebank: " << s.message() << '\n';
    return kExitSomeFailed;
  }
  std::vector<std::vector<std::size_t>> edges(reps.size());
  ThreadPool::shared().parallel_for(reps.size(), [&](std::size_t r) {
    const std::size_t i = reps[r];
    Result<std::vector<HashIndex::Match>> near =
        index->query(entries[i].hash, radius);
    if (!near.ok()) return;  // radius and hash width are checked above
    for (const HashIndex::Match& m : *near) {
      edges[r].push_back(static_cast<std::size_t>(m.id));
    }
  });
  for (std::size_t r = 0; r < reps.size(); ++r) {
    for (std::size_t j : edges[r]) groups.unite(reps[r], j);
  }

  std::map<std::size_t, std::vector<std::size_t>> members;
  for (std::size_t i : ok) members[groups.find(i)].push_back(i);
  int group_number = 0;
  for (auto& [root, list] : members) {
    if (list.size() < 2) continue;
    // The keeper: most pixels, then the largest file, then the first path.
    const std::size_t keeper = *std::min_element(
        list.begin(), list.end(), [&](std::size_t a, std::size_t b) {
          const Entry &x = entries[a], &y = entries[b];
          if (x.pixels != y.pixels) return x.pixels > y.pixels;
          if (x.bytes != y.bytes) return x.bytes > y.bytes;
          return x.path < y.path;
        });
    const Entry& k = entries[keeper];
    ++group_number;
    if (out.json()) {
      boost::json::object g;
      g["group"] = group_number;
      g["algo"] = options.algo;
      g["radius"] = radius;
      g["keeper"] = k.path;
      boost::json::array arr;
      for (std::size_t i : list) {
        const Entry& e = entries[i];
        boost::json::object m;
        m["path"] = e.path;
        m["keeper"] = i == keeper;
        m["exact"] = e.sha == k.sha;
        m["distance"] = hamming(e.hash, k.hash);
        m["width"] = e.width;
        m["height"] = e.height;
        m["bytes"] = e.bytes;
        arr.push_back(std::move(m));
      }
      g["members"] = std::move(arr);
      out.record(g);
    } else {
      out.text("group " + std::to_string(group_number) + " (" +
               std::to_string(list.size()) + " files): keep " + k.path + " (" +
               std::to_string(k.width) + "x" + std::to_string(k.height) + ", " +
               std::to_string(k.bytes) + " bytes)");
      for (std::size_t i : list) {
        if (i == keeper) continue;
        const Entry& e = entries[i];
        out.text("  " + e.path + ": " +
                 (e.sha == k.sha
                      ? std::string("exact duplicate")
                      : "distance " + std::to_string(hamming(e.hash, k.hash))) +
                 " (" + std::to_string(e.width) + "x" +
                 std::to_string(e.height) + ", " + std::to_string(e.bytes) +
                 " bytes)");
      }
    }
  }
  if (!out.json()) {
    out.text(std::to_string(group_number) + " duplicate groups among " +
             std::to_string(ok.size()) + " images (" +
             std::to_string(featureless) + " featureless)");
  }
  return out.exit_status();
}

}  // namespace

CommandRunner add_dedupe_command(CLI::App& app) {
  auto options = std::make_shared<DedupeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "dedupe", "Groups of exact and near-duplicate images, with the keeper");
  cmd->add_option("PATH", options->paths, "Images or folders (walked)")
      ->required()
      ->expected(1, -1);
  cmd->add_option("--radius", options->radius,
                  "Hamming radius (default 5 for phash, 31 for pdq)")
      ->check(CLI::Range(0, 32));
  cmd->add_option("--algo", options->algo, "phash or pdq")
      ->capture_default_str();
  cmd->add_flag("--json", options->json, "One JSON object per group line");
  add_limit_options(*cmd, options->limits);
  return [options] { return run_dedupe(*options); };
}

}  // namespace imagebank::cli
