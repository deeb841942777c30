// HashIndex writes: adds, batches, removals, tail flushes, segment merges
// and the merged segment save() writes. See hash_index_impl.hpp for the
// state and the locking rules.
#include <algorithm>
#include <queue>
#include <string>
#include <utility>

#include "hash/hash_index_impl.hpp"
#include "hash/hash_index_kernels.hpp"

namespace imagebank {
namespace hash_index {

Batch merge_runs(std::vector<Run> runs, int words, std::size_t expected) {
  Batch out;
  out.ids.reserve(expected);
  out.hashes.reserve(expected * words);
  using Head = std::pair<std::uint64_t, std::size_t>;
  std::priority_queue<Head, std::vector<Head>, std::greater<Head>> heads;
  for (std::size_t r = 0; r < runs.size(); ++r) {
    runs[r].skip_dead();
    if (runs[r].at < runs[r].n) heads.emplace(runs[r].ids[runs[r].row()], r);
  }
  while (!heads.empty()) {
    Run& run = runs[heads.top().second];
    heads.pop();
    const std::size_t row = run.row();
    out.ids.push_back(run.ids[row]);
    const std::uint64_t* h = run.hashes + row * words;
    out.hashes.insert(out.hashes.end(), h, h + words);
    ++run.at;
    run.skip_dead();
    if (run.at < run.n) {
      heads.emplace(run.ids[run.row()],
                    static_cast<std::size_t>(&run - runs.data()));
    }
  }
  return out;
}

}  // namespace hash_index

using hash_index::Batch;
using hash_index::kMergeRatio;
using hash_index::kTailCapacity;
using hash_index::Location;
using hash_index::Run;
using hash_index::Segment;
using hash_index::Slot;

Location HashIndex::Impl::locate(std::uint64_t id) const {
  if (const auto it = tail_pos.find(id); it != tail_pos.end()) {
    return {Location::kTail, 0, it->second};
  }
  for (std::size_t s = slots.size(); s-- > 0;) {
    const std::size_t row = slots[s].seg->find(id);
    if (row != Segment::kNotFound &&
        !hash_index::is_dead(slots[s].dead_bits(), row)) {
      return {Location::kSlot, s, row};
    }
  }
  return {};
}

// Gives every slot in `which` a removal bitmap; allocation happens
// outside the exclusive section, the swap inside.
void HashIndex::Impl::ensure_bitmaps(const std::vector<std::size_t>& which) {
  std::vector<std::pair<std::size_t, std::vector<std::uint64_t>>> fresh;
  for (const std::size_t s : which) {
    if (slots[s].dead.empty()) {
      fresh.emplace_back(
          s, std::vector<std::uint64_t>((slots[s].seg->size() + 63) / 64, 0));
    }
  }
  if (fresh.empty()) return;
  std::unique_lock ex(lock);
  for (auto& [s, bits] : fresh) {
    if (slots[s].dead.empty()) slots[s].dead.swap(bits);
  }
}

// Callers hold `lock` exclusively.
void HashIndex::Impl::kill_row(std::size_t s, std::size_t row) {
  Slot& slot = slots[s];
  slot.dead[row / 64] |= std::uint64_t{1} << (row % 64);
  ++slot.dead_count;
  --live;
}

void HashIndex::Impl::erase_tail(std::size_t i) {
  const std::size_t last = tail_ids.size() - 1;
  tail_pos.erase(tail_ids[i]);
  if (i != last) {
    tail_ids[i] = tail_ids[last];
    std::copy_n(tail_hashes.begin() + last * words, words,
                tail_hashes.begin() + i * words);
    tail_pos[tail_ids[i]] = i;
  }
  tail_ids.pop_back();
  tail_hashes.resize(last * words);
  --live;
}

void HashIndex::Impl::append_tail(std::uint64_t id, const std::uint64_t* h) {
  tail_pos[id] = tail_ids.size();
  tail_ids.push_back(id);
  tail_hashes.insert(tail_hashes.end(), h, h + words);
  ++live;
}

Batch HashIndex::Impl::sorted_tail() const {
  std::vector<std::size_t> order(tail_ids.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return tail_ids[a] < tail_ids[b];
  });
  Batch sorted;
  for (const std::size_t i : order) {
    sorted.ids.push_back(tail_ids[i]);
    sorted.hashes.insert(
        sorted.hashes.end(), tail_hashes.begin() + static_cast<long>(i) * words,
        tail_hashes.begin() + static_cast<long>(i + 1) * words);
  }
  return sorted;
}

Run HashIndex::Impl::slot_run(const Slot& slot) const {
  const Segment::View& v = slot.seg->view();
  return {v.ids, v.hashes, v.by_id, slot.dead_bits(), v.size};
}

void HashIndex::Impl::flush_tail() {
  auto seg = build(sorted_tail());
  {
    std::unique_lock ex(lock);
    slots.push_back(Slot{std::move(seg), {}, 0});
    tail_ids.clear();
    tail_hashes.clear();
    tail_pos.clear();
  }
  compact();
}

// Restores the shape invariants after a write: no empty segments, none
// more than half dead, each at most a quarter the size of the previous.
void HashIndex::Impl::compact() {
  for (;;) {
    std::size_t target = slots.size();
    bool pair = false;
    for (std::size_t s = 0; s < slots.size() && target == slots.size(); ++s) {
      if (slots[s].live() == 0 ||
          2 * slots[s].dead_count > slots[s].seg->size()) {
        target = s;
      }
    }
    for (std::size_t s = 1; s < slots.size() && target == slots.size(); ++s) {
      if (slots[s].live() * kMergeRatio >= slots[s - 1].live()) {
        target = s - 1;
        pair = true;
      }
    }
    if (target == slots.size()) return;
    std::vector<Run> runs{slot_run(slots[target])};
    std::size_t expected = slots[target].live();
    if (pair) {
      runs.push_back(slot_run(slots[target + 1]));
      expected += slots[target + 1].live();
    }
    std::shared_ptr<const Segment> merged;
    if (expected > 0) merged = build(merge_runs(runs, words, expected));
    // Replaced segments are freed after the exclusive section: unmapping
    // hundreds of megabytes takes milliseconds readers should not wait.
    std::vector<Slot> garbage;
    std::unique_lock ex(lock);
    const auto first = slots.begin() + static_cast<long>(target);
    garbage.push_back(std::move(*first));
    if (pair) {
      garbage.push_back(std::move(*(first + 1)));
      slots.erase(first + 1);
    }
    if (merged) {
      slots[target] = Slot{std::move(merged), {}, 0};
    } else {
      slots.erase(slots.begin() + static_cast<long>(target));
    }
    ex.unlock();
  }
}

Status HashIndex::Impl::add_one(std::uint64_t id, const std::uint64_t* h) {
  std::lock_guard w(writer);
  const Location at = locate(id);
  if (at.kind == Location::kSlot) ensure_bitmaps({at.slot});
  {
    std::unique_lock ex(lock);
    if (at.kind == Location::kTail) {
      std::copy_n(h, words, tail_hashes.begin() + at.row * words);
      return ok_status();
    }
    if (at.kind == Location::kSlot) kill_row(at.slot, at.row);
    append_tail(id, h);
  }
  if (tail_ids.size() >= kTailCapacity) flush_tail();
  if (at.kind == Location::kSlot) compact();
  return ok_status();
}

Status HashIndex::Impl::add_batch(std::span<const std::uint64_t> ids,
                                  std::span<const std::uint64_t> hashes) {
  const std::vector<std::uint32_t> order =
      hash_index::sort_unique_by_id(ids.data(), ids.size());
  Batch batch;
  batch.ids.resize(order.size());
  batch.hashes.resize(order.size() * words);
  for (std::size_t i = 0; i < order.size(); ++i) {
    batch.ids[i] = ids[order[i]];
    std::copy_n(hashes.begin() + static_cast<long>(order[i]) * words, words,
                batch.hashes.begin() + static_cast<long>(i) * words);
  }

  std::lock_guard w(writer);
  // Rows the batch replaces: a sorted join per segment, by binary search
  // when the batch is small next to the segment.
  std::vector<std::pair<std::size_t, std::size_t>> replaced;
  std::vector<std::size_t> touched;
  for (std::size_t s = 0; s < slots.size(); ++s) {
    const Segment& seg = *slots[s].seg;
    const std::size_t before = replaced.size();
    if (batch.ids.size() * 24 < seg.size()) {
      for (const std::uint64_t id : batch.ids) {
        const std::size_t row = seg.find(id);
        if (row != Segment::kNotFound) replaced.emplace_back(s, row);
      }
    } else {
      std::size_t rank = 0;
      for (const std::uint64_t id : batch.ids) {
        while (rank < seg.size() && seg.id(seg.row_by_rank(rank)) < id) ++rank;
        if (rank < seg.size() && seg.id(seg.row_by_rank(rank)) == id) {
          replaced.emplace_back(s, seg.row_by_rank(rank));
        }
      }
    }
    // Already-dead rows are not live copies of the id.
    replaced.erase(std::remove_if(replaced.begin() + static_cast<long>(before),
                                  replaced.end(),
                                  [&](const auto& sr) {
                                    return hash_index::is_dead(
                                        slots[s].dead_bits(), sr.second);
                                  }),
                   replaced.end());
    if (replaced.size() > before) touched.push_back(s);
  }
  std::vector<std::size_t> in_tail;  // tail indices the batch replaces
  for (std::size_t i = 0; i < batch.ids.size(); ++i) {
    if (const auto it = tail_pos.find(batch.ids[i]); it != tail_pos.end()) {
      in_tail.push_back(it->second);
    }
  }
  ensure_bitmaps(touched);

  const bool fits_tail =
      tail_ids.size() - in_tail.size() + batch.ids.size() <= kTailCapacity;
  std::shared_ptr<const Segment> seg;
  if (!fits_tail) seg = build(std::move(batch));
  {
    std::unique_lock ex(lock);
    for (const auto& [s, row] : replaced) kill_row(s, row);
    std::sort(in_tail.rbegin(), in_tail.rend());
    for (const std::size_t i : in_tail) erase_tail(i);
    if (fits_tail) {
      for (std::size_t i = 0; i < batch.ids.size(); ++i) {
        append_tail(batch.ids[i], batch.hashes.data() + i * words);
      }
    } else {
      live += seg->size();
      slots.push_back(Slot{std::move(seg), {}, 0});
    }
  }
  if (tail_ids.size() >= kTailCapacity) flush_tail();
  compact();
  return ok_status();
}

Status HashIndex::Impl::remove(std::uint64_t id) {
  std::lock_guard w(writer);
  const Location at = locate(id);
  if (at.kind == Location::kAbsent) {
    return not_found_error("id " + std::to_string(id) +
                           " is not in the HashIndex");
  }
  if (at.kind == Location::kSlot) ensure_bitmaps({at.slot});
  {
    std::unique_lock ex(lock);
    if (at.kind == Location::kTail) {
      erase_tail(at.row);
    } else {
      kill_row(at.slot, at.row);
    }
  }
  if (at.kind == Location::kSlot) compact();
  return ok_status();
}

// One segment holding every live hash (for save()); null if the index is
// already a single clean segment, which is then written as it is.
std::shared_ptr<const Segment> HashIndex::Impl::merged_for_save() const {
  if (slots.size() == 1 && slots[0].dead_count == 0 && tail_ids.empty()) {
    return slots[0].seg;
  }
  std::vector<Run> runs;
  for (const Slot& slot : slots) runs.push_back(slot_run(slot));
  const Batch tail = sorted_tail();
  if (!tail.ids.empty()) {
    runs.push_back({tail.ids.data(), tail.hashes.data(), nullptr, nullptr,
                    tail.ids.size()});
  }
  return build(merge_runs(std::move(runs), words, live));
}

}  // namespace imagebank
