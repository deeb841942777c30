// Metrics in the Prometheus text exposition format 0.0.4 (GET /metrics).
//
// A registry holds families (a name, its help and label names); a family
// holds one series per tuple of label values. Label values must come from
// bounded sets (route patterns, never raw paths; method names; states):
// every tuple ever used is kept until the process ends.
//
//   auto& served = registry.counter("imagebank_variants_served_total",
//                                   "Variants served", {"format"});
//   served.add({"webp"});
//
// A series updated on every request is looked up once: cell() gives its
// handle, whose add()/observe() are a few atomic operations (no lock, no
// label lookup).
//
//   MetricCell& ok = served.cell({"webp"});
//   ok.add();
//
// Gauges that are cheaper to read when scraped than to keep current (jobs
// by state, connections) are filled by a collector, which render() calls
// first (on the scraping thread; it may call the catalog).
//
// Threading: every method may be called from any thread. Families live as
// long as the registry, cells as long as their family (a gauge's clear()
// drops them: cells are for counters and histograms); keep the references.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace imagebank::server {

using LabelValues = std::vector<std::string>;

class MetricFamily;

// One series of a family (one tuple of label values).
class MetricCell {
 public:
  MetricCell(const MetricCell&) = delete;
  MetricCell& operator=(const MetricCell&) = delete;

  // Counter: adds `value` (>= 0). Gauge: adds `value` (any sign).
  void add(double value = 1) noexcept {
    value_.fetch_add(value, std::memory_order_relaxed);
  }
  // Histogram only: counts `value` in its bucket and adds it to the sum.
  void observe(double value) noexcept;

 private:
  friend class MetricFamily;
  MetricCell(const std::vector<double>& buckets, bool histogram);

  const std::vector<double>& buckets_;  // the family's
  std::atomic<double> value_{0};        // counter / gauge; histogram: sum
  // Histogram: one per bucket and +Inf (not cumulative).
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;
};

class MetricFamily {
 public:
  enum class Type { kCounter, kGauge, kHistogram };

  MetricFamily(Type type, std::string name, std::string help,
               std::vector<std::string> label_names,
               std::vector<double> buckets = {});
  MetricFamily(const MetricFamily&) = delete;
  MetricFamily& operator=(const MetricFamily&) = delete;

  Type type() const noexcept { return type_; }
  const std::string& name() const noexcept { return name_; }

  // Counter: adds `value` (>= 0). Gauge: adds `value` (any sign).
  void add(const LabelValues& labels, double value = 1);
  // Gauge only.
  void set(const LabelValues& labels, double value);
  // Histogram only.
  void observe(const LabelValues& labels, double value);
  // Gauge: drops every series (a collector refilling the family); the
  // cells handed out go with them.
  void clear();
  // The series of `labels`, made on first use; the same cell every time.
  MetricCell& cell(const LabelValues& labels);

  void render(std::string& out) const;

 private:
  MetricCell& series(const LabelValues& labels);  // mu_ held

  const Type type_;
  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  const std::vector<double> buckets_;
  mutable std::mutex mu_;
  // Nodes never move: a cell's address is stable until clear().
  std::map<LabelValues, std::unique_ptr<MetricCell>> series_;
};

// Prometheus' default buckets, in seconds: 5 ms to 10 s.
const std::vector<double>& default_duration_buckets();

class MetricsRegistry {
 public:
  using Collector = std::function<void()>;

  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // A family is created on first use; asking again for the same name gives
  // the same family (its type, help and labels are those of the first
  // call; asking with another type throws std::logic_error).
  MetricFamily& counter(std::string_view name, std::string_view help,
                        std::vector<std::string> label_names = {});
  MetricFamily& gauge(std::string_view name, std::string_view help,
                      std::vector<std::string> label_names = {});
  MetricFamily& histogram(
      std::string_view name, std::string_view help,
      std::vector<std::string> label_names,
      std::vector<double> buckets = default_duration_buckets());

  void add_collector(Collector collector);

  // Runs the collectors, then every family in name order.
  std::string render() const;

 private:
  MetricFamily& family(MetricFamily::Type type, std::string_view name,
                       std::string_view help,
                       std::vector<std::string> label_names,
                       std::vector<double> buckets);

  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<MetricFamily>, std::less<>> families_;
  std::vector<Collector> collectors_;
};

// The content type of render()'s text.
inline constexpr std::string_view kMetricsContentType =
    "text/plain; version=0.0.4; charset=utf-8";

}  // namespace imagebank::server
