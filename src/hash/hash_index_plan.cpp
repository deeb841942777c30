#include "hash/hash_index_plan.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <numeric>

namespace imagebank::hash_index {

const CostModel& cost_model() noexcept {
  // See the header for how these were measured.
  static constexpr CostModel kModel{
      .table_ns = 5.0,
      .cached_read_ns = 8.0,
      .memory_read_ns = 24.0,
      .cache_bytes = 16.0 * (1 << 20),
      .scan64_ns = 0.7,
      .scan256_ns = 3.0,
  };
  return kModel;
}

double memory_budget_per_hash(int bits) noexcept {
  return bits == 64 ? 32.0 - 0.125 : 128.0 - 0.125;
}

double plan_bytes(std::size_t n, int bits, const Plan& plan) noexcept {
  // ids, hashes and the id order; a directory per table and rows for all
  // tables but the first (rows are stored in its key order).
  const double words = bits / 64;
  double bytes = static_cast<double>(n) * (12.0 + 8.0 * words);
  if (plan.tables > 0) {
    const double directory = std::ldexp(1.0, plan.table_bits) + 1.0;
    bytes += plan.tables * 4.0 * directory +
             (plan.tables - 1) * 4.0 * static_cast<double>(n);
  }
  return bytes;
}

double binomial(int n, int k) noexcept {
  if (k < 0 || k > n) return 0.0;
  double c = 1.0;
  for (int i = 1; i <= k; ++i) c = c * (n - k + i) / i;
  return c;
}

double probes_within(int table_bits, int rho) noexcept {
  double p = 0.0;
  for (int i = 0; i <= rho && i <= table_bits; ++i) {
    p += binomial(table_bits, i);
  }
  return p;
}

double read_ns(std::size_t n, int bits, const Plan& plan) noexcept {
  const CostModel& c = cost_model();
  return plan_bytes(n, bits, plan) <= c.cache_bytes ? c.cached_read_ns
                                                    : c.memory_read_ns;
}

double mih_cost_ns(std::size_t n, int bits, const Plan& plan,
                   int radius) noexcept {
  const CostModel& c = cost_model();
  const double read = read_ns(n, bits, plan);
  const int m = plan.tables;
  const int base = radius / m;
  const int extra = radius % m;
  const double bucket =
      static_cast<double>(n) / std::ldexp(1.0, plan.table_bits);
  double cost = m * c.table_ns * (bits / 64);
  // Table 0's candidates are read in sequence (rows are in its key order).
  const double scan_each = scan_cost_ns(1, bits);
  for (int t = 0; t < m; ++t) {
    const int rho = t <= extra ? base : base - 1;
    cost += probes_within(plan.table_bits, rho) *
            (read + bucket * (t == 0 ? scan_each : read));
  }
  return cost;
}

double scan_cost_ns(std::size_t n, int bits) noexcept {
  const CostModel& c = cost_model();
  return static_cast<double>(n) * (bits == 64 ? c.scan64_ns : c.scan256_ns);
}

Plan choose_plan(std::size_t n, int bits, int expected_radius,
                 int forced_tables) noexcept {
  constexpr std::size_t kMinForTables = 64;
  if (n < kMinForTables && forced_tables == 0) return {};
  const double budget = memory_budget_per_hash(bits) * static_cast<double>(n);
  Plan best{};
  double best_cost = forced_tables > 0 ? std::numeric_limits<double>::infinity()
                                       : scan_cost_ns(n, bits);
  const int lo = forced_tables > 0 ? forced_tables : 1;
  const int hi = forced_tables > 0 ? forced_tables : kMaxTables;
  for (int m = lo; m <= hi && m <= bits; ++m) {
    const int longest = std::min(kMaxTableBits, bits / m);
    for (int s = 1; s <= longest; ++s) {
      const Plan plan{m, s};
      if (plan_bytes(n, bits, plan) > budget) break;  // grows with s
      const double cost = mih_cost_ns(n, bits, plan, expected_radius);
      if (cost < best_cost) {
        best_cost = cost;
        best = plan;
      }
    }
  }
  if (forced_tables > 0 && best.tables == 0) {
    // Too few hashes for any table within the budget: the smallest tables
    // that still split the keys (experiments only).
    const int m = std::min(forced_tables, bits);
    const int fit = std::bit_width(std::max<std::size_t>(n, 2)) - 1;
    best = {m, std::clamp(fit, 1, std::min(kMaxTableBits, bits / m))};
  }
  return best;
}

namespace {

double entropy(double p) {
  if (p <= 0.0 || p >= 1.0) return 0.0;
  return -(p * std::log2(p) + (1 - p) * std::log2(1 - p));
}

double plogp_ratio(double pxy, double px, double py) {
  return pxy > 0.0 && px > 0.0 && py > 0.0 ? pxy * std::log2(pxy / (px * py))
                                           : 0.0;
}

}  // namespace

std::vector<std::vector<std::uint8_t>> choose_bits(const std::uint64_t* hashes,
                                                   std::size_t n, int words,
                                                   const Plan& plan) {
  const int bits = 64 * words;
  std::vector<std::vector<std::uint8_t>> tables(
      static_cast<std::size_t>(plan.tables));
  if (plan.tables == 0) return tables;

  // Bit-sliced sample: column b holds bit b of every sampled hash, so the
  // joint counts of two bits are one AND + popcount per 64 samples.
  constexpr std::size_t kSample = 8192;
  const std::size_t samples = std::min(n, kSample);
  const std::size_t stride = samples == 0 ? 1 : n / samples;
  const std::size_t col_words = (samples + 63) / 64;
  std::vector<std::uint64_t> cols(static_cast<std::size_t>(bits) * col_words);
  for (std::size_t i = 0; i < samples; ++i) {
    const std::uint64_t* h = hashes + i * stride * words;
    for (int b = 0; b < bits; ++b) {
      if ((h[b / 64] >> (b % 64)) & 1u) {
        cols[b * col_words + i / 64] |= std::uint64_t{1} << (i % 64);
      }
    }
  }
  const double total = samples == 0 ? 1.0 : static_cast<double>(samples);
  std::vector<double> p1(bits), h(bits);
  for (int b = 0; b < bits; ++b) {
    std::size_t ones = 0;
    for (std::size_t w = 0; w < col_words; ++w) {
      ones += std::popcount(cols[b * col_words + w]);
    }
    p1[b] = static_cast<double>(ones) / total;
    h[b] = entropy(p1[b]);
  }
  auto mutual_information = [&](int a, int b) {
    std::size_t both = 0;
    for (std::size_t w = 0; w < col_words; ++w) {
      both += std::popcount(cols[a * col_words + w] & cols[b * col_words + w]);
    }
    const double p11 = static_cast<double>(both) / total;
    const double p10 = p1[a] - p11, p01 = p1[b] - p11;
    const double p00 = 1.0 - p11 - p10 - p01;
    return plogp_ratio(p11, p1[a], p1[b]) + plogp_ratio(p10, p1[a], 1 - p1[b]) +
           plogp_ratio(p01, 1 - p1[a], p1[b]) +
           plogp_ratio(p00, 1 - p1[a], 1 - p1[b]);
  };

  std::vector<int> order(bits);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return h[a] > h[b]; });
  std::vector<double> table_entropy(tables.size(), 0.0);
  const std::size_t per_table = static_cast<std::size_t>(plan.table_bits);
  for (const int b : order) {
    int best = -1;
    double best_mi = 0.0;
    for (std::size_t t = 0; t < tables.size(); ++t) {
      if (tables[t].size() >= per_table) continue;
      double mi = 0.0;
      for (const std::uint8_t c : tables[t]) mi += mutual_information(b, c);
      // Ties (uncorrelated bits) go to the table with the least entropy so
      // far, which deals high-entropy bits out round-robin.
      const bool better =
          best < 0 || mi < best_mi - 1e-9 ||
          (mi < best_mi + 1e-9 && table_entropy[t] < table_entropy[best]);
      if (better) {
        best = static_cast<int>(t);
        best_mi = mi;
      }
    }
    if (best < 0) break;  // every table is full
    tables[best].push_back(static_cast<std::uint8_t>(b));
    table_entropy[best] += h[b];
  }
  for (auto& t : tables) std::sort(t.begin(), t.end());
  return tables;
}

}  // namespace imagebank::hash_index
