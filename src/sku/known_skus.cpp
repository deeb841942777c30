#include "imagebank/sku/known_skus.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <utility>

#include "imagebank/core/text.hpp"
#include "sku/known_skus_impl.hpp"
#include "sku/normalize.hpp"

namespace imagebank {
namespace {

std::string_view trim(std::string_view s) {
  const auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
           c == '\f';
  };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// The keys of a normalised spelling (see known_skus_impl.hpp); the break
// mask is returned.
std::uint64_t keys_of(std::string_view normal,
                      const std::array<bool, 256>& is_sep,
                      std::string& stripped, std::string& spelled) {
  stripped.clear();
  spelled.clear();
  std::uint64_t breaks = 0;
  bool gap = false;
  for (char c : normal) {
    if (is_sep[static_cast<unsigned char>(c)]) {
      gap = !spelled.empty();
      continue;
    }
    if (gap) {
      spelled += kSpellingBreak;
      if (stripped.size() < kMaskedLength) {
        breaks |= std::uint64_t{1} << stripped.size();
      }
    }
    gap = false;
    stripped += c;
    spelled += c;
  }
  return breaks;
}

template <typename Range>
std::shared_ptr<const KnownSkus::Impl> build(const Range& input,
                                             std::string_view separators) {
  auto impl = std::make_shared<KnownSkus::Impl>();
  for (char c : separators) {
    if (static_cast<unsigned char>(c) < 0x80) {
      impl->is_separator[static_cast<unsigned char>(c)] = true;
    }
  }
  impl->stripped = SkuKeyTable(std::size(input));
  impl->spelled = SkuKeyTable(std::size(input));
  std::string normal, stripped, spelled;
  for (const auto& entry : input) {
    const std::string_view raw = trim(std::string_view(entry));
    normal.clear();
    sku::append_normalized(raw, normal);
    const std::uint64_t breaks =
        keys_of(normal, impl->is_separator, stripped, spelled);
    if (stripped.empty()) continue;  // a blank cell
    // Another spelling of a listed SKU ("ab77" after "AB-77") names the same
    // index; the way it is spelled still counts as a spelling of it.
    const auto listed =
        impl->stripped.find(SkuKeyTable::hash(stripped), stripped);
    const std::uint32_t index =
        listed ? listed->sku : static_cast<std::uint32_t>(impl->skus.size());
    if (!listed) {
      impl->stripped.insert(stripped, index, breaks);
      impl->skus.push_back(to_utf8(raw));
    }
    impl->spelled.insert(spelled, index, 0);
  }
  return impl;
}

}  // namespace

SkuKeyTable::SkuKeyTable(std::size_t expected) {
  const std::size_t capacity =
      std::bit_ceil(std::max<std::size_t>(16, expected * 2));
  slots_.resize(capacity);
  shift_ = 64 - std::countr_zero(capacity);
}

bool SkuKeyTable::insert(std::string_view key, std::uint32_t sku,
                         std::uint64_t breaks) {
  const std::uint64_t h = hash(key);
  if (find(h, key)) return false;
  if ((size_ + 1) * 2 > slots_.size()) {
    // Rehash at half full: keeps probes short whatever `expected` said.
    SkuKeyTable bigger(slots_.size());
    for (const Slot& s : slots_) {
      if (s.sku != kEmpty) bigger.insert(key_of(s), s.sku, s.breaks);
    }
    *this = std::move(bigger);
  }
  std::size_t at = slot_of(h);
  while (slots_[at].sku != kEmpty) at = (at + 1) & (slots_.size() - 1);
  Slot& slot = slots_[at];
  slot.tag = static_cast<std::uint32_t>(h >> 32);
  slot.sku = sku;
  slot.length = static_cast<std::uint32_t>(key.size());
  slot.breaks = breaks;
  if (key.size() <= kInline) {
    std::memcpy(slot.key.bytes, key.data(), key.size());
  } else {
    slot.key.offset = static_cast<std::uint32_t>(keys_.size());
    keys_ += key;
  }
  ++size_;
  lengths_ |= std::uint64_t{1} << std::min<std::size_t>(key.size(), 63);
  return true;
}

KnownSkus::KnownSkus()
    : impl_(build(std::span<const std::string_view>(), kDefaultSkuSeparators)) {
}

KnownSkus::KnownSkus(std::span<const std::string> skus,
                     std::string_view separators)
    : impl_(build(skus, separators)) {}

KnownSkus::KnownSkus(std::span<const std::string_view> skus,
                     std::string_view separators)
    : impl_(build(skus, separators)) {}

KnownSkus::KnownSkus(std::initializer_list<std::string_view> skus)
    : impl_(build(std::span<const std::string_view>(skus.begin(), skus.size()),
                  kDefaultSkuSeparators)) {}

const std::vector<std::string>& KnownSkus::skus() const noexcept {
  return impl_->skus;
}

std::optional<std::size_t> KnownSkus::find(std::string_view sku) const {
  std::string stripped, spelled;
  keys_of(sku::normalized(trim(sku)), impl_->is_separator, stripped, spelled);
  if (stripped.empty()) return std::nullopt;
  const auto found =
      impl_->stripped.find(SkuKeyTable::hash(stripped), stripped);
  if (!found) return std::nullopt;
  return found->sku;
}

}  // namespace imagebank
