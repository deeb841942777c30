#include "builtin_routes.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

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
  // Blocking: collectors may ask the catalog.
  return router.add("GET", "/metrics",
                    [&metrics](Request&) -> Result<Response> {
                      return Response::text(200, metrics.render(),
                                            std::string(kMetricsContentType));
                    });
}

}  // namespace imagebank::server
