// Helpers shared by the carteira tests.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/carteira/carteira.hpp"
#include "support/test_support.hpp"

namespace imagebank::testing {

inline std::filesystem::path carteira_data(std::string_view name) {
  return data_path("carteira/" + std::string(name));
}

inline std::span<const std::byte> as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::byte*>(text.data()), text.size()};
}

// Reads a CSV (or any bytes) from memory; fails the test on error.
inline Carteira read_text(std::string_view text,
                          std::string_view name = "t.csv",
                          const CarteiraOptions& options = {}) {
  Result<Carteira> r = read_carteira(as_bytes(text), name, options);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? std::move(r).value() : Carteira{};
}

inline Carteira read_fixture(std::string_view name,
                             const CarteiraOptions& options = {}) {
  Result<Carteira> r = read_carteira(carteira_data(name), options);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? std::move(r).value() : Carteira{};
}

inline const CarteiraRow* row_with_sku(const Carteira& c,
                                       std::string_view sku) {
  for (const CarteiraRow& row : c.rows) {
    if (row.sku() == sku) return &row;
  }
  return nullptr;
}

// The field as text ("" when absent).
inline std::string text_of(const CarteiraRow& row, Field field) {
  const FieldValue* v = row.find(field);
  return v == nullptr ? "" : to_text(*v);
}

inline std::string extra_of(const CarteiraRow& row, std::string_view header) {
  for (const auto& [h, t] : row.extra) {
    if (h == header) return t;
  }
  return "<absent>";
}

// Issues of that severity whose message contains `part`.
inline std::vector<CarteiraIssue> issues_with(const Carteira& c,
                                              IssueSeverity severity,
                                              std::string_view part) {
  std::vector<CarteiraIssue> out;
  for (const CarteiraIssue& i : c.issues) {
    if (i.severity == severity && i.message.find(part) != std::string::npos) {
      out.push_back(i);
    }
  }
  return out;
}

inline std::string dump_issues(const Carteira& c) {
  std::string out;
  for (const CarteiraIssue& i : c.issues) {
    out += std::string(severity_name(i.severity)) + " " + i.sheet + ":" +
           std::to_string(i.row) + " " + i.message + "\n";
  }
  return out;
}

}  // namespace imagebank::testing
