// Internal to HashIndex: the state behind the public class (segments, the
// tail, the locks) shared by hash_index.cpp (queries, the public API) and
// hash_index_write.cpp (adds, removals, merges, save).
//
// State: a list of immutable segments (each with a removal bitmap) and a
// small tail of recent adds that queries scan. Adds go to the tail; a full
// tail becomes a segment; a segment at least a quarter the size of the one
// before it is merged into it, so segment sizes fall geometrically and a
// query visits O(log n) of them, and each hash is rebuilt O(log n) times
// over its life. Merges drop removed rows; a segment more than half dead is
// rebuilt alone.
//
// Concurrency: a reader-writer lock (writer-preferring, so a stream of
// queries cannot starve a write) guards the state; a second mutex serializes
// writers. A writer reads the state without the reader lock (only writers
// change it, and it holds the writer mutex), builds new segments while
// readers go on, and takes the lock exclusively only to publish: swap
// pointers, set bits, append to the tail. An RCU scheme (readers on an
// atomically swapped immutable snapshot) would spare readers even that
// wait, but each single add or remove would then copy the tail or the
// removal bitmaps (1.25 MB at 10M hashes). The shared lock costs a query two
// atomic operations (BM_HashIndexQueryOverhead: 29 ns for a whole empty
// query); BM_HashIndexConcurrent measures readers beside a writer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "hash_index_segment.hpp"
#include "imagebank/hash/hash_index.hpp"

#if defined(__GLIBC__)
#include <pthread.h>
#endif

namespace imagebank {
namespace hash_index {

constexpr std::size_t kTailCapacity = 4096;
constexpr std::size_t kMergeRatio = 4;

#if defined(__GLIBC__)
// glibc's default rwlock (and so std::shared_mutex) prefers readers: with
// overlapping queries on every core a writer can wait indefinitely.
class RwLock {
 public:
  RwLock() {
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr,
                                  PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&rw_, &attr);
    pthread_rwlockattr_destroy(&attr);
  }
  ~RwLock() { pthread_rwlock_destroy(&rw_); }
  RwLock(const RwLock&) = delete;
  RwLock& operator=(const RwLock&) = delete;
  void lock() { pthread_rwlock_wrlock(&rw_); }
  void unlock() { pthread_rwlock_unlock(&rw_); }
  void lock_shared() { pthread_rwlock_rdlock(&rw_); }
  void unlock_shared() { pthread_rwlock_unlock(&rw_); }

 private:
  pthread_rwlock_t rw_;
};
#else
using RwLock = std::shared_mutex;
#endif

struct Slot {
  std::shared_ptr<const Segment> seg;
  std::vector<std::uint64_t> dead;  // one bit per row; empty until needed
  std::size_t dead_count = 0;
  std::size_t live() const { return seg->size() - dead_count; }
  const std::uint64_t* dead_bits() const {
    return dead_count == 0 ? nullptr : dead.data();
  }
};

struct Location {
  enum Kind { kAbsent, kSlot, kTail } kind = kAbsent;
  std::size_t slot = 0;
  std::size_t row = 0;  // segment row or tail index
};

// A sorted run of rows to merge: a segment (skipping dead rows) or the
// sorted tail.
struct Run {
  const std::uint64_t* ids;
  const std::uint64_t* hashes;
  const std::uint32_t* by_id;  // null: rows are in id order
  const std::uint64_t* dead;
  std::size_t n;
  std::size_t at = 0;  // rank
  std::size_t row() const { return by_id != nullptr ? by_id[at] : at; }
  void skip_dead() {
    while (at < n && hash_index::is_dead(dead, row())) ++at;
  }
};

struct Batch {
  std::vector<std::uint64_t> ids;     // ascending, unique
  std::vector<std::uint64_t> hashes;  // words per id
};

// Merges sorted runs into one batch in id order, skipping dead rows.
Batch merge_runs(std::vector<Run> runs, int words, std::size_t expected);

}  // namespace hash_index

struct HashIndex::Impl {
  using Segment = hash_index::Segment;
  using Slot = hash_index::Slot;
  using Location = hash_index::Location;
  using Run = hash_index::Run;
  using Batch = hash_index::Batch;

  Options options;
  int words = 1;
  bool read_only = false;
  std::string origin;  // the file an opened index came from

  mutable hash_index::RwLock lock;
  mutable std::mutex writer;
  // Guarded by `lock`; changed only by a thread that also holds `writer`.
  std::vector<Slot> slots;
  std::vector<std::uint64_t> tail_ids, tail_hashes;
  std::unordered_map<std::uint64_t, std::size_t> tail_pos;
  std::size_t live = 0;

  int max_radius() const {
    return options.bits == 64 ? kMaxRadius64 : kMaxRadius256;
  }

  Status check_writable(const char* what) const {
    if (!read_only) return ok_status();
    return conflict_error(origin + ": HashIndex opened read-only; " + what +
                          "() needs HashIndex::open(path, read_only=false)");
  }

  Status check_hash(const Hash256& h) const {
    if (words == 1 && (h[1] | h[2] | h[3]) != 0) {
      return invalid_argument_error(
          "a 64-bit HashIndex takes 64-bit hashes; this one has bits set "
          "above bit 63 (a PDQ hash needs HashIndex bits=256)");
    }
    return ok_status();
  }

  std::shared_ptr<const Segment> build(Batch batch) const {
    return Segment::build(std::move(batch.ids), std::move(batch.hashes),
                          options.bits, options.expected_radius,
                          options.substrings);
  }

  // ---- writer side (callers hold `writer`; hash_index_write.cpp) ----
  Location locate(std::uint64_t id) const;
  // Gives every slot in `which` a removal bitmap; allocation happens
  // outside the exclusive section, the swap inside.
  void ensure_bitmaps(const std::vector<std::size_t>& which);
  // Callers hold `lock` exclusively.
  void kill_row(std::size_t s, std::size_t row);
  void erase_tail(std::size_t i);
  void append_tail(std::uint64_t id, const std::uint64_t* h);
  Batch sorted_tail() const;
  Run slot_run(const Slot& slot) const;
  void flush_tail();
  // Restores the shape invariants after a write: no empty segments, none
  // more than half dead, each at most a quarter the size of the previous.
  void compact();
  Status add_one(std::uint64_t id, const std::uint64_t* h);
  Status add_batch(std::span<const std::uint64_t> ids,
                   std::span<const std::uint64_t> hashes);
  Status remove(std::uint64_t id);
  // One segment holding every live hash, for save(): the index's only
  // segment when it is already clean, else a merge of all of them.
  std::shared_ptr<const Segment> merged_for_save() const;

  // ---- reader side (callers hold `lock` shared; hash_index.cpp) ----
  void range_locked(const std::uint64_t* q, int radius,
                    std::vector<Match>& out) const;
  void scan_tail(const std::uint64_t* q, int radius,
                 std::vector<Match>& out) const;
  void knn_locked(const std::uint64_t* q, std::size_t k,
                  std::vector<Match>& out) const;
};

}  // namespace imagebank
