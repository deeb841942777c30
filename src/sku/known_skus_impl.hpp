// The tables behind KnownSkus, shared with the parser. Each SKU is keyed by
// its normalised spelling with separators removed ("AB77"), and remembers
// where its separators were as a bit mask of the characters they precede
// (bit 2 for "AB-77"). The parser prefers a name whose tokens spell a SKU as
// it is listed over one that matches only with separators removed.
// Further spellings merged into a SKU ("ab77" after "AB-77") are kept as
// spelled keys, each run of separators one kSpellingBreak ("AB|77").
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/sku/known_skus.hpp"
#include "sku/normalize.hpp"

namespace imagebank {

// Stands for a run of separators in spelled keys: a control character, which
// names and SKUs do not hold.
inline constexpr char kSpellingBreak = '\x1F';
// Break masks cover the first 64 characters; longer keys use spelled keys.
inline constexpr std::size_t kMaskedLength = 64;

// Exact-match hash table of string keys, each naming a SKU index.
class SkuKeyTable {
 public:
  // FNV-1a, fed one byte at a time so that the parser gets the hash of every
  // prefix of a stem in a single pass.
  static constexpr std::uint64_t kSeed = 0xcbf29ce484222325ULL;
  static std::uint64_t step(std::uint64_t h, unsigned char c) {
    return (h ^ c) * 0x100000001b3ULL;
  }
  static std::uint64_t hash(std::string_view key) {
    std::uint64_t h = kSeed;
    for (char c : key) h = step(h, static_cast<unsigned char>(c));
    return h;
  }

  struct Entry {
    std::uint32_t sku;
    std::uint64_t breaks;
  };

  explicit SkuKeyTable(std::size_t expected = 0);
  // False (and nothing stored) when `key` is already present.
  bool insert(std::string_view key, std::uint32_t sku, std::uint64_t breaks);
  // Inline: the parser calls it for every prefix of every name.
  std::optional<Entry> find(std::uint64_t hash, std::string_view key) const {
    const std::size_t mask = slots_.size() - 1;
    const auto tag = static_cast<std::uint32_t>(hash >> 32);
    for (std::size_t at = slot_of(hash);; at = (at + 1) & mask) {
      const Slot& slot = slots_[at];
      if (slot.sku == kEmpty) return std::nullopt;
      if (slot.tag == tag && slot.length == key.size() &&
          sku::same(key_of(slot), key)) {
        return Entry{slot.sku, slot.breaks};
      }
    }
  }
  // Most prefixes of a stem are rejected on their length alone.
  bool may_have_length(std::size_t length) const {
    return (lengths_ >> (length < 63 ? length : 63)) & 1u;
  }

 private:
  // Keys up to kInline bytes live in the slot itself: a probe touches one
  // cache line (32-byte slots, aligned), not two.
  static constexpr std::size_t kInline = 12;
  static constexpr std::uint32_t kEmpty = 0xFFFFFFFFu;
  struct alignas(32) Slot {
    std::uint32_t tag = 0;  // the hash's high half
    std::uint32_t sku = kEmpty;
    std::uint32_t length = 0;
    union {
      char bytes[kInline];
      std::uint32_t offset;  // in keys_, for longer keys
    } key{};
    std::uint64_t breaks = 0;
  };
  static_assert(sizeof(Slot) == 32);
  static constexpr std::uint64_t kMix = 0x9E3779B97F4A7C15ULL;
  std::size_t slot_of(std::uint64_t hash) const {
    return static_cast<std::size_t>((hash * kMix) >> shift_);
  }
  std::string_view key_of(const Slot& slot) const {
    return slot.length <= kInline
               ? std::string_view(slot.key.bytes, slot.length)
               : std::string_view(keys_).substr(slot.key.offset, slot.length);
  }

  std::string keys_;
  std::vector<Slot> slots_;  // open addressing, power-of-two size
  int shift_ = 64;
  std::size_t size_ = 0;
  std::uint64_t lengths_ = 0;
};

struct KnownSkus::Impl {
  std::vector<std::string> skus;
  std::array<bool, 256> is_separator{};
  SkuKeyTable stripped;  // with the first spelling's break mask
  SkuKeyTable spelled;   // every spelling, for what masks cannot tell
};

struct KnownSkusAccess {
  static const KnownSkus::Impl& impl(const KnownSkus& known) {
    return *known.impl_;
  }
};

}  // namespace imagebank
