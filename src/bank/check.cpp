// check_bank: the catalog's image rows merged with the store's listings in
// SHA-256 order (include/imagebank/bank/check.hpp).
#include "imagebank/bank/check.hpp"

#include <algorithm>
#include <set>
#include <span>
#include <string_view>
#include <utility>

#include "imagebank/bank/bank.hpp"
#include "imagebank/hash/sha256.hpp"
#include "imagebank/image/probe.hpp"

namespace imagebank {
namespace {

constexpr std::size_t kImagePage = 1000;
constexpr std::size_t kListPage = 1000;
constexpr std::size_t kJobLookup = 1000;
constexpr std::string_view kOriginals = "originals/";
constexpr std::string_view kVariants = "variants/";

bool is_hex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// The SHA-256 an object's key is made from, or "" for a key of another
// shape: "originals/ab/cd/<sha256>.<ext>" (ab, cd: its first four digits),
// "variants/<sha256>/<name>".
std::string key_sha256(std::string_view key) {
  if (key.starts_with(kOriginals)) {
    const std::string_view rest = key.substr(kOriginals.size());
    // "ab/cd/" + 64 digits + "." + at least one character, no more '/'.
    if (rest.size() < 6 + 64 + 2 || rest[2] != '/' || rest[5] != '/') return {};
    const std::string_view sha = rest.substr(6, 64);
    const std::string_view ext = rest.substr(6 + 64);
    if (!is_hex64(sha) || ext.front() != '.' ||
        ext.find('/') != std::string_view::npos ||
        rest.substr(0, 2) != sha.substr(0, 2) ||
        rest.substr(3, 2) != sha.substr(2, 2)) {
      return {};
    }
    return std::string(sha);
  }
  if (key.starts_with(kVariants)) {
    const std::string_view rest = key.substr(kVariants.size());
    if (rest.size() < 64 + 2 || rest[64] != '/') return {};
    const std::string_view sha = rest.substr(0, 64);
    return is_hex64(sha) ? std::string(sha) : std::string();
  }
  return {};
}

// One prefix of the store, an object at a time, a page behind.
class Listing {
 public:
  Listing(BlobStore& blobs, std::string_view prefix)
      : blobs_(blobs), prefix_(prefix) {}

  // The next object, or nullptr at the end.
  Result<const BlobInfo*> peek() {
    while (at_ == page_.blobs.size()) {
      if (done_) return static_cast<const BlobInfo*>(nullptr);
      Result<BlobListPage> next = blobs_.list(prefix_, after_, kListPage);
      if (!next.ok()) return next.status();
      page_ = std::move(next).value();
      at_ = 0;
      done_ = page_.next_start_after.empty();
      after_ = page_.next_start_after;
    }
    return &page_.blobs[at_];
  }
  void pop() { ++at_; }

 private:
  BlobStore& blobs_;
  std::string prefix_;
  std::string after_;
  BlobListPage page_;
  std::size_t at_ = 0;
  bool done_ = false;
};

class Checker {
 public:
  Checker(CatalogStore& catalog, BlobStore& blobs, const CheckOptions& options)
      : catalog_(catalog),
        blobs_(blobs),
        options_(options),
        now_ms_(std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count()) {}

  Result<CheckReport> run() {
    if (options_.database) {
      Result<std::optional<std::vector<std::string>>> db =
          catalog_.check_database(options_.thorough_database);
      if (!db.ok()) return db.status();
      report_.database = std::move(db).value();
    }
    Listing originals(blobs_, kOriginals);
    Listing variants(blobs_, kVariants);
    std::string after;
    for (;;) {
      Result<std::vector<ImageBlobs>> page =
          catalog_.image_blobs(after, kImagePage);
      if (!page.ok()) return page.status();
      for (const ImageBlobs& image : page.value()) {
        if (!(after < image.sha256)) {
          return internal_error(
              "check: the catalog lists images out of byte order (" + after +
              " before " + image.sha256 +
              "); its sha256 column needs a bytewise collation");
        }
        after = image.sha256;
        IMAGEBANK_RETURN_IF_ERROR(check_original(originals, image));
        IMAGEBANK_RETURN_IF_ERROR(check_variants(variants, image));
        ++report_.images;
      }
      if (options_.progress) options_.progress(report_);
      if (options_.stop != nullptr && options_.stop->load()) {
        return unavailable_error("check stopped after " +
                                 std::to_string(report_.images) + " images");
      }
      if (page.value().size() < kImagePage) break;
    }
    IMAGEBANK_RETURN_IF_ERROR(drain(originals, true));
    IMAGEBANK_RETURN_IF_ERROR(drain(variants, false));
    for (const BlobInfo& blob : foreign_) {
      if (!named_outside_.contains(blob.key)) {
        IMAGEBANK_RETURN_IF_ERROR(unreferenced(blob, ""));
      }
    }
    IMAGEBANK_RETURN_IF_ERROR(flush_job_lookups());
    std::sort(report_.problems.begin(), report_.problems.end(),
              [](const CheckProblem& a, const CheckProblem& b) {
                return a.key < b.key;
              });
    return std::move(report_);
  }

 private:
  void name(std::string kind, std::string key, std::string detail) {
    if (report_.problems.size() < options_.max_named) {
      report_.problems.push_back(
          CheckProblem{std::move(kind), std::move(key), std::move(detail)});
    }
  }

  // Objects before `sha` in the listing (or of another shape) are named by
  // no row: unreferenced. Leaves the listing at the first object of `sha`.
  Status skip_before(Listing& listing, const std::string& sha, bool original) {
    for (;;) {
      Result<const BlobInfo*> next = listing.peek();
      if (!next.ok()) return next.status();
      const BlobInfo* blob = next.value();
      if (blob == nullptr) return Status();
      const std::string key_sha = key_sha256(blob->key);
      if (!key_sha.empty() && key_sha >= sha) return Status();
      ++report_.objects;
      if (key_sha.empty()) {
        // Not of the usual shape: a row may still name it (an older key
        // layout), and that row may come later in SHA-256 order.
        foreign_.push_back(*blob);
      } else {
        IMAGEBANK_RETURN_IF_ERROR(unreferenced(*blob, original ? key_sha : ""));
      }
      listing.pop();
    }
  }

  Status check_original(Listing& originals, const ImageBlobs& image) {
    IMAGEBANK_RETURN_IF_ERROR(skip_before(originals, image.sha256, true));
    bool found = false;
    for (;;) {
      Result<const BlobInfo*> next = originals.peek();
      if (!next.ok()) return next.status();
      const BlobInfo* blob = next.value();
      if (blob == nullptr || key_sha256(blob->key) != image.sha256) break;
      ++report_.objects;
      if (blob->key == image.original.key) {
        found = true;
        compare(*blob, image.original, true, image.sha256);
      } else {
        // The same content under another name than the row's: no job
        // needs it either, the image is stored.
        IMAGEBANK_RETURN_IF_ERROR(unreferenced(*blob, ""));
      }
      originals.pop();
    }
    if (!found) outside_layout(image.original, true, image.sha256);
    return Status();
  }

  Status check_variants(Listing& variants, const ImageBlobs& image) {
    report_.variants += image.variants.size();
    IMAGEBANK_RETURN_IF_ERROR(skip_before(variants, image.sha256, false));
    // Rows come in key order, the listing too: merge them.
    std::vector<const BlobRef*> rows;
    for (const BlobRef& v : image.variants) rows.push_back(&v);
    std::sort(rows.begin(), rows.end(), [](const BlobRef* a, const BlobRef* b) {
      return a->key < b->key;
    });
    std::size_t row = 0;
    for (;;) {
      Result<const BlobInfo*> next = variants.peek();
      if (!next.ok()) return next.status();
      const BlobInfo* blob = next.value();
      if (blob == nullptr || key_sha256(blob->key) != image.sha256) break;
      ++report_.objects;
      while (row < rows.size() && rows[row]->key < blob->key) {
        outside_layout(*rows[row++], false, image.sha256);
      }
      if (row < rows.size() && rows[row]->key == blob->key) {
        compare(*blob, *rows[row++], false, image.sha256);
      } else {
        // A variant of the image no row names (an encoder setting since
        // changed, a write whose row never came): garbage.
        IMAGEBANK_RETURN_IF_ERROR(unreferenced(*blob, ""));
      }
      variants.pop();
    }
    while (row < rows.size()) outside_layout(*rows[row++], false, image.sha256);
    return Status();
  }

  // A row's object the merged listing did not show: missing, unless the
  // key is outside the usual layout (then asked for directly).
  void outside_layout(const BlobRef& ref, bool original,
                      const std::string& sha) {
    // Keys are made from their own image's SHA-256 (original_blob_key,
    // variant_key), so a row can name an object of another shape only.
    if (key_sha256(ref.key) != sha) named_outside_.insert(ref.key);
    if (key_sha256(ref.key) == sha) {
      ++report_.missing;
      name("missing", ref.key, "named by the catalog, not in the store");
      return;
    }
    Result<BlobInfo> head = blobs_.head(ref.key);
    if (head.ok()) {
      compare(head.value(), ref, original, sha);
    } else if (head.status().code() == ErrorCode::kNotFound) {
      ++report_.missing;
      name("missing", ref.key, "named by the catalog, not in the store");
    } else {
      ++report_.unreadable;
      name("unreadable", ref.key, head.status().message());
    }
  }

  void compare(const BlobInfo& blob, const BlobRef& ref, bool original,
               const std::string& sha) {
    if (blob.size != ref.bytes) {
      ++report_.size_mismatches;
      name("size_mismatch", ref.key,
           std::to_string(blob.size) + " bytes in the store, " +
               std::to_string(ref.bytes) + " in the catalog");
      return;
    }
    if (options_.verify_content) verify(ref, original, sha);
  }

  void verify(const BlobRef& ref, bool original, const std::string& sha) {
    if (original) {
      Sha256Hasher hasher;
      const Status read =
          blobs_.get(ref.key, [&](std::span<const std::byte> b) {
            hasher.update(b);
            return Status();
          });
      if (!read.ok()) {
        ++report_.unreadable;
        name("unreadable", ref.key, read.message());
        return;
      }
      const std::string got = to_hex(hasher.finish());
      if (got != sha) {
        ++report_.content_mismatches;
        name("content_mismatch", ref.key, "hashes to " + got);
      }
      return;
    }
    Result<std::vector<std::byte>> bytes = blobs_.get_bytes(ref.key);
    if (!bytes.ok()) {
      ++report_.unreadable;
      name("unreadable", ref.key, bytes.status().message());
      return;
    }
    Result<ImageInfo> info = probe(std::span<const std::byte>(bytes.value()));
    if (!info.ok()) {
      ++report_.content_mismatches;
      name("content_mismatch", ref.key, info.status().message());
    } else if (static_cast<int>(info.value().width) != ref.width ||
               static_cast<int>(info.value().height) != ref.height) {
      ++report_.content_mismatches;
      name("content_mismatch", ref.key,
           std::to_string(info.value().width) + "x" +
               std::to_string(info.value().height) + " in the store, " +
               std::to_string(ref.width) + "x" + std::to_string(ref.height) +
               " in the catalog");
    }
  }

  // An object no image row names. `job_sha` (an original's) is asked of
  // the jobs before it is called an orphan.
  Status unreferenced(const BlobInfo& blob, const std::string& job_sha) {
    const bool known_age = blob.modified_ms > 0;
    const std::int64_t grace_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(options_.grace)
            .count();
    if (grace_ms > 0 && (!known_age || now_ms_ - blob.modified_ms < grace_ms)) {
      ++report_.recent_unreferenced;
      return Status();
    }
    if (!job_sha.empty()) {
      pending_.push_back(blob);
      if (pending_.size() >= kJobLookup) return flush_job_lookups();
      return Status();
    }
    orphan(blob);
    return Status();
  }

  Status flush_job_lookups() {
    if (pending_.empty()) return Status();
    std::vector<std::string> shas;
    for (const BlobInfo& blob : pending_) shas.push_back(key_sha256(blob.key));
    std::sort(shas.begin(), shas.end());
    shas.erase(std::unique(shas.begin(), shas.end()), shas.end());
    Result<std::vector<std::string>> held = catalog_.job_sha256s(shas);
    if (!held.ok()) return held.status();
    for (const BlobInfo& blob : pending_) {
      if (std::binary_search(held.value().begin(), held.value().end(),
                             key_sha256(blob.key))) {
        ++report_.held_by_jobs;
      } else {
        orphan(blob);
      }
    }
    pending_.clear();
    return Status();
  }

  void orphan(const BlobInfo& blob) {
    ++report_.orphans;
    report_.orphan_bytes += blob.size;
    if (!options_.delete_orphans) {
      name("orphan", blob.key,
           std::to_string(blob.size) + " bytes no catalog row or job names");
      return;
    }
    const Status removed = blobs_.remove(blob.key);
    if (removed.ok() || removed.code() == ErrorCode::kNotFound) {
      ++report_.orphans_deleted;
      name("orphan", blob.key,
           std::to_string(blob.size) +
               " bytes no catalog row or job names; "
               "deleted");
    } else {
      ++report_.unreadable;
      name("unreadable", blob.key,
           "an orphan not deleted: " + removed.message());
    }
  }

  Status drain(Listing& listing, bool original) {
    // Past the last image's SHA-256: every key sorts before this one.
    return skip_before(listing, std::string(64, 'g'), original);
  }

  CatalogStore& catalog_;
  BlobStore& blobs_;
  const CheckOptions& options_;
  const std::int64_t now_ms_;
  CheckReport report_;
  std::vector<BlobInfo> pending_;
  // Listed objects of no known shape, and the row keys outside the layout:
  // matched at the end (both are normally empty).
  std::vector<BlobInfo> foreign_;
  std::set<std::string> named_outside_;
};

}  // namespace

bool CheckReport::clean() const {
  return missing == 0 && size_mismatches == 0 && content_mismatches == 0 &&
         unreadable == 0 && orphans == orphans_deleted &&
         (!database || database->empty());
}

Result<CheckReport> check_bank(CatalogStore& catalog, BlobStore& blobs,
                               const CheckOptions& options) {
  if (options.grace.count() < 0) {
    return invalid_argument_error("check: grace must not be negative, not " +
                                  std::to_string(options.grace.count()) + " s");
  }
  return Checker(catalog, blobs, options).run();
}

Result<CheckReport> Bank::check(const CheckOptions& options) {
  return check_bank(catalog(), blobs(), options);
}

}  // namespace imagebank
