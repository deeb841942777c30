#include "metrics.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace imagebank::server {

namespace {

// Shortest text that reads back as the same double; integers print without
// a fraction ("3", not "3.0").
void append_number(std::string& out, double value) {
  if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
    return;
  }
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  std::array<char, 32> buffer{};
  const auto [end, ec] =
      std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  out.append(buffer.data(), ec == std::errc() ? end : buffer.data());
}

void append_escaped(std::string& out, std::string_view value, bool quotes) {
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

// {a="x",b="y"} plus an optional extra pair (a histogram's le).
void append_labels(std::string& out, const std::vector<std::string>& names,
                   const LabelValues& values, std::string_view extra_name = {},
                   std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return;
  out += '{';
  bool first = true;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!first) out += ',';
    first = false;
    out += names[i];
    out += "=\"";
    append_escaped(out, i < values.size() ? values[i] : std::string(), true);
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!first) out += ',';
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += '}';
}

std::string_view type_name(MetricFamily::Type type) {
  switch (type) {
    case MetricFamily::Type::kCounter:
      return "counter";
    case MetricFamily::Type::kGauge:
      return "gauge";
    case MetricFamily::Type::kHistogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace

MetricFamily::MetricFamily(Type type, std::string name, std::string help,
                           std::vector<std::string> label_names,
                           std::vector<double> buckets)
    : type_(type),
      name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      buckets_(std::move(buckets)) {}

MetricCell::MetricCell(const std::vector<double>& buckets, bool histogram)
    : buckets_(buckets) {
  if (histogram) {
    counts_ =
        std::make_unique<std::atomic<std::uint64_t>[]>(buckets.size() + 1);
  }
}

void MetricCell::observe(double value) noexcept {
  std::size_t i = 0;
  while (i < buckets_.size() && value > buckets_[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  value_.fetch_add(value, std::memory_order_relaxed);
}

MetricCell& MetricFamily::series(const LabelValues& labels) {
  auto [it, inserted] = series_.try_emplace(labels);
  if (inserted) {
    it->second.reset(new MetricCell(buckets_, type_ == Type::kHistogram));
  }
  return *it->second;
}

MetricCell& MetricFamily::cell(const LabelValues& labels) {
  std::lock_guard lock(mu_);
  return series(labels);
}

void MetricFamily::add(const LabelValues& labels, double value) {
  cell(labels).add(value);
}

void MetricFamily::set(const LabelValues& labels, double value) {
  std::lock_guard lock(mu_);
  series(labels).value_.store(value, std::memory_order_relaxed);
}

void MetricFamily::observe(const LabelValues& labels, double value) {
  cell(labels).observe(value);
}

void MetricFamily::clear() {
  std::lock_guard lock(mu_);
  series_.clear();
}

void MetricFamily::render(std::string& out) const {
  std::lock_guard lock(mu_);
  out += "# HELP ";
  out += name_;
  out += ' ';
  append_escaped(out, help_, false);
  out += "\n# TYPE ";
  out += name_;
  out += ' ';
  out += type_name(type_);
  out += '\n';
  for (const auto& [labels, cell] : series_) {
    const double value = cell->value_.load(std::memory_order_relaxed);
    if (type_ != Type::kHistogram) {
      out += name_;
      append_labels(out, label_names_, labels);
      out += ' ';
      append_number(out, value);
      out += '\n';
      continue;
    }
    // Buckets are cumulative in the exposition format. Read while requests
    // update them: _count is the sum of the buckets read (consistent with
    // them); _sum may include an observation more or less.
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i <= buckets_.size(); ++i) {
      cumulative += cell->counts_[i].load(std::memory_order_relaxed);
      std::string le;
      if (i < buckets_.size()) {
        append_number(le, buckets_[i]);
      } else {
        le = "+Inf";
      }
      out += name_;
      out += "_bucket";
      append_labels(out, label_names_, labels, "le", le);
      out += ' ';
      out += std::to_string(cumulative);
      out += '\n';
    }
    out += name_;
    out += "_sum";
    append_labels(out, label_names_, labels);
    out += ' ';
    append_number(out, value);
    out += '\n';
    out += name_;
    out += "_count";
    append_labels(out, label_names_, labels);
    out += ' ';
    out += std::to_string(cumulative);
    out += '\n';
  }
}

const std::vector<double>& default_duration_buckets() {
  static const std::vector<double> kBuckets = {
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return kBuckets;
}

MetricFamily& MetricsRegistry::family(MetricFamily::Type type,
                                      std::string_view name,
                                      std::string_view help,
                                      std::vector<std::string> label_names,
                                      std::vector<double> buckets) {
  std::lock_guard lock(mu_);
  auto it = families_.find(name);
  if (it != families_.end()) {
    if (it->second->type() != type) {
      throw std::logic_error("metric " + std::string(name) +
                             " registered with another type");
    }
    return *it->second;
  }
  auto created = std::make_unique<MetricFamily>(
      type, std::string(name), std::string(help), std::move(label_names),
      std::move(buckets));
  auto& ref = *created;
  families_.emplace(std::string(name), std::move(created));
  return ref;
}

MetricFamily& MetricsRegistry::counter(std::string_view name,
                                       std::string_view help,
                                       std::vector<std::string> label_names) {
  return family(MetricFamily::Type::kCounter, name, help,
                std::move(label_names), {});
}

MetricFamily& MetricsRegistry::gauge(std::string_view name,
                                     std::string_view help,
                                     std::vector<std::string> label_names) {
  return family(MetricFamily::Type::kGauge, name, help, std::move(label_names),
                {});
}

MetricFamily& MetricsRegistry::histogram(std::string_view name,
                                         std::string_view help,
                                         std::vector<std::string> label_names,
                                         std::vector<double> buckets) {
  return family(MetricFamily::Type::kHistogram, name, help,
                std::move(label_names), std::move(buckets));
}

void MetricsRegistry::add_collector(Collector collector) {
  std::lock_guard lock(mu_);
  collectors_.push_back(std::move(collector));
}

std::string MetricsRegistry::render() const {
  std::vector<Collector> collectors;
  {
    std::lock_guard lock(mu_);
    collectors = collectors_;
  }
  // Outside mu_: a collector calls gauge() and set().
  for (const auto& collect : collectors) collect();
  std::string out;
  std::lock_guard lock(mu_);
  for (const auto& [name, family] : families_) family->render(out);
  return out;
}

}  // namespace imagebank::server
