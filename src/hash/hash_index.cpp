// HashIndex: the public API and the queries across segments (range, knn).
// The state and its locking rules are in hash_index_impl.hpp, writes in
// hash_index_write.cpp, one segment's structure and search in
// hash_index_segment.cpp and hash_index_build.cpp, the file format in
// hash_index_file.cpp.
#include "imagebank/hash/hash_index.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "hash/hash_index_file.hpp"
#include "hash/hash_index_impl.hpp"
#include "hash/hash_index_kernels.hpp"

namespace imagebank {

using hash_index::Segment;
using hash_index::Slot;

namespace {

Status radius_error(int radius, int bits, int max) {
  return invalid_argument_error(
      "radius " + std::to_string(radius) + " is outside [0, " +
      std::to_string(max) + "] for a " + std::to_string(bits) +
      "-bit HashIndex (use knn() for the nearest hashes at any distance)");
}

// Orders matches by distance, then id: a lambda, which std::sort inlines
// (a function pointer it calls; sorting hundreds of matches is a visible
// part of a clustered query).
constexpr auto by_distance_then_id = [](const HashIndex::Match& a,
                                        const HashIndex::Match& b) {
  return a.distance != b.distance ? a.distance < b.distance : a.id < b.id;
};

// Sorts range results (distances within [0, max]) by distance, then id.
// Hundreds of matches come back from a query inside a cluster, and a
// comparison sort of them mispredicts a branch on nearly every comparison of
// random ids; an LSD radix sort (the id bytes that vary, then the distance)
// costs a few linear passes instead.
void sort_matches(std::vector<HashIndex::Match>& out) {
  if (out.size() < 64) {
    std::sort(out.begin(), out.end(), by_distance_then_id);
    return;
  }
  std::uint64_t varying = 0;
  for (const auto& m : out) varying |= m.id ^ out[0].id;
  thread_local std::vector<HashIndex::Match> tmp;
  tmp.resize(out.size());
  std::size_t count[256];
  auto pass = [&](auto digit) {
    std::fill(std::begin(count), std::end(count), 0);
    for (const auto& m : out) ++count[digit(m)];
    std::size_t sum = 0;
    for (auto& c : count) sum += std::exchange(c, sum);
    for (const auto& m : out) tmp[count[digit(m)]++] = m;
    out.swap(tmp);
  };
  for (int shift = 0; shift < 64; shift += 8) {
    if (((varying >> shift) & 0xffu) == 0) continue;
    pass([shift](const HashIndex::Match& m) {
      return static_cast<std::size_t>((m.id >> shift) & 0xffu);
    });
  }
  pass([](const HashIndex::Match& m) {
    return static_cast<std::size_t>(m.distance);
  });
}

}  // namespace

void HashIndex::Impl::range_locked(const std::uint64_t* q, int radius,
                                   std::vector<Match>& out) const {
  for (const Slot& slot : slots) {
    slot.seg->range(q, radius, slot.dead_bits(), out);
  }
  scan_tail(q, radius, out);
}

void HashIndex::Impl::scan_tail(const std::uint64_t* q, int radius,
                                std::vector<Match>& out) const {
  if (tail_ids.empty()) return;
  thread_local std::vector<std::uint32_t> rows;
  rows.clear();
  hash_index::scan_within(tail_hashes.data(), words, 0, tail_ids.size(), q,
                          radius, rows);
  for (const std::uint32_t i : rows) {
    const std::uint64_t* h = tail_hashes.data() + std::size_t{i} * words;
    const int d = words == 1 ? hash_index::distance<1>(h, q)
                             : hash_index::distance<4>(h, q);
    out.push_back({tail_ids[i], d});
  }
}

void HashIndex::Impl::knn_locked(const std::uint64_t* q, std::size_t k,
                                 std::vector<Match>& out) const {
  const int bits = options.bits;
  double full = hash_index::scan_cost_ns(tail_ids.size(), bits);
  for (const Slot& slot : slots) {
    full += hash_index::scan_cost_ns(slot.seg->size(), bits);
  }
  if (k < live) {
    // Growing radius while the tables are cheaper than reading everything
    // twice (the histogram pass below); each range is exact, so the first
    // radius holding k hashes holds the k nearest.
    for (int r = 0; r <= bits; ++r) {
      double cost = hash_index::scan_cost_ns(tail_ids.size(), bits);
      for (const Slot& slot : slots) {
        cost += std::min(slot.seg->expected_cost_ns(r),
                         hash_index::scan_cost_ns(slot.seg->size(), bits));
      }
      if (2 * cost >= full) break;
      out.clear();
      range_locked(q, r, out);
      if (out.size() >= k) return;
    }
    // The distance of the k-th nearest from a histogram, then one range
    // scan at that distance.
    std::vector<std::uint64_t> hist(static_cast<std::size_t>(bits) + 1, 0);
    for (const Slot& slot : slots) {
      slot.seg->histogram(q, slot.dead_bits(), hist.data());
    }
    if (!tail_ids.empty()) {
      hash_index::distance_histogram(tail_hashes.data(), words, tail_ids.size(),
                                     q, hist.data());
    }
    int reach = 0;
    for (std::uint64_t seen = 0; reach <= bits; ++reach) {
      seen += hist[static_cast<std::size_t>(reach)];
      if (seen >= k) break;
    }
    out.clear();
    for (const Slot& slot : slots) {
      slot.seg->scan(q, reach, slot.dead_bits(), out);
    }
    scan_tail(q, reach, out);
    return;
  }
  out.clear();
  for (const Slot& slot : slots) {
    slot.seg->scan(q, bits, slot.dead_bits(), out);
  }
  scan_tail(q, bits, out);
}

// ---- HashIndex
// ---------------------------------------------------------------

HashIndex::HashIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HashIndex::HashIndex(HashIndex&&) noexcept = default;
HashIndex& HashIndex::operator=(HashIndex&&) noexcept = default;
HashIndex::~HashIndex() = default;

Result<HashIndex> HashIndex::create(const Options& options) {
  if (options.bits != 64 && options.bits != 256) {
    return invalid_argument_error("HashIndex bits must be 64 or 256, got " +
                                  std::to_string(options.bits));
  }
  if (options.substrings < 0 || options.substrings > hash_index::kMaxTables) {
    return invalid_argument_error(
        "HashIndex substrings must be 0 (automatic) to " +
        std::to_string(hash_index::kMaxTables) + ", got " +
        std::to_string(options.substrings));
  }
  const int max = options.bits == 64 ? kMaxRadius64 : kMaxRadius256;
  if (options.expected_radius < -1 || options.expected_radius > max) {
    return invalid_argument_error(
        "HashIndex expected_radius must be -1 (automatic) or within [0, " +
        std::to_string(max) + "], got " +
        std::to_string(options.expected_radius));
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  if (impl->options.expected_radius < 0) {
    impl->options.expected_radius = options.bits == 64 ? 5 : 31;
  }
  impl->words = options.bits / 64;
  impl->origin = "<memory>";
  return HashIndex(std::move(impl));
}

Result<HashIndex> HashIndex::create() { return create(Options{}); }

Result<HashIndex> HashIndex::open(const std::filesystem::path& path,
                                  bool read_only) {
  IMAGEBANK_ASSIGN_OR_RETURN(hash_index::OpenedIndex opened,
                             hash_index::open_index_file(path));
  auto impl = std::make_unique<Impl>();
  impl->options = opened.options;
  if (impl->options.expected_radius < 0) {
    impl->options.expected_radius = impl->options.bits == 64 ? 5 : 31;
  }
  impl->words = impl->options.bits / 64;
  impl->read_only = read_only;
  impl->origin = path.string();
  impl->live = opened.segment->size();
  if (opened.segment->size() > 0) {
    impl->slots.push_back(Slot{std::move(opened.segment), {}, 0});
  }
  return HashIndex(std::move(impl));
}

Status HashIndex::save(const std::filesystem::path& path) const {
  std::lock_guard w(impl_->writer);
  std::shared_ptr<const Segment> seg = impl_->merged_for_save();
  return hash_index::write_index_file(path, *seg, impl_->options);
}

Status HashIndex::add(std::uint64_t id, const Hash256& hash) {
  IMAGEBANK_RETURN_IF_ERROR(impl_->check_writable("add"));
  IMAGEBANK_RETURN_IF_ERROR(impl_->check_hash(hash));
  return impl_->add_one(id, hash.data());
}

Status HashIndex::add(std::uint64_t id, std::uint64_t hash) {
  if (impl_->words != 1) {
    return invalid_argument_error(
        "a 256-bit HashIndex takes Hash256 hashes, not a 64-bit one");
  }
  return add(id, Hash256{hash, 0, 0, 0});
}

Status HashIndex::add_many(std::span<const std::uint64_t> ids,
                           std::span<const std::uint64_t> words) {
  IMAGEBANK_RETURN_IF_ERROR(impl_->check_writable("add_many"));
  const std::size_t per = static_cast<std::size_t>(impl_->words);
  if (words.size() != ids.size() * per) {
    return invalid_argument_error(
        "add_many: " + std::to_string(ids.size()) + " ids need " +
        std::to_string(ids.size() * per) + " hash words for a " +
        std::to_string(impl_->options.bits) + "-bit HashIndex, got " +
        std::to_string(words.size()));
  }
  if (ids.size() >= 0xffffffffu) {
    return invalid_argument_error("add_many: at most 2^32 - 2 hashes at once");
  }
  if (ids.empty()) return ok_status();
  return impl_->add_batch(ids, words);
}

Status HashIndex::remove(std::uint64_t id) {
  IMAGEBANK_RETURN_IF_ERROR(impl_->check_writable("remove"));
  return impl_->remove(id);
}

std::size_t HashIndex::size() const {
  std::shared_lock r(impl_->lock);
  return impl_->live;
}

int HashIndex::bits() const noexcept { return impl_->options.bits; }
bool HashIndex::read_only() const noexcept { return impl_->read_only; }

HashIndex::Stats HashIndex::stats() const {
  std::shared_lock r(impl_->lock);
  Stats st;
  st.size = impl_->live;
  st.segments = impl_->slots.size();
  st.tail = impl_->tail_ids.size();
  st.read_only = impl_->read_only;
  std::size_t largest = 0;
  for (const Slot& slot : impl_->slots) {
    st.dead += slot.dead_count;
    st.memory_bytes += slot.seg->memory_bytes() + slot.dead.capacity() * 8;
    if (slot.seg->size() >= largest) {
      largest = slot.seg->size();
      st.substrings = slot.seg->plan().tables;
      st.substring_bits = slot.seg->plan().table_bits;
      st.mapped = slot.seg->mapped();
    }
  }
  // Tail arrays plus about four words per hash-map entry.
  st.memory_bytes +=
      impl_->tail_ids.capacity() * 8 + impl_->tail_hashes.capacity() * 8 +
      impl_->tail_pos.size() * 32 + impl_->tail_pos.bucket_count() * 8;
  return st;
}

Status HashIndex::query(const Hash256& hash, int radius,
                        std::vector<Match>& out) const {
  out.clear();
  if (radius < 0 || radius > impl_->max_radius()) {
    return radius_error(radius, impl_->options.bits, impl_->max_radius());
  }
  IMAGEBANK_RETURN_IF_ERROR(impl_->check_hash(hash));
  {
    std::shared_lock r(impl_->lock);
    impl_->range_locked(hash.data(), radius, out);
  }
  sort_matches(out);
  return ok_status();
}

Result<std::vector<HashIndex::Match>> HashIndex::query(const Hash256& hash,
                                                       int radius) const {
  std::vector<Match> out;
  IMAGEBANK_RETURN_IF_ERROR(query(hash, radius, out));
  return out;
}

Result<std::vector<HashIndex::Match>> HashIndex::query(std::uint64_t hash,
                                                       int radius) const {
  if (impl_->words != 1) {
    return invalid_argument_error(
        "a 256-bit HashIndex takes Hash256 hashes, not a 64-bit one");
  }
  return query(Hash256{hash, 0, 0, 0}, radius);
}

Result<std::vector<HashIndex::Match>> HashIndex::knn(const Hash256& hash,
                                                     std::size_t k) const {
  IMAGEBANK_RETURN_IF_ERROR(impl_->check_hash(hash));
  std::vector<Match> out;
  if (k == 0) return out;
  {
    std::shared_lock r(impl_->lock);
    impl_->knn_locked(hash.data(), k, out);
  }
  if (out.size() > k) {
    std::partial_sort(out.begin(), out.begin() + static_cast<long>(k),
                      out.end(), by_distance_then_id);
    out.resize(k);
  } else {
    std::sort(out.begin(), out.end(), by_distance_then_id);
  }
  return out;
}

Result<std::vector<HashIndex::Match>> HashIndex::knn(std::uint64_t hash,
                                                     std::size_t k) const {
  if (impl_->words != 1) {
    return invalid_argument_error(
        "a 256-bit HashIndex takes Hash256 hashes, not a 64-bit one");
  }
  return knn(Hash256{hash, 0, 0, 0}, k);
}

}  // namespace imagebank
