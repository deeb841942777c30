// KnownSkus: the SKUs a Carteira de Compras (or any list) declares, prebuilt
// once so that millions of file names can be matched against them.
//
// Two spellings are the same SKU when they are equal after removing the
// separators ("_-. " by default), accents and case: "AB-77", "ab77" and
// "AB 77" are one SKU. A file name matches a known SKU that is a prefix of
// its stem ending at a token boundary (rule 7 of filename.hpp ranks several).
//
// Input is UTF-8; bytes that are not valid UTF-8 are read as Windows-1252.
// Blank entries (nothing left once trimmed and separators removed) are
// skipped; entries that collide with an earlier one are merged into it, and
// the first spelling is the one kept (a Carteira lists a SKU once per size or
// colour row).
//
// Threading: immutable once built; copies share the table and are cheap; any
// thread may use it at once.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace imagebank {

// The separators of the default filename grammar (SkuRules::separators).
inline constexpr std::string_view kDefaultSkuSeparators = "_-. ";

class KnownSkus {
 public:
  // No SKU: nothing matches.
  KnownSkus();
  // `separators` are removed before comparing (ASCII characters only; others
  // are ignored). Use the same separators as the SkuRules that parse names.
  explicit KnownSkus(std::span<const std::string> skus,
                     std::string_view separators = kDefaultSkuSeparators);
  explicit KnownSkus(std::span<const std::string_view> skus,
                     std::string_view separators = kDefaultSkuSeparators);
  KnownSkus(std::initializer_list<std::string_view> skus);

  // Distinct SKUs, as first written (trimmed, as UTF-8), in input order.
  const std::vector<std::string>& skus() const noexcept;
  std::size_t size() const noexcept { return skus().size(); }
  bool empty() const noexcept { return skus().empty(); }

  // The index in skus() of the SKU spelled like `sku` up to separators,
  // case and accents; nullopt when none.
  std::optional<std::size_t> find(std::string_view sku) const;

  struct Impl;  // internal (src/sku)

 private:
  std::shared_ptr<const Impl> impl_;
  friend struct KnownSkusAccess;  // the parser's prefix lookup (src/sku)
};

}  // namespace imagebank
