// The ingest queue's batches and jobs: batch states, job rows, listings,
// counts and retries. Receiving files (add_jobs) is in sql_jobs_add.cpp; the
// lease side (lease, renew, complete, fail, release) in sql_jobs_lease.cpp.
#include <soci/soci.h>

#include <algorithm>

#include "adapters/soci/sql_store.hpp"
#include "imagebank/core/text.hpp"

namespace imagebank::sql {
namespace {

constexpr char kJobColumns[] =
    "id, batch_id, kind, original_name, sha256, bytes, source_path, state, "
    "attempts, worker, lease_until_ms, error_code, error, image_id, "
    "created_ms, updated_ms";

constexpr char kBatchColumns[] =
    "id, collection_id, state, source, receiving, analysis, created_ms, "
    "updated_ms, group_id, part";

Status fetch_batches(soci::session& sql, const std::string& tail,
                     const std::function<void(soci::statement&)>& bind,
                     std::vector<Batch>& out) {
  long long id = 0, collection = 0, created = 0, updated = 0, group = 0;
  int receiving = 0, part = 0;
  soci::indicator collection_ind = soci::i_null, group_ind = soci::i_null;
  std::string state, source, analysis;
  soci::statement st(sql);
  st.exchange(soci::into(id));
  st.exchange(soci::into(collection, collection_ind));
  st.exchange(soci::into(state));
  st.exchange(soci::into(source));
  st.exchange(soci::into(receiving));
  st.exchange(soci::into(analysis));
  st.exchange(soci::into(created));
  st.exchange(soci::into(updated));
  st.exchange(soci::into(group, group_ind));
  st.exchange(soci::into(part));
  bind(st);
  st.alloc();
  st.prepare(std::string("SELECT ") + kBatchColumns + " FROM batches " + tail);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) {
    Batch b;
    b.id = id;
    b.collection_id = collection_ind == soci::i_ok ? collection : 0;
    Result<BatchState> parsed = parse_batch_state(state);
    if (!parsed.ok()) {
      return corrupt_data_error(
          "batch " + std::to_string(id) +
          " is in an unknown state: " + parsed.status().message());
    }
    b.state = *parsed;
    b.source = source;
    b.receiving = receiving != 0;
    b.analysis = analysis;
    b.created_ms = created;
    b.updated_ms = updated;
    b.group_id = group_ind == soci::i_ok ? group : 0;
    b.part = part;
    out.push_back(std::move(b));
  }
  return {};
}

// done → running happens only through retry_failed_jobs; staying in the
// same state is always a no-op.
bool batch_move_allowed(BatchState from, BatchState to) {
  if (from == to) return true;
  switch (from) {
    case BatchState::kQueued:
      return to == BatchState::kRunning || to == BatchState::kPaused ||
             to == BatchState::kCancelled || to == BatchState::kDone;
    case BatchState::kRunning:
      return to == BatchState::kPaused || to == BatchState::kQueued ||
             to == BatchState::kDone || to == BatchState::kCancelled;
    case BatchState::kPaused:
      return to == BatchState::kQueued || to == BatchState::kRunning ||
             to == BatchState::kCancelled;
    case BatchState::kDone:
    case BatchState::kCancelled:
      return false;
  }
  return false;
}

Status require_batch(soci::session& sql, RowId batch_id) {
  return load_batch(sql, batch_id).status();
}

}  // namespace

// A job's failure from its columns. A code this build does not know (a
// newer one wrote it) reads as internal, the message kept.
Status stored_job_error(const std::string& code, const std::string& message) {
  if (code.empty()) {
    return message.empty() ? Status() : internal_error(message);
  }
  const std::optional<ErrorCode> known = parse_error_code(code);
  return Status(
      known && *known != ErrorCode::kOk ? *known : ErrorCode::kInternal,
      message);
}

// --- shared row helpers ---

Status fetch_jobs(soci::session& sql, const std::string& tail,
                  const std::function<void(soci::statement&)>& bind,
                  std::vector<Job>& out) {
  long long id = 0, batch = 0, bytes = 0, lease = 0, image = 0, created = 0,
            updated = 0;
  int attempts = 0;
  soci::indicator image_ind = soci::i_null;
  std::string kind, name, sha, path, state, worker, error_code, error;
  soci::statement st(sql);
  st.exchange(soci::into(id));
  st.exchange(soci::into(batch));
  st.exchange(soci::into(kind));
  st.exchange(soci::into(name));
  st.exchange(soci::into(sha));
  st.exchange(soci::into(bytes));
  st.exchange(soci::into(path));
  st.exchange(soci::into(state));
  st.exchange(soci::into(attempts));
  st.exchange(soci::into(worker));
  st.exchange(soci::into(lease));
  st.exchange(soci::into(error_code));
  st.exchange(soci::into(error));
  st.exchange(soci::into(image, image_ind));
  st.exchange(soci::into(created));
  st.exchange(soci::into(updated));
  bind(st);
  st.alloc();
  st.prepare(std::string("SELECT ") + kJobColumns + " FROM jobs " + tail);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) {
    Job j;
    j.id = id;
    j.batch_id = batch;
    Result<JobKind> parsed_kind = parse_job_kind(kind);
    if (!parsed_kind.ok()) {
      return corrupt_data_error(
          "job " + std::to_string(id) +
          " is of an unknown kind: " + parsed_kind.status().message());
    }
    j.kind = *parsed_kind;
    j.original_name = name;
    j.sha256 = sha;
    j.bytes = static_cast<std::uint64_t>(bytes);
    j.source_path = path;
    Result<JobState> parsed = parse_job_state(state);
    if (!parsed.ok()) {
      return corrupt_data_error(
          "job " + std::to_string(id) +
          " is in an unknown state: " + parsed.status().message());
    }
    j.state = *parsed;
    j.attempts = attempts;
    j.worker = worker;
    j.lease_until_ms = lease;
    j.error = stored_job_error(error_code, error);
    if (image_ind == soci::i_ok) j.image_id = image;
    j.created_ms = created;
    j.updated_ms = updated;
    out.push_back(std::move(j));
  }
  return {};
}

Result<Job> load_job(soci::session& sql, RowId id) {
  std::vector<Job> found;
  long long key = id;
  IMAGEBANK_RETURN_IF_ERROR(fetch_jobs(
      sql, "WHERE id = :i",
      [&](soci::statement& st) { st.exchange(soci::use(key)); }, found));
  if (found.empty()) {
    return not_found_error("job " + std::to_string(id) + " does not exist");
  }
  return std::move(found.front());
}

Result<Batch> load_batch(soci::session& sql, RowId id) {
  std::vector<Batch> found;
  long long key = id;
  IMAGEBANK_RETURN_IF_ERROR(fetch_batches(
      sql, "WHERE id = :i",
      [&](soci::statement& st) { st.exchange(soci::use(key)); }, found));
  if (found.empty()) {
    return not_found_error("batch " + std::to_string(id) + " does not exist");
  }
  return std::move(found.front());
}

std::string job_error_text(std::string_view error) {
  std::string text = to_utf8(error);
  std::erase(text, '\0');
  if (text.size() <= kMaxJobError) return text;
  std::size_t cut = kMaxJobError;
  // Back up over continuation bytes (10xxxxxx) to a character's start.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  text.resize(cut);
  return text;
}

std::string job_error_code(const Status& error) {
  return error.ok() ? std::string() : std::string(code_name(error.code()));
}

std::string id_list_param(Dialect dialect, std::span<const RowId> ids) {
  std::string out = dialect == Dialect::kPostgres ? "{" : "[";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(ids[i]);
  }
  out += dialect == Dialect::kPostgres ? "}" : "]";
  return out;
}

std::string id_list_match(Dialect dialect, std::string_view column,
                          std::string_view param) {
  std::string out(column);
  if (dialect == Dialect::kPostgres) {
    out += " = ANY(CAST(:" + std::string(param) + " AS bigint[]))";
  } else {
    out += " IN (SELECT value FROM json_each(:" + std::string(param) + "))";
  }
  return out;
}

std::string job_ids_in_state(Dialect dialect, std::string_view param,
                             std::string_view state) {
  return id_list_match(dialect, "id", param) +
         (dialect == Dialect::kSqlite ? " AND +state = '" : " AND state = '") +
         std::string(state) + "'";
}

// --- batches ---

Result<std::vector<Batch>> SqlCatalogStore::list_batches() {
  std::vector<Batch> out;
  IMAGEBANK_RETURN_IF_ERROR(read("list_batches", [&](soci::session& sql) {
    out.clear();
    return fetch_batches(
        sql, "ORDER BY id", [](soci::statement&) {}, out);
  }));
  return out;
}

Result<Batch> SqlCatalogStore::set_batch_state(RowId id, BatchState state) {
  const BatchState to = state;
  const std::string to_name(batch_state_name(to));
  Batch out;
  IMAGEBANK_RETURN_IF_ERROR(write("set_batch_state", [&](soci::session& sql) {
    IMAGEBANK_ASSIGN_OR_RETURN(Batch batch, load_batch(sql, id));
    if (!batch_move_allowed(batch.state, to)) {
      return conflict_error(
          "batch " + std::to_string(id) + ": cannot go from " +
          std::string(batch_state_name(batch.state)) + " to " + to_name);
    }
    if (batch.state == to) {
      out = std::move(batch);
      return Status();
    }
    const long long key = id, at = now_ms();
    if (to == BatchState::kDone) {
      // Done means finished: every file received, no job waiting or leased
      // (checked in this transaction, so a job re-queued meanwhile wins).
      int open = 0;
      sql << "SELECT COUNT(*) FROM (SELECT 1 FROM jobs WHERE batch_id = :b "
             "AND state IN ('received', 'leased') LIMIT 1) o",
          soci::into(open), soci::use(key);
      if (batch.receiving || open > 0) {
        return conflict_error("batch " + std::to_string(id) +
                              " is not finished: " +
                              (batch.receiving ? "files are still being "
                                                 "received"
                                               : "jobs are still open"));
      }
    }
    // Compare-and-set: a concurrent move in between is a conflict, not
    // silently overwritten.
    const std::string from_name(batch_state_name(batch.state));
    soci::statement st =
        (sql.prepare << "UPDATE batches SET state = :s, updated_ms = :t "
                        "WHERE id = :i AND state = :f",
         soci::use(to_name), soci::use(at), soci::use(key),
         soci::use(from_name));
    st.execute(true);
    if (st.get_affected_rows() != 1) {
      return conflict_error("batch " + std::to_string(id) +
                            ": state changed concurrently");
    }
    if (to == BatchState::kCancelled) {
      sql << "UPDATE jobs SET state = 'cancelled', updated_ms = :t WHERE "
             "batch_id = :b AND state = 'received'",
          soci::use(at), soci::use(key);
    }
    IMAGEBANK_ASSIGN_OR_RETURN(out, load_batch(sql, id));
    return Status();
  }));
  return out;
}

Result<Batch> SqlCatalogStore::finish_receiving(RowId id) {
  Batch out;
  IMAGEBANK_RETURN_IF_ERROR(write("finish_receiving", [&](soci::session& sql) {
    IMAGEBANK_ASSIGN_OR_RETURN(out, load_batch(sql, id));
    if (!out.receiving) return Status();
    const long long key = id, at = now_ms();
    sql << "UPDATE batches SET receiving = 0, updated_ms = :t WHERE id = :i",
        soci::use(at), soci::use(key);
    out.receiving = false;
    out.updated_ms = at;
    return Status();
  }));
  return out;
}

Result<Batch> SqlCatalogStore::link_batch(RowId id, RowId group_id, int part) {
  if (part < 1 || group_id <= 0) {
    return invalid_argument_error("batch " + std::to_string(id) +
                                  ": a part number from 1 and a group batch "
                                  "are needed (got part " +
                                  std::to_string(part) + " of group " +
                                  std::to_string(group_id) + ")");
  }
  Batch out;
  IMAGEBANK_RETURN_IF_ERROR(write("link_batch", [&](soci::session& sql) {
    IMAGEBANK_ASSIGN_OR_RETURN(out, load_batch(sql, id));
    if (group_id != id)
      IMAGEBANK_RETURN_IF_ERROR(load_batch(sql, group_id).status());
    const long long key = id, group = group_id, at = now_ms();
    sql << "UPDATE batches SET group_id = :g, part = :p, updated_ms = :t "
           "WHERE id = :i",
        soci::use(group), soci::use(part), soci::use(at), soci::use(key);
    out.group_id = group_id;
    out.part = part;
    out.updated_ms = at;
    return Status();
  }));
  return out;
}

// --- jobs ---

Result<std::vector<std::string>> SqlCatalogStore::job_source_paths(
    RowId batch_id) {
  std::vector<std::string> out;
  IMAGEBANK_RETURN_IF_ERROR(read("job_source_paths", [&](soci::session& sql) {
    out.clear();
    IMAGEBANK_RETURN_IF_ERROR(require_batch(sql, batch_id));
    long long key = batch_id;
    std::string path;
    soci::statement st =
        (sql.prepare << "SELECT source_path FROM jobs WHERE batch_id = :b "
                        "AND kind = 'process' ORDER BY id",
         soci::into(path), soci::use(key));
    st.execute(false);
    while (st.fetch()) out.push_back(path);
    return Status();
  }));
  return out;
}

Result<std::vector<std::string>> SqlCatalogStore::list_source_paths(
    RowId batch_id, std::string_view after, std::size_t limit) {
  if (limit == 0 || limit > 100'000) {
    return invalid_argument_error("limit must be 1..100000, not " +
                                  std::to_string(limit));
  }
  // PostgreSQL compares text by the database's collation (en_US.UTF-8
  // puts "a-b" after "a/c"): byte order is asked for, and has its index
  // (jobs_batch_path_bytes). SQLite's BINARY is byte order already.
  const std::string bytes =
      pool_->dialect() == Dialect::kPostgres ? " COLLATE \"C\"" : "";
  std::vector<std::string> out;
  IMAGEBANK_RETURN_IF_ERROR(read("list_source_paths", [&](soci::session& sql) {
    out.clear();
    IMAGEBANK_RETURN_IF_ERROR(require_batch(sql, batch_id));
    const long long key = batch_id, n = static_cast<long long>(limit);
    const std::string from(after);
    std::string path;
    soci::statement st =
        (sql.prepare << "SELECT source_path FROM jobs WHERE batch_id = :b "
                        "AND kind = 'process' AND source_path" +
                            bytes + " > :a ORDER BY source_path" + bytes +
                            " LIMIT :n",
         soci::into(path), soci::use(key), soci::use(from), soci::use(n));
    st.execute(false);
    while (st.fetch()) out.push_back(path);
    return Status();
  }));
  return out;
}

Result<Job> SqlCatalogStore::get_job(RowId id) {
  Job out;
  IMAGEBANK_RETURN_IF_ERROR(read("get_job", [&](soci::session& sql) {
    IMAGEBANK_ASSIGN_OR_RETURN(out, load_job(sql, id));
    return Status();
  }));
  return out;
}

Result<Page<Job>> SqlCatalogStore::list_jobs(RowId batch_id,
                                             std::optional<JobState> state,
                                             RowId after_id,
                                             std::size_t limit) {
  if (limit == 0 || limit > 10000) {
    return invalid_argument_error("list_jobs: limit must be 1..10000, not " +
                                  std::to_string(limit));
  }
  Page<Job> page;
  IMAGEBANK_RETURN_IF_ERROR(read("list_jobs", [&](soci::session& sql) {
    page.items.clear();
    IMAGEBANK_RETURN_IF_ERROR(require_batch(sql, batch_id));
    long long key = batch_id, after = after_id,
              fetch = static_cast<long long>(limit) + 1;
    std::string s = state ? std::string(job_state_name(*state)) : "";
    return fetch_jobs(
        sql,
        std::string("WHERE batch_id = :b AND id > :a") +
            (state ? " AND state = :s" : "") + " ORDER BY id LIMIT :n",
        [&](soci::statement& st) {
          st.exchange(soci::use(key));
          st.exchange(soci::use(after));
          if (state) st.exchange(soci::use(s));
          st.exchange(soci::use(fetch));
        },
        page.items);
  }));
  if (page.items.size() > limit) {
    page.items.pop_back();
    page.next_after = page.items.back().id;
  }
  return page;
}

Result<std::int64_t> SqlCatalogStore::retry_failed_jobs(RowId batch_id,
                                                        bool only_retryable) {
  std::int64_t out = 0;
  IMAGEBANK_RETURN_IF_ERROR(write("retry_failed_jobs", [&](soci::session& sql) {
    out = 0;
    IMAGEBANK_ASSIGN_OR_RETURN(Batch batch, load_batch(sql, batch_id));
    if (batch.state == BatchState::kCancelled) {
      return conflict_error("batch " + std::to_string(batch_id) +
                            " is cancelled; its jobs are not retried");
    }
    const long long key = batch_id, at = now_ms();
    // A file refused at receive (never leased: attempts 0) was never
    // stored and cannot be processed; ingesting its folder again reads it.
    soci::statement st =
        (sql.prepare << std::string(
                            "UPDATE jobs SET state = 'received', attempts = 0, "
                            "lease_until_ms = 0, error_code = '', error = '', "
                            "worker = '', updated_ms = :t WHERE batch_id = :b "
                            "AND state = 'failed' AND attempts > 0") +
                            (only_retryable ? " AND error_code IN ('io_error', "
                                              "'unavailable', 'rate_limited')"
                                            : ""),
         soci::use(at), soci::use(key));
    st.execute(true);
    out = static_cast<std::int64_t>(st.get_affected_rows());
    if (out > 0 && batch.state == BatchState::kDone) {
      sql << "UPDATE batches SET state = 'running', updated_ms = :t WHERE id = "
             ":i",
          soci::use(at), soci::use(key);
    }
    return Status();
  }));
  return out;
}

Result<JobCounts> SqlCatalogStore::job_counts(RowId batch_id,
                                              std::int64_t since_ms,
                                              std::optional<JobKind> kind) {
  JobCounts out;
  // Every kind: a kind no job has, so the filter passes every row.
  const std::string only(kind ? job_kind_name(*kind) : "");
  const int all = kind ? 0 : 1;
  IMAGEBANK_RETURN_IF_ERROR(read("job_counts", [&](soci::session& sql) {
    out = JobCounts{};
    IMAGEBANK_RETURN_IF_ERROR(require_batch(sql, batch_id));
    long long key = batch_id, since = since_ms, count = 0;
    std::string state;
    soci::statement st =
        (sql.prepare << "SELECT state, COUNT(*) FROM jobs WHERE batch_id = :b "
                        "AND (kind = :k OR :a = 1) GROUP BY state",
         soci::into(state), soci::into(count), soci::use(key), soci::use(only),
         soci::use(all));
    st.execute(false);
    while (st.fetch()) {
      Result<JobState> parsed = parse_job_state(state);
      if (!parsed.ok()) {
        return corrupt_data_error(
            "batch " + std::to_string(batch_id) +
            " has jobs in an unknown state: " + parsed.status().message());
      }
      switch (*parsed) {
        case JobState::kReceived:
          out.received = count;
          break;
        case JobState::kLeased:
          out.leased = count;
          break;
        case JobState::kDone:
          out.done = count;
          break;
        case JobState::kDuplicate:
          out.duplicate = count;
          break;
        case JobState::kFailed:
          out.failed = count;
          break;
        case JobState::kCancelled:
          out.cancelled = count;
          break;
      }
    }
    count = 0;
    sql << "SELECT COUNT(*) FROM jobs WHERE batch_id = :b AND (kind = :k "
           "OR :a = 1) AND state IN ('done', 'duplicate', 'failed') AND "
           "updated_ms >= :s",
        soci::into(count), soci::use(key), soci::use(only), soci::use(all),
        soci::use(since);
    out.finished_since = count;
    return Status();
  }));
  return out;
}

}  // namespace imagebank::sql
