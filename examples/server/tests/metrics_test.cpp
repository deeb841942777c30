#include "metrics.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "http_metrics.hpp"

namespace imagebank::server {
namespace {

TEST(Metrics, CounterAndGauge) {
  MetricsRegistry r;
  auto& c = r.counter("t_requests_total", "Requests", {"route", "status"});
  c.add({"/a/{id}", "200"});
  c.add({"/a/{id}", "200"}, 2);
  auto& g = r.gauge("t_open", "Open \\ things\nnow");
  g.set({}, 5);
  g.add({}, -1.5);
  EXPECT_EQ(r.render(),
            "# HELP t_open Open \\\\ things\\nnow\n"
            "# TYPE t_open gauge\n"
            "t_open 3.5\n"
            "# HELP t_requests_total Requests\n"
            "# TYPE t_requests_total counter\n"
            "t_requests_total{route=\"/a/{id}\",status=\"200\"} 3\n");
  EXPECT_EQ(&r.counter("t_requests_total", "", {}), &c);
  EXPECT_THROW(r.gauge("t_requests_total", "", {}), std::logic_error);
}

TEST(Metrics, LabelEscaping) {
  MetricsRegistry r;
  r.counter("t", "h", {"v"}).add({"a\"b\\c\nd"});
  EXPECT_NE(r.render().find("t{v=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos);
}

TEST(Metrics, Histogram) {
  MetricsRegistry r;
  auto& h = r.histogram("t_seconds", "Time", {"route"}, {0.1, 1});
  h.observe({"/x"}, 0.05);
  h.observe({"/x"}, 0.5);
  h.observe({"/x"}, 3);
  EXPECT_EQ(r.render(),
            "# HELP t_seconds Time\n"
            "# TYPE t_seconds histogram\n"
            "t_seconds_bucket{route=\"/x\",le=\"0.1\"} 1\n"
            "t_seconds_bucket{route=\"/x\",le=\"1\"} 2\n"
            "t_seconds_bucket{route=\"/x\",le=\"+Inf\"} 3\n"
            "t_seconds_sum{route=\"/x\"} 3.55\n"
            "t_seconds_count{route=\"/x\"} 3\n");
}

TEST(Metrics, CollectorsRunAtRender) {
  MetricsRegistry r;
  auto& jobs = r.gauge("t_jobs", "Jobs by state", {"state"});
  int calls = 0;
  r.add_collector([&] {
    ++calls;
    jobs.clear();
    jobs.set({"queued"}, calls);
  });
  EXPECT_NE(r.render().find("t_jobs{state=\"queued\"} 1\n"), std::string::npos);
  EXPECT_NE(r.render().find("t_jobs{state=\"queued\"} 2\n"), std::string::npos);
}

TEST(Metrics, CellsAreTheFamilySeries) {
  MetricsRegistry r;
  auto& c = r.counter("t_total", "T", {"k"});
  MetricCell& a = c.cell({"a"});
  EXPECT_EQ(&c.cell({"a"}), &a);
  a.add();
  c.add({"a"}, 2);
  a.add(0.5);
  auto& h = r.histogram("t_seconds", "S", {}, {1});
  h.cell({}).observe(0.5);
  h.observe({}, 2);
  EXPECT_EQ(r.render(),
            "# HELP t_seconds S\n"
            "# TYPE t_seconds histogram\n"
            "t_seconds_bucket{le=\"1\"} 1\n"
            "t_seconds_bucket{le=\"+Inf\"} 2\n"
            "t_seconds_sum 2.5\n"
            "t_seconds_count 2\n"
            "# HELP t_total T\n"
            "# TYPE t_total counter\n"
            "t_total{k=\"a\"} 3.5\n");
}

// Requests recorded from several threads at once, with the same and with
// different labels, scraped while they run: every one is counted.
TEST(HttpMetrics, RecordFromThreads) {
  MetricsRegistry r;
  HttpMetrics m(r);
  constexpr int kThreads = 4;
  constexpr int kEach = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&m, t] {
      for (int i = 0; i < kEach; ++i) {
        m.record("/images/{id}", "GET", 200, 0.001, 100);
        // Statuses and routes that collide in the per-thread table.
        m.record(i % 2 ? "/a" : "", t % 2 ? "HEAD" : "BREW", 300 + i % 50, 0.2,
                 1);
      }
    });
  }
  for (int i = 0; i < 20; ++i) (void)r.render();
  for (auto& t : threads) t.join();
  const std::string text = r.render();
  const auto value = [&text](const std::string& series) {
    const auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) return -1.0;
    return std::stod(text.substr(at + series.size() + 2));
  };
  EXPECT_EQ(value("imagebank_http_requests_total{route=\"/images/{id}\","
                  "method=\"GET\",status=\"200\"}"),
            kThreads * kEach);
  EXPECT_EQ(value("imagebank_http_response_bytes_total{route=\"/images/"
                  "{id}\"}"),
            100.0 * kThreads * kEach);
  EXPECT_EQ(value("imagebank_http_request_duration_seconds_count{route=\"/"
                  "images/{id}\"}"),
            kThreads * kEach);
  EXPECT_EQ(value("imagebank_http_request_duration_seconds_bucket{route=\"/"
                  "images/{id}\",le=\"0.005\"}"),
            kThreads * kEach);
  // An empty route is "none"; an unknown method "OTHER".
  EXPECT_EQ(value("imagebank_http_requests_total{route=\"none\","
                  "method=\"OTHER\",status=\"300\"}"),
            (kThreads / 2) * (kEach / 50));
  EXPECT_EQ(value("imagebank_http_requests_total{route=\"/a\","
                  "method=\"HEAD\",status=\"301\"}"),
            (kThreads / 2) * (kEach / 50));
  EXPECT_EQ(value("imagebank_http_request_duration_seconds_count{route=\"/"
                  "a\"}"),
            kThreads * kEach / 2);
  EXPECT_EQ(value("imagebank_http_connections_in_flight"), 0);
  EXPECT_EQ(value("imagebank_http_connections_rejected_total"), 0);
}

// A second HttpMetrics (a server made after another was destroyed) never
// reaches the first one's cells through the per-thread table.
TEST(HttpMetrics, ANewInstanceKeepsItsOwnCounts) {
  MetricsRegistry first_registry;
  auto first = std::make_unique<HttpMetrics>(first_registry);
  first->record("/x", "GET", 200, 0.1, 1);
  first.reset();
  MetricsRegistry r;
  HttpMetrics second(r);
  second.record("/x", "GET", 200, 0.1, 1);
  second.record("/x", "GET", 200, 0.1, 1);
  EXPECT_NE(r.render().find(
                "imagebank_http_requests_total{route=\"/x\",method=\"GET\","
                "status=\"200\"} 2\n"),
            std::string::npos);
}

}  // namespace
}  // namespace imagebank::server
