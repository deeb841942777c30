#include "metrics.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace imagebank::server
