#include "builtin_routes.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <map>
#include <memory>
#include <mutex>

#include "openapi_document.hpp"
#include "problem.hpp"

namespace imagebank::server {

namespace {

// A key no one writes: head() answering not_found proves the store is
// reachable as well as an existing key would.
constexpr std::string_view kProbeKey = "health/probe";

Response ready(Bank& bank) {
  boost::json::object checks;
  Status failed;
  if (auto version = bank.catalog().schema_version(); version.ok()) {
    checks["catalog"] = "ok";
  } else {
    checks["catalog"] = version.status().to_string();
    failed = version.status().with_context("catalog");
  }
  if (auto head = bank.blobs().head(kProbeKey);
      head.ok() || head.status().code() == ErrorCode::kNotFound) {
    checks["storage"] = "ok";
  } else {
    checks["storage"] = head.status().to_string();
    if (failed.ok()) failed = head.status().with_context("storage");
  }
  if (!failed.ok()) {
    return problem_response(503, failed.message(), "unavailable");
  }
  boost::json::object body;
  body["status"] = "ok";
  body["checks"] = std::move(checks);
  return Response::json(200, boost::json::serialize(body));
}

// Jobs by state over every batch, read at scrape time: the counts of a
// finished batch are kept until its row changes, so a scrape asks the queue
// only about the batches still open.
class JobsByState {
 public:
  explicit JobsByState(Bank& bank) : bank_(bank) {}

  Result<JobCounts> total() {
    std::lock_guard lock(mu_);
    IMAGEBANK_ASSIGN_OR_RETURN(std::vector<Batch> batches,
                               bank_.jobs().list_batches());
    std::map<RowId, Kept> still;
    JobCounts sum;
    for (const Batch& b : batches) {
      const bool finished = !b.receiving && (b.state == BatchState::kDone ||
                                             b.state == BatchState::kCancelled);
      JobCounts c;
      auto it = kept_.find(b.id);
      if (finished && it != kept_.end() &&
          it->second.updated_ms == b.updated_ms) {
        c = it->second.counts;
      } else {
        IMAGEBANK_ASSIGN_OR_RETURN(c, bank_.jobs().job_counts(b.id));
      }
      if (finished) still[b.id] = Kept{b.updated_ms, c};
      sum.received += c.received;
      sum.leased += c.leased;
      sum.done += c.done;
      sum.duplicate += c.duplicate;
      sum.failed += c.failed;
      sum.cancelled += c.cancelled;
    }
    kept_ = std::move(still);
    return sum;
  }

 private:
  struct Kept {
    std::int64_t updated_ms = 0;
    JobCounts counts;
  };
  Bank& bank_;
  std::mutex mu_;
  std::map<RowId, Kept> kept_;
};

}  // namespace

Status add_builtin_routes(Router& router, Bank& bank,
                          MetricsRegistry& metrics) {
  Status st = router.add(
      "GET", "/api/v1/health",
      [](Request&) -> Result<Response> {
        return Response::json(200, R"({"status":"ok"})");
      },
      non_blocking());
  if (!st.ok()) return st;
  st = router.add(
      "GET", "/api/v1/openapi.yaml",
      [](Request&) -> Result<Response> {
        return Response::text(200, std::string(openapi_document()),
                              "application/yaml");
      },
      non_blocking());
  if (!st.ok()) return st;
  st =
      router.add("GET", "/api/v1/ready",
                 [&bank](Request&) -> Result<Response> { return ready(bank); });
  if (!st.ok()) return st;
  auto jobs = std::make_shared<JobsByState>(bank);
  MetricFamily& by_state = metrics.gauge(
      "imagebank_jobs", "Ingest jobs by state, over every batch", {"state"});
  metrics.add_collector([jobs, &by_state] {
    Result<JobCounts> c = jobs->total();
    if (!c.ok()) return;  // the catalog is down: /api/v1/ready says so
    by_state.set({"received"}, static_cast<double>(c->received));
    by_state.set({"leased"}, static_cast<double>(c->leased));
    by_state.set({"done"}, static_cast<double>(c->done));
    by_state.set({"duplicate"}, static_cast<double>(c->duplicate));
    by_state.set({"failed"}, static_cast<double>(c->failed));
    by_state.set({"cancelled"}, static_cast<double>(c->cancelled));
  });
  // Blocking: collectors may ask the catalog.
  return router.add("GET", "/metrics",
                    [&metrics](Request&) -> Result<Response> {
                      return Response::text(200, metrics.render(),
                                            std::string(kMetricsContentType));
                    });
}

}  // namespace imagebank::server
