// Shared by the sku tests: parse or fail the test.
#pragma once

#include <gtest/gtest.h>

#include <string_view>

#include "imagebank/sku/filename.hpp"

namespace imagebank::testing {

inline SkuParse parsed(std::string_view path, const KnownSkus* known = nullptr,
                       const SkuParser& parser = {}) {
  Result<SkuParse> r = parser.parse(path, known);
  EXPECT_TRUE(r.ok()) << path << ": " << r.status();
  return r.ok() ? *r : SkuParse{};
}

// The (sku_base, sequence, view) triple, for compact expectations.
struct Triple {
  std::string sku_base, sequence, view;
  friend bool operator==(const Triple&, const Triple&) = default;
  friend std::ostream& operator<<(std::ostream& os, const Triple& t) {
    return os << "(" << t.sku_base << ", " << t.sequence << ", " << t.view
              << ")";
  }
};

inline Triple triple(std::string_view path, const KnownSkus* known = nullptr,
                     const SkuParser& parser = {}) {
  const SkuParse p = parsed(path, known, parser);
  return {p.sku_base, p.sequence, p.view};
}

}  // namespace imagebank::testing
