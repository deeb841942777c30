// The lease side of the ingest queue: leasing due jobs to a worker, renewing
// and releasing leases, and ending a job (its image, variants and
// near-duplicates committed with the job's end in one transaction).
//
// A lease is held by a worker name; every end of a job is a compare-and-set
// on (state = 'leased', worker = holder), so a worker whose lease was taken
// away writes nothing.
//
// Lease times are on the queue's clock, the database's: workers on machines
// whose clocks disagree still agree on when a lease ends. A time a caller
// passes (release_leases' now_ms, fail_job's retry_at_ms) is read on the
// caller's clock and moved onto the queue's by the caller's distance from
// it, so "now" stays now and "now + 10 s" stays ten seconds ahead.
#include <soci/soci.h>

#include <algorithm>
#include <set>

#include "adapters/soci/sql_store.hpp"

namespace imagebank::sql {
namespace {

constexpr std::int64_t kMaxLeaseMs = 7LL * 24 * 3600 * 1000;

Status check_worker(std::string_view worker) {
  return check_text("worker", worker, 256, false);
}

Status check_lease_ms(std::int64_t lease_ms) {
  if (lease_ms <= 0 || lease_ms > kMaxLeaseMs) {
    return invalid_argument_error("lease_ms must be 1.." +
                                  std::to_string(kMaxLeaseMs) + ", not " +
                                  std::to_string(lease_ms));
  }
  return {};
}

Status check_outcome(const JobOutcome& outcome) {
  IMAGEBANK_RETURN_IF_ERROR(check_image(outcome.image));
  IMAGEBANK_RETURN_IF_ERROR(check_variants(outcome.variants));
  for (const NearDuplicate& d : outcome.near_duplicates) {
    IMAGEBANK_RETURN_IF_ERROR(
        check_text("near-duplicate algorithm", d.algorithm, 32, false));
    if (d.distance < 0 || d.distance > 1024) {
      return invalid_argument_error("near-duplicate distance " +
                                    std::to_string(d.distance) +
                                    " is out of range");
    }
  }
  return {};
}

// The error of a job whose holders kept vanishing: its code and message.
// "internal", not "unavailable": the file itself may be what kills the
// worker, so a resume (retry_failed_jobs with only_retryable) leaves it
// alone.
constexpr char kStoppedError[] =
    "error_code = 'internal', error = 'the worker holding this job stopped ' "
    "|| CAST(attempts AS TEXT) || ' times before finishing it (crash, kill or "
    "hang)'";

// The job is leased by `worker`: takes its row lock (the UPDATE) so the
// end that follows cannot race a release. not_found or conflict otherwise.
Status hold(soci::session& sql, RowId job_id, const std::string& worker,
            long long at) {
  const long long id = job_id;
  soci::statement st =
      (sql.prepare << "UPDATE jobs SET updated_ms = :t WHERE id = :i AND "
                      "state = 'leased' AND worker = :w",
       soci::use(at), soci::use(id), soci::use(worker));
  st.execute(true);
  if (st.get_affected_rows() == 1) return {};
  IMAGEBANK_ASSIGN_OR_RETURN(Job job, load_job(sql, job_id));
  return conflict_error(
      "job " + std::to_string(job_id) + " is " +
      std::string(job_state_name(job.state)) +
      (job.state == JobState::kLeased ? " by " + job.worker : "") +
      ", not leased by " + worker);
}

// Near-duplicates of a new image; those naming no other stored image are
// left out (the index a worker matched against may hold a row that was
// never committed).
Status write_near_duplicates(soci::session& sql, RowId image_id,
                             std::span<const NearDuplicate> found,
                             long long at) {
  if (found.empty()) return {};
  long long id = image_id, other = 0;
  int distance = 0, exists = 0;
  std::string algorithm;
  soci::statement probe =
      (sql.prepare << "SELECT COUNT(*) FROM images WHERE id = :o",
       soci::into(exists), soci::use(other));
  soci::statement insert =
      (sql.prepare << "INSERT INTO near_duplicates (image_id, other_image_id, "
                      "distance, algorithm, created_ms) VALUES (:i, :o, :d, "
                      ":a, :t) ON CONFLICT (image_id, other_image_id, "
                      "algorithm) DO NOTHING",
       soci::use(id), soci::use(other), soci::use(distance),
       soci::use(algorithm), soci::use(at));
  for (const NearDuplicate& d : found) {
    if (d.other_image_id == image_id) continue;
    other = d.other_image_id;
    exists = 0;
    probe.execute(true);
    if (exists == 0) continue;
    distance = d.distance;
    algorithm = d.algorithm;
    insert.execute(true);
  }
  return {};
}

// The queue's clock. PostgreSQL: the server's (clock_timestamp(), not the
// transaction's start). SQLite is in-process, on one machine: its clock.
long long queue_clock_ms(soci::session& sql, Dialect dialect) {
  if (dialect != Dialect::kPostgres) return now_ms();
  long long at = 0;
  sql << "SELECT CAST(FLOOR(EXTRACT(EPOCH FROM clock_timestamp()) * 1000) AS "
         "BIGINT)",
      soci::into(at);
  return at;
}

// A time on the caller's clock, moved onto the queue's.
long long on_queue_clock(long long caller_ms, long long caller_now,
                         long long queue_now) {
  return queue_now + (caller_ms - caller_now);
}

}  // namespace

Result<std::vector<Job>> SqlCatalogStore::lease_jobs(
    const LeaseOptions& options) {
  IMAGEBANK_RETURN_IF_ERROR(check_worker(options.worker));
  IMAGEBANK_RETURN_IF_ERROR(check_lease_ms(options.lease_ms));
  if (options.max_jobs == 0 || options.max_jobs > 10000) {
    return invalid_argument_error("max_jobs must be 1..10000, not " +
                                  std::to_string(options.max_jobs));
  }
  const Dialect dialect = pool_->dialect();
  std::vector<Job> out;
  IMAGEBANK_RETURN_IF_ERROR(write("lease_jobs", [&](soci::session& sql) {
    out.clear();
    const long long at = queue_clock_ms(sql, dialect),
                    until = at + options.lease_ms;
    const std::string kind(job_kind_name(options.kind));
    // The runnable batches first, then each one's due jobs through the
    // (state, kind, batch_id, id) index: jobs that wait in paused batches
    // are never walked past, however many there are.
    std::vector<RowId> runnable;
    {
      long long id = 0, only = options.batch_id.value_or(0);
      soci::statement st(sql);
      st.exchange(soci::into(id));
      if (options.batch_id) st.exchange(soci::use(only));
      st.alloc();
      st.prepare(std::string("SELECT id FROM batches WHERE state IN "
                             "('queued', 'running')") +
                 (options.batch_id ? " AND id = :b" : "") + " ORDER BY id");
      st.define_and_bind();
      st.execute(false);
      while (st.fetch()) runnable.push_back(id);
    }
    // PostgreSQL: rows another leaser has locked are skipped, and a row
    // leased by a transaction that committed meanwhile fails the state
    // recheck on locking. SQLite: the write transaction already holds the
    // database's write lock.
    std::vector<RowId> ids;
    long long id = 0, batch = 0, limit = 0;
    soci::statement pick =
        (sql.prepare << std::string(
                            "SELECT id FROM jobs WHERE state = 'received' AND "
                            "kind = :k AND batch_id = :b AND lease_until_ms "
                            "<= :now ORDER BY id LIMIT :n") +
                            (dialect == Dialect::kPostgres
                                 ? " FOR UPDATE SKIP LOCKED"
                                 : ""),
         soci::into(id), soci::use(kind), soci::use(batch), soci::use(at),
         soci::use(limit));
    for (RowId b : runnable) {
      if (ids.size() >= options.max_jobs) break;
      batch = b;
      limit = static_cast<long long>(options.max_jobs - ids.size());
      pick.execute(false);
      while (pick.fetch()) ids.push_back(id);
    }
    if (ids.empty()) return Status();
    const std::string list = id_list_param(dialect, ids);
    sql << "UPDATE jobs SET state = 'leased', worker = :w, attempts = "
           "attempts + 1, lease_until_ms = :u, updated_ms = :t WHERE " +
               job_ids_in_state(dialect, "ids", "received"),
        soci::use(options.worker), soci::use(until), soci::use(at),
        soci::use(list);
    IMAGEBANK_RETURN_IF_ERROR(fetch_jobs(
        sql,
        "WHERE " + id_list_match(dialect, "id", "ids") +
            " ORDER BY batch_id, id",
        [&](soci::statement& st) { st.exchange(soci::use(list)); }, out));
    // Batches in id order: concurrent leasers lock them in the same order.
    std::set<RowId> batches;
    for (const Job& j : out) batches.insert(j.batch_id);
    long long key = 0;
    soci::statement start =
        (sql.prepare << "UPDATE batches SET state = 'running', updated_ms = "
                        ":t WHERE id = :i AND state = 'queued'",
         soci::use(at), soci::use(key));
    for (RowId b : batches) {
      key = b;
      start.execute(true);
    }
    return Status();
  }));
  return out;
}

Result<std::int64_t> SqlCatalogStore::renew_leases(
    std::string_view worker, std::span<const RowId> job_ids,
    std::int64_t lease_ms) {
  IMAGEBANK_RETURN_IF_ERROR(check_worker(worker));
  IMAGEBANK_RETURN_IF_ERROR(check_lease_ms(lease_ms));
  if (job_ids.empty()) return std::int64_t{0};
  const Dialect dialect = pool_->dialect();
  const std::string holder(worker), list = id_list_param(dialect, job_ids);
  std::int64_t out = 0;
  IMAGEBANK_RETURN_IF_ERROR(write("renew_leases", [&](soci::session& sql) {
    const long long at = queue_clock_ms(sql, dialect), until = at + lease_ms;
    soci::statement st =
        (sql.prepare << "UPDATE jobs SET lease_until_ms = :u WHERE " +
                            job_ids_in_state(dialect, "ids", "leased") +
                            " AND worker = :w",
         soci::use(until), soci::use(list), soci::use(holder));
    st.execute(true);
    out = static_cast<std::int64_t>(st.get_affected_rows());
    return Status();
  }));
  return out;
}

Result<ImageInsert> SqlCatalogStore::complete_job(RowId job_id,
                                                  std::string_view worker,
                                                  const JobOutcome& outcome) {
  IMAGEBANK_RETURN_IF_ERROR(check_worker(worker));
  IMAGEBANK_RETURN_IF_ERROR(check_outcome(outcome));
  const std::string holder(worker);
  ImageInsert out;
  IMAGEBANK_RETURN_IF_ERROR(write("complete_job", [&](soci::session& sql) {
    const long long at = now_ms(), id = job_id;
    IMAGEBANK_RETURN_IF_ERROR(hold(sql, job_id, holder, at));
    std::string kind;
    sql << "SELECT kind FROM jobs WHERE id = :i", soci::into(kind),
        soci::use(id);
    if (kind != job_kind_name(JobKind::kProcess)) {
      return invalid_argument_error("job " + std::to_string(job_id) +
                                    " is an " + kind +
                                    " job: it ends with finish_job");
    }
    std::vector<ImageInsert> stored;
    IMAGEBANK_RETURN_IF_ERROR(insert_images_in(
        pool_->dialect(), sql, std::span<const ImageRecord>(&outcome.image, 1),
        stored));
    out = std::move(stored.front());
    if (!out.duplicate) {
      IMAGEBANK_RETURN_IF_ERROR(
          write_variants(sql, out.image.id, outcome.variants));
      IMAGEBANK_RETURN_IF_ERROR(write_near_duplicates(
          sql, out.image.id, outcome.near_duplicates, at));
      // The new image's analysis, when its batch asks for one.
      const long long image = out.image.id;
      sql << "INSERT INTO jobs (batch_id, kind, source_path, original_name, "
             "sha256, bytes, state, image_id, created_ms, updated_ms) SELECT "
             "j.batch_id, 'analyze', j.source_path, j.original_name, "
             "j.sha256, j.bytes, 'received', :m, :t, :t2 FROM jobs j JOIN "
             "batches b ON b.id = j.batch_id WHERE j.id = :i AND b.analysis "
             "<> '' ON CONFLICT (batch_id, kind, source_path) DO NOTHING",
          soci::use(image), soci::use(at), soci::use(at), soci::use(id);
    }
    IMAGEBANK_RETURN_IF_ERROR(
        write_job_conflicts(sql, job_id, outcome, out, at));
    const std::string state(
        job_state_name(out.duplicate ? JobState::kDuplicate : JobState::kDone));
    const long long image = out.image.id;
    sql << "UPDATE jobs SET state = :s, image_id = :m, worker = '', "
           "error_code = '', error = '', lease_until_ms = 0, updated_ms = :t "
           "WHERE id = :i",
        soci::use(state), soci::use(image), soci::use(at), soci::use(id);
    return Status();
  }));
  return out;
}

Result<Job> SqlCatalogStore::finish_job(RowId job_id, std::string_view worker) {
  IMAGEBANK_RETURN_IF_ERROR(check_worker(worker));
  const std::string holder(worker);
  Job out;
  IMAGEBANK_RETURN_IF_ERROR(write("finish_job", [&](soci::session& sql) {
    const long long at = now_ms(), id = job_id;
    IMAGEBANK_RETURN_IF_ERROR(hold(sql, job_id, holder, at));
    sql << "UPDATE jobs SET state = 'done', worker = '', error_code = '', "
           "error = '', lease_until_ms = 0, updated_ms = :t WHERE id = :i",
        soci::use(at), soci::use(id);
    IMAGEBANK_ASSIGN_OR_RETURN(out, load_job(sql, job_id));
    return Status();
  }));
  return out;
}

Result<Job> SqlCatalogStore::fail_job(RowId job_id, std::string_view worker,
                                      const Status& error,
                                      std::optional<std::int64_t> retry_at_ms) {
  IMAGEBANK_RETURN_IF_ERROR(check_worker(worker));
  if (error.ok()) {
    return invalid_argument_error("a job fails with an error, not OK");
  }
  const std::string code = job_error_code(error);
  const std::string text = job_error_text(error.message());
  if (retry_at_ms && *retry_at_ms < 0) {
    return invalid_argument_error("retry_at_ms is negative");
  }
  const std::string holder(worker);
  const std::string state(
      job_state_name(retry_at_ms ? JobState::kReceived : JobState::kFailed));
  const Dialect dialect = pool_->dialect();
  Job out;
  IMAGEBANK_RETURN_IF_ERROR(write("fail_job", [&](soci::session& sql) {
    const long long at = now_ms(), id = job_id,
                    until = retry_at_ms
                                ? on_queue_clock(*retry_at_ms, at,
                                                 queue_clock_ms(sql, dialect))
                                : 0;
    IMAGEBANK_RETURN_IF_ERROR(hold(sql, job_id, holder, at));
    // A retry in a batch cancelled meanwhile is cancelled instead.
    sql << "UPDATE jobs SET state = CASE WHEN CAST(:s AS TEXT) = 'received' "
           "AND EXISTS "
           "(SELECT 1 FROM batches b WHERE b.id = jobs.batch_id AND b.state "
           "= 'cancelled') THEN 'cancelled' ELSE CAST(:s2 AS TEXT) END, "
           "lease_until_ms = :u, error_code = :c, error = :e, worker = '', "
           "updated_ms = :t WHERE id = :i",
        soci::use(state), soci::use(state), soci::use(until), soci::use(code),
        soci::use(text), soci::use(at), soci::use(id);
    IMAGEBANK_ASSIGN_OR_RETURN(out, load_job(sql, job_id));
    return Status();
  }));
  return out;
}

Result<std::int64_t> SqlCatalogStore::release_leases(
    std::int64_t now_ms, std::optional<std::string> worker, int max_attempts) {
  if (worker) IMAGEBANK_RETURN_IF_ERROR(check_worker(*worker));
  if (max_attempts < 1) {
    return invalid_argument_error("max_attempts must be at least 1, not " +
                                  std::to_string(max_attempts));
  }
  const std::string scope =
      std::string("state = 'leased' AND (lease_until_ms < :now") +
      (worker ? " OR worker = :w)" : ")");
  const Dialect dialect = pool_->dialect();
  std::int64_t out = 0;
  IMAGEBANK_RETURN_IF_ERROR(write("release_leases", [&](soci::session& sql) {
    out = 0;
    const long long at = imagebank::sql::now_ms(),
                    now = on_queue_clock(now_ms, at,
                                         queue_clock_ms(sql, dialect));
    const std::string holder = worker.value_or("");
    auto run = [&](const std::string& query) {
      soci::statement st(sql);
      st.exchange(soci::use(at));
      st.exchange(soci::use(now));
      if (worker) st.exchange(soci::use(holder));
      st.exchange(soci::use(max_attempts));
      st.alloc();
      st.prepare(query);
      st.define_and_bind();
      st.execute(true);
      out += static_cast<std::int64_t>(st.get_affected_rows());
    };
    run(std::string("UPDATE jobs SET state = 'failed', ") + kStoppedError +
        ", worker = '', lease_until_ms = 0, updated_ms = :t WHERE " + scope +
        " AND attempts >= :m");
    run("UPDATE jobs SET state = CASE WHEN EXISTS (SELECT 1 FROM batches b "
        "WHERE b.id = jobs.batch_id AND b.state = 'cancelled') THEN "
        "'cancelled' ELSE 'received' END, worker = '', lease_until_ms = 0, "
        "updated_ms = :t WHERE " +
        scope + " AND attempts < :m");
    return Status();
  }));
  return out;
}

Result<std::vector<std::string>> SqlCatalogStore::lease_holders() {
  std::vector<std::string> out;
  IMAGEBANK_RETURN_IF_ERROR(read("lease_holders", [&](soci::session& sql) {
    out.clear();
    std::string worker;
    soci::statement st =
        (sql.prepare << "SELECT DISTINCT worker FROM jobs WHERE state = "
                        "'leased' ORDER BY worker",
         soci::into(worker));
    st.execute(false);
    while (st.fetch()) out.push_back(worker);
    return Status();
  }));
  return out;
}

}  // namespace imagebank::sql
