// The ingest queue over HTTP: batches (made here for uploads and for lists
// of image URLs, which the server's workers fetch), their progress and review,
// the moves a person makes (pause, resume, cancel, retry the failed files,
// finish an upload) and their progress as Server-Sent Events.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cmath>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "api_routes.hpp"
#include "api_support.hpp"

namespace imagebank::server {

// A batch's source is its paths, one a line, up to 16 MiB: the list shows
// the first lines only; GET /api/v1/batches/{id} shows it whole.
constexpr std::size_t kListedSourceBytes = 1024;

boost::json::object batch_progress_json(const BatchProgress& p,
                                        bool whole_source) {
  const Batch& b = p.batch;
  boost::json::object counts{
      {"received", p.counts.received}, {"leased", p.counts.leased},
      {"done", p.counts.done},         {"duplicate", p.counts.duplicate},
      {"failed", p.counts.failed},     {"cancelled", p.counts.cancelled},
      {"total", p.counts.total()}};
  // The analyses of its new photos (analyze jobs), apart from the files.
  boost::json::object analysis{
      {"received", p.analysis.received},   {"leased", p.analysis.leased},
      {"done", p.analysis.done},           {"failed", p.analysis.failed},
      {"cancelled", p.analysis.cancelled}, {"total", p.analysis.total()}};
  boost::json::object o{{"id", b.id},
                        {"state", batch_state_name(b.state)},
                        {"receiving", b.receiving},
                        {"counts", std::move(counts)},
                        {"analyzers", b.analysis},
                        {"analysis", std::move(analysis)},
                        {"rate", p.rate},
                        {"elapsed_ms", p.elapsed_ms},
                        {"last_error", p.last_error},
                        {"created_ms", b.created_ms},
                        {"updated_ms", b.updated_ms}};
  // The parts of one URL list share a group (the first part's id).
  if (b.part > 0) {
    o["group_id"] = b.group_id;
  } else {
    o["group_id"] = nullptr;
  }
  o["part"] = b.part;
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

namespace {

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
                      {"kind", job_kind_name(job.kind)},
                      {"original_name", job.original_name},
                      {"attempts", job.attempts},
                      {"code", code_name(job.error.code())},
                      {"reason", job.error.message()}});
  }
  return {{"unmatched", review.unmatched},
          {"near_duplicate_count", review.near_duplicate_count},
          {"near_duplicates", std::move(near)},
          {"failed_count", review.failed_count},
          {"failures", std::move(failed)}};
}

Result<Response> list(Request& request, Bank& bank, Auth& auth) {
  IMAGEBANK_RETURN_IF_ERROR(auth.require(request, ApiScope::kRead).status());
  IMAGEBANK_RETURN_IF_ERROR(check_query(request, {}));
  IMAGEBANK_ASSIGN_OR_RETURN(std::vector<BatchProgress> all, bank.batches());
  boost::json::array items;
  for (const BatchProgress& p : all)
    items.push_back(batch_progress_json(p, false));
  return json_response(200, boost::json::object{{"items", std::move(items)}});
}

Result<Response> detail(Request& request, Bank& bank, Auth& auth) {
  IMAGEBANK_RETURN_IF_ERROR(auth.require(request, ApiScope::kRead).status());
  IMAGEBANK_ASSIGN_OR_RETURN(RowId id, path_row_id(request, "batch id"));
  IMAGEBANK_RETURN_IF_ERROR(check_query(request, {}));
  IMAGEBANK_ASSIGN_OR_RETURN(BatchProgress progress, bank.batch(id));
  IMAGEBANK_ASSIGN_OR_RETURN(BatchReview review, bank.review(id));
  boost::json::object body = batch_progress_json(progress, true);
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
  body["batch"] = batch_progress_json(progress, false);
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

Result<boost::json::object> resume(Bank& bank, RowId id) {
  IMAGEBANK_ASSIGN_OR_RETURN(Batch batch, bank.jobs().get_batch(id));
  if (batch.state == BatchState::kPaused) {
    IMAGEBANK_RETURN_IF_ERROR(
        bank.jobs().set_batch_state(id, BatchState::kQueued).status());
  } else if (batch.state == BatchState::kDone ||
             batch.state == BatchState::kCancelled) {
    return conflict_error("batch " + std::to_string(id) + " is " +
                          std::string(batch_state_name(batch.state)) +
                          ": there is nothing to resume");
  }
  return boost::json::object{};
}

Result<boost::json::object> finish(Bank& bank, RowId id) {
  IMAGEBANK_RETURN_IF_ERROR(bank.finish_upload(id).status());
  return boost::json::object{};
}

Result<std::string> optional_text(const boost::json::object& body,
                                  std::string_view key) {
  const boost::json::value* v = body.if_contains(key);
  if (v == nullptr || v->is_null()) return std::string();
  if (!v->is_string()) {
    return invalid_argument_error("\"" + std::string(key) +
                                  "\" must be a string");
  }
  std::string text(v->as_string());
  if (text.size() > 1024) {
    return invalid_argument_error("\"" + std::string(key) +
                                  "\" is longer than 1024 bytes");
  }
  return text;
}

// A URL list's rows: each a URL string or {"url", "sku"?, "name"?}.
Result<std::vector<UrlRow>> url_rows(const boost::json::value& urls) {
  if (!urls.is_array()) {
    return invalid_argument_error(
        "\"urls\" must be an array of URLs or {\"url\", \"sku\", \"name\"} "
        "objects");
  }
  std::vector<UrlRow> rows;
  for (const boost::json::value& item : urls.as_array()) {
    const std::string where = "urls[" + std::to_string(rows.size()) + "]";
    UrlRow row;
    row.line = static_cast<std::int64_t>(rows.size() + 1);
    if (item.is_string()) {
      row.url = std::string(item.as_string());
    } else if (item.is_object()) {
      const boost::json::object& o = item.as_object();
      for (const auto& field : o) {
        const std::string_view key = field.key();
        if (key != "url" && key != "sku" && key != "name") {
          return invalid_argument_error(where + ": unknown field \"" +
                                        std::string(key) +
                                        "\" (url, sku, name)");
        }
      }
      const boost::json::value* url = o.if_contains("url");
      if (url == nullptr || !url->is_string()) {
        return invalid_argument_error(where + ": \"url\" must be a string");
      }
      row.url = std::string(url->as_string());
      IMAGEBANK_ASSIGN_OR_RETURN(row.sku, optional_text(o, "sku"));
      IMAGEBANK_ASSIGN_OR_RETURN(row.name, optional_text(o, "name"));
    } else {
      return invalid_argument_error(where +
                                    " must be a URL or an object with \"url\"");
    }
    rows.push_back(std::move(row));
  }
  if (rows.empty()) return invalid_argument_error("\"urls\" is empty");
  return rows;
}

Result<std::size_t> max_batch_size(const boost::json::object& body) {
  const boost::json::value* v = body.if_contains("max_batch_size");
  if (v == nullptr || v->is_null()) return UrlBatchOptions{}.max_batch_size;
  // JSON has one number type: 3.0 is the integer 3.
  double n = -1;
  if (v->is_int64()) n = static_cast<double>(v->as_int64());
  if (v->is_double() && std::trunc(v->as_double()) == v->as_double()) {
    n = v->as_double();
  }
  if (n < 1 || n > 100'000) {
    return invalid_argument_error(
        "\"max_batch_size\" must be an integer 1..100000");
  }
  return static_cast<std::size_t>(n);
}

// A URL list's batches: enqueued by an Ingestor on the request's collection
// with the server's options (its fetcher, with the --fetch-allow hosts, and
// its analysis stage); the server's workers fetch and process them.
Result<std::vector<Batch>> enqueue_url_list(const boost::json::object& body,
                                            const UploadTarget& target,
                                            const std::string& label,
                                            Bank& bank,
                                            const Ingestor& uploads) {
  IMAGEBANK_ASSIGN_OR_RETURN(std::vector<UrlRow> rows,
                             url_rows(body.at("urls")));
  UrlBatchOptions bo;
  IMAGEBANK_ASSIGN_OR_RETURN(bo.max_batch_size, max_batch_size(body));
  bo.label = label;
  IngestOptions options = uploads.options();
  options.collection = target.collection;
  options.brand = target.brand;
  options.season = target.season;
  options.progress = nullptr;
  IMAGEBANK_ASSIGN_OR_RETURN(std::unique_ptr<Ingestor> lister,
                             bank.ingestor(std::move(options)));
  return lister->enqueue_urls(rows, bo);
}

// POST /api/v1/batches {"collection", "brand", "season", "label"}: an
// upload batch, receiving until POST .../finish. With "urls" (and
// "max_batch_size"): a URL list's batches, linked parts, the first answered
// as "batch" and every one in "parts".
Result<Response> create(Request& request, Bank& bank, Ingestor& uploads,
                        Auth& auth) {
  IMAGEBANK_RETURN_IF_ERROR(auth.require(request, ApiScope::kUpload).status());
  IMAGEBANK_RETURN_IF_ERROR(check_query(request, {}));
  IMAGEBANK_ASSIGN_OR_RETURN(boost::json::object body,
                             json_object_body(request));
  for (const auto& field : body) {
    const std::string_view key = field.key();
    if (key != "collection" && key != "brand" && key != "season" &&
        key != "label" && key != "urls" && key != "max_batch_size") {
      return invalid_argument_error(
          "unknown field \"" + std::string(key) +
          "\" (collection, brand, season, label, urls, max_batch_size)");
    }
  }
  UploadTarget target;
  IMAGEBANK_ASSIGN_OR_RETURN(target.collection,
                             optional_text(body, "collection"));
  IMAGEBANK_ASSIGN_OR_RETURN(target.brand, optional_text(body, "brand"));
  IMAGEBANK_ASSIGN_OR_RETURN(target.season, optional_text(body, "season"));
  IMAGEBANK_ASSIGN_OR_RETURN(const std::string label,
                             optional_text(body, "label"));
  if (target.collection.empty() &&
      (!target.brand.empty() || !target.season.empty())) {
    return invalid_argument_error(
        "a brand or season needs a collection to go with");
  }
  if (body.contains("urls")) {
    IMAGEBANK_ASSIGN_OR_RETURN(
        std::vector<Batch> parts,
        enqueue_url_list(body, target, label, bank, uploads));
    boost::json::array listed;
    for (const Batch& part : parts) {
      IMAGEBANK_ASSIGN_OR_RETURN(BatchProgress progress, bank.batch(part.id));
      listed.push_back(batch_progress_json(progress, false));
    }
    boost::json::object first = listed.front().as_object();
    Response response =
        json_response(201, boost::json::object{{"batch", std::move(first)},
                                               {"parts", std::move(listed)}});
    response.headers.set("Location",
                         "/api/v1/batches/" + std::to_string(parts.front().id));
    return response;
  }
  if (const boost::json::value* v = body.if_contains("max_batch_size");
      v != nullptr && !v->is_null()) {
    return invalid_argument_error("\"max_batch_size\" goes with \"urls\"");
  }
  IMAGEBANK_ASSIGN_OR_RETURN(Batch batch,
                             uploads.open_upload_batch(target, label));
  IMAGEBANK_ASSIGN_OR_RETURN(BatchProgress progress, bank.batch(batch.id));
  Response response = json_response(
      201, boost::json::object{{"batch", batch_progress_json(progress, true)}});
  response.headers.set("Location",
                       "/api/v1/batches/" + std::to_string(batch.id));
  return response;
}

// One SSE event: the batch's progress, its id the snapshot's counts and
// state (a client that reconnects with the id it saw gets no repeat).
std::string progress_event_id(const BatchProgress& p) {
  const JobCounts& c = p.counts;
  return std::to_string(c.received) + "." + std::to_string(c.leased) + "." +
         std::to_string(c.done) + "." + std::to_string(c.duplicate) + "." +
         std::to_string(c.failed) + "." + std::to_string(c.cancelled) + "." +
         std::string(batch_state_name(p.batch.state)) + "." +
         (p.batch.receiving ? "r" : "f");
}

bool finished(const Batch& b) {
  return b.state == BatchState::kCancelled ||
         (b.state == BatchState::kDone && !b.receiving);
}

Status write_text(const BodySink& sink, std::string_view text) {
  return sink(std::span<const std::byte>(
      reinterpret_cast<const std::byte*>(text.data()), text.size()));
}

// GET /api/v1/batches/{id}/events: text/event-stream of "progress" events
// (each the batch's JSON) while it changes, then one "end" event once the
// batch is done or cancelled. A comment every 15 s keeps proxies (and the
// check for a client gone) awake.
Result<Response> events(Request& request, Bank& bank, Auth& auth,
                        const Lifecycle& life) {
  IMAGEBANK_RETURN_IF_ERROR(auth.require(request, ApiScope::kRead).status());
  IMAGEBANK_ASSIGN_OR_RETURN(RowId id, path_row_id(request, "batch id"));
  IMAGEBANK_RETURN_IF_ERROR(check_query(request, {}));
  IMAGEBANK_RETURN_IF_ERROR(bank.batch(id).status());  // 404 now, not later
  if (life.live_streams.load() >= life.max_streams) {
    return unavailable_error("too many event streams are open (" +
                             std::to_string(life.max_streams) +
                             "); poll GET /api/v1/batches/{id} or retry later");
  }
  std::string last_seen;
  if (const std::string* h = request.headers.find("Last-Event-ID")) {
    last_seen = *h;
  }
  Response response = Response::stream(
      200, std::nullopt,
      [&bank, &life, id, last_seen](const BodySink& sink) -> Status {
        std::string last = last_seen;
        IMAGEBANK_RETURN_IF_ERROR(write_text(sink, "retry: 2000\n\n"));
        auto quiet_since = std::chrono::steady_clock::now();
        while (!life.stopping.load()) {
          Result<BatchProgress> p = bank.batch(id);
          if (!p.ok()) {
            // The catalog hiccuped: say so as an event, keep trying.
            boost::json::object err{{"code", code_name(p.status().code())},
                                    {"detail", p.status().message()}};
            IMAGEBANK_RETURN_IF_ERROR(write_text(
                sink,
                "event: error\ndata: " + boost::json::serialize(err) + "\n\n"));
          } else {
            const std::string event_id = progress_event_id(*p);
            if (event_id != last) {
              last = event_id;
              IMAGEBANK_RETURN_IF_ERROR(write_text(
                  sink,
                  "id: " + event_id + "\nevent: progress\ndata: " +
                      boost::json::serialize(batch_progress_json(*p, false)) +
                      "\n\n"));
              quiet_since = std::chrono::steady_clock::now();
            }
            if (finished(p->batch)) {
              return write_text(
                  sink, "event: end\ndata: {\"state\": \"" +
                            std::string(batch_state_name(p->batch.state)) +
                            "\"}\n\n");
            }
          }
          if (std::chrono::steady_clock::now() - quiet_since >
              std::chrono::seconds(15)) {
            IMAGEBANK_RETURN_IF_ERROR(write_text(sink, ": keep-alive\n\n"));
            quiet_since = std::chrono::steady_clock::now();
          }
          for (int i = 0; i < 5 && !life.stopping.load(); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            // Ends as soon as the client has gone.
            IMAGEBANK_RETURN_IF_ERROR(sink(std::span<const std::byte>()));
          }
        }
        return Status();
      },
      "text/event-stream; charset=utf-8");
  auto& stream = std::get<StreamBody>(response.body);
  stream.long_lived = true;
  response.headers.set("Cache-Control", "no-store");
  response.headers.set("X-Accel-Buffering", "no");
  return response;
}

}  // namespace

Status add_batch_routes(Router& router, Bank& bank, Auth& auth,
                        const Lifecycle& life, Ingestor& uploads) {
  IMAGEBANK_RETURN_IF_ERROR(router.add(
      "POST", "/api/v1/batches",
      [&bank, &uploads, &auth](Request& r) {
        return create(r, bank, uploads, auth);
      },
      json_body()));
  IMAGEBANK_RETURN_IF_ERROR(router.add("GET", "/api/v1/batches/{id}/events",
                                       [&bank, &auth, &life](Request& r) {
                                         return events(r, bank, auth, life);
                                       }));
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
      {"/api/v1/batches/{id}/resume", resume},
      {"/api/v1/batches/{id}/finish", finish},
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
