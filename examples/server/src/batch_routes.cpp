// The ingest queue over HTTP: batches, their progress and review, and the
// moves a person makes (pause, cancel, retry the failed files). Resume is
// not here: it needs workers in this process.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <functional>

#include "api_routes.hpp"
#include "api_support.hpp"

namespace imagebank::server {
namespace {

// A batch's source is its paths, one a line, up to 16 MiB: the list shows
// the first lines only; GET /api/v1/batches/{id} shows it whole.
constexpr std::size_t kListedSourceBytes = 1024;

boost::json::object progress_json(const BatchProgress& p, bool whole_source) {
  const Batch& b = p.batch;
  boost::json::object counts{
      {"received", p.counts.received}, {"leased", p.counts.leased},
      {"done", p.counts.done},         {"duplicate", p.counts.duplicate},
      {"failed", p.counts.failed},     {"cancelled", p.counts.cancelled},
      {"total", p.counts.total()}};
  boost::json::object o{{"id", b.id},
                        {"state", batch_state_name(b.state)},
                        {"receiving", b.receiving},
                        {"counts", std::move(counts)},
                        {"rate", p.rate},
                        {"elapsed_ms", p.elapsed_ms},
                        {"last_error", p.last_error},
                        {"created_ms", b.created_ms},
                        {"updated_ms", b.updated_ms}};
  if (b.collection_id > 0) {
    o["collection_id"] = b.collection_id;
  } else {
    o["collection_id"] = nullptr;
  }
  if (p.eta_seconds) {
    o["eta_seconds"] = *p.eta_seconds;
  } else {
    o["eta_seconds"] = nullptr;
  }
  std::string_view source = b.source;
  bool truncated = false;
  if (!whole_source && source.size() > kListedSourceBytes) {
    const auto cut = source.rfind('\n', kListedSourceBytes);
    source = source.substr(
        0, cut == std::string_view::npos ? kListedSourceBytes : cut);
    truncated = true;
  }
  o["source"] = source;
  o["source_truncated"] = truncated;
  return o;
}

boost::json::object review_json(const BatchReview& review) {
  boost::json::array near;
  for (const NamedNearDuplicate& d : review.near_duplicates) {
    near.push_back({{"image_id", d.pair.image_id},
                    {"image_name", d.image_name},
                    {"other_image_id", d.pair.other_image_id},
                    {"other_name", d.other_name},
                    {"distance", d.pair.distance},
                    {"algorithm", d.pair.algorithm}});
  }
  boost::json::array failed;
  for (const Job& job : review.failed) {
    failed.push_back({{"job_id", job.id},
                      {"original_name", job.original_name},
                      {"attempts", job.attempts},
                      {"code", code_name(job.error.code())},
                      {"reason", job.error.message()}});
  }
  return {{"unmatched", review.unmatched},
          {"near_duplicate_count", review.near_duplicate_count},
          {"near_duplicates", std::move(near)},
          {"failures", std::move(failed)}};
}

Result<Response> list(Request& request, Bank& bank, Auth& auth) {
  IMAGEBANK_RETURN_IF_ERROR(auth.require(request, ApiScope::kRead).status());
  IMAGEBANK_RETURN_IF_ERROR(check_query(request, {}));
  IMAGEBANK_ASSIGN_OR_RETURN(std::vector<BatchProgress> all, bank.batches());
  boost::json::array items;
  for (const BatchProgress& p : all) items.push_back(progress_json(p, false));
  return json_response(200, boost::json::object{{"items", std::move(items)}});
}

Result<Response> detail(Request& request, Bank& bank, Auth& auth) {
  IMAGEBANK_RETURN_IF_ERROR(auth.require(request, ApiScope::kRead).status());
  IMAGEBANK_ASSIGN_OR_RETURN(RowId id, path_row_id(request, "batch id"));
  IMAGEBANK_RETURN_IF_ERROR(check_query(request, {}));
  IMAGEBANK_ASSIGN_OR_RETURN(BatchProgress progress, bank.batch(id));
  IMAGEBANK_ASSIGN_OR_RETURN(BatchReview review, bank.review(id));
  boost::json::object body = progress_json(progress, true);
  body["review"] = review_json(review);
  return json_response(200, body);
}

// pause, cancel, retry-failed: the library refuses a move the batch's state
// does not allow with `conflict` (409).
using Change = std::function<Result<boost::json::object>(Bank&, RowId)>;

Result<Response> change(Request& request, Bank& bank, Auth& auth,
                        const Change& apply) {
  IMAGEBANK_RETURN_IF_ERROR(auth.require(request, ApiScope::kUpload).status());
  IMAGEBANK_ASSIGN_OR_RETURN(RowId id, path_row_id(request, "batch id"));
  IMAGEBANK_RETURN_IF_ERROR(check_query(request, {}));
  IMAGEBANK_ASSIGN_OR_RETURN(boost::json::object body, apply(bank, id));
  IMAGEBANK_ASSIGN_OR_RETURN(BatchProgress progress, bank.batch(id));
  body["batch"] = progress_json(progress, false);
  return json_response(200, body);
}

Result<boost::json::object> pause(Bank& bank, RowId id) {
  IMAGEBANK_RETURN_IF_ERROR(bank.pause(id).status());
  return boost::json::object{};
}

Result<boost::json::object> cancel(Bank& bank, RowId id) {
  IMAGEBANK_RETURN_IF_ERROR(bank.cancel(id).status());
  return boost::json::object{};
}

Result<boost::json::object> retry_failed(Bank& bank, RowId id) {
  IMAGEBANK_ASSIGN_OR_RETURN(std::int64_t requeued, bank.retry_failed(id));
  return boost::json::object{{"requeued", requeued}};
}

}  // namespace

Status add_batch_routes(Router& router, Bank& bank, Auth& auth) {
  IMAGEBANK_RETURN_IF_ERROR(
      router.add("GET", "/api/v1/batches",
                 [&bank, &auth](Request& r) { return list(r, bank, auth); }));
  IMAGEBANK_RETURN_IF_ERROR(
      router.add("GET", "/api/v1/batches/{id}",
                 [&bank, &auth](Request& r) { return detail(r, bank, auth); }));
  const std::pair<const char*, Change> changes[] = {
      {"/api/v1/batches/{id}/pause", pause},
      {"/api/v1/batches/{id}/cancel", cancel},
      {"/api/v1/batches/{id}/retry-failed", retry_failed},
  };
  for (const auto& [pattern, apply] : changes) {
    IMAGEBANK_RETURN_IF_ERROR(
        router.add("POST", pattern, [&bank, &auth, apply = apply](Request& r) {
          return change(r, bank, auth, apply);
        }));
  }
  return Status();
}

}  // namespace imagebank::server
