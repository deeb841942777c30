// Receiving files into a batch: add_jobs, idempotent by source_path, so a
// receive step that resumes after a crash skips the files already there.
#include <soci/soci.h>

#include <algorithm>
#include <set>
#include <unordered_map>

#include "adapters/soci/sql_json.hpp"
#include "adapters/soci/sql_store.hpp"

namespace imagebank::sql {
namespace {

bool is_sha256_hex(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Status check_job(const JobInsert& job) {
  IMAGEBANK_RETURN_IF_ERROR(
      check_text("job source_path", job.source_path, 4096, false));
  const std::string who = "job " + job.source_path + ": ";
  IMAGEBANK_RETURN_IF_ERROR(
      check_text(who + "original_name", job.original_name, 1024, true));
  if (!job.sha256.empty() && !is_sha256_hex(job.sha256)) {
    return invalid_argument_error(who +
                                  "sha256 is not 64 lowercase hex digits");
  }
  if (job.bytes > (1ull << 50)) {
    return invalid_argument_error(who + "bytes is out of range");
  }
  if (job.state == JobState::kDuplicate) {
    if (!job.image_id) {
      return invalid_argument_error(who + "a duplicate job needs its image_id");
    }
  } else if (job.image_id) {
    return invalid_argument_error(who + "image_id is only for duplicate jobs");
  }
  if (job.state == JobState::kFailed) {
    if (job.error.ok()) {
      return invalid_argument_error(who + "a failed job needs its error");
    }
  } else if (job.state != JobState::kReceived &&
             job.state != JobState::kDuplicate) {
    return invalid_argument_error(who + "state '" +
                                  std::string(job_state_name(job.state)) +
                                  "' is not received, duplicate or failed");
  }
  return {};
}

// A PostgreSQL array literal of texts: every element quoted, so none reads
// as NULL or as a nested array.
std::string text_array(const std::vector<const std::string*>& values) {
  std::string out = "{";
  for (const std::string* v : values) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : *v) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

// SQLite: one prepared statement run per row (in-process, cheap).
Status insert_jobs_sqlite(soci::session& sql, long long batch,
                          const std::vector<const JobInsert*>& jobs,
                          long long at) {
  std::string path, name, sha, state, code, error;
  long long bytes = 0, image = 0;
  soci::indicator image_ind = soci::i_null;
  soci::statement st =
      (sql.prepare << "INSERT INTO jobs (batch_id, source_path, original_name, "
                      "sha256, bytes, state, error_code, error, image_id, "
                      "created_ms, updated_ms) VALUES (:b, :p, :o, :s, :y, "
                      ":st, :c, :e, :i, :t, :t2) ON CONFLICT (batch_id, "
                      "kind, source_path) DO NOTHING",
       soci::use(batch), soci::use(path), soci::use(name), soci::use(sha),
       soci::use(bytes), soci::use(state), soci::use(code), soci::use(error),
       soci::use(image, image_ind), soci::use(at), soci::use(at));
  for (const JobInsert* j : jobs) {
    path = j->source_path;
    name = j->original_name;
    sha = j->sha256;
    bytes = static_cast<long long>(j->bytes);
    state = job_state_name(j->state);
    code = job_error_code(j->error);
    error = job_error_text(j->error.message());
    image = j->image_id.value_or(0);
    image_ind = j->image_id ? soci::i_ok : soci::i_null;
    st.execute(true);
  }
  return {};
}

// PostgreSQL: one INSERT ... SELECT FROM unnest(arrays) per chunk, one round
// trip instead of one per job.
Status insert_jobs_postgres(soci::session& sql, long long batch,
                            const std::vector<const JobInsert*>& jobs,
                            long long at) {
  constexpr std::size_t kChunk = 2000;
  for (std::size_t start = 0; start < jobs.size(); start += kChunk) {
    const std::size_t end = std::min(jobs.size(), start + kChunk);
    std::vector<const std::string*> paths, names, shas, states, codes, errors;
    std::vector<std::string> state_names, code_names, error_texts;
    state_names.reserve(end - start);
    code_names.reserve(end - start);
    error_texts.reserve(end - start);
    std::string bytes = "{", images = "{";
    for (std::size_t i = start; i < end; ++i) {
      const JobInsert& j = *jobs[i];
      paths.push_back(&j.source_path);
      names.push_back(&j.original_name);
      shas.push_back(&j.sha256);
      state_names.emplace_back(job_state_name(j.state));
      code_names.push_back(job_error_code(j.error));
      error_texts.push_back(job_error_text(j.error.message()));
      if (i > start) {
        bytes += ',';
        images += ',';
      }
      bytes += std::to_string(j.bytes);
      images += j.image_id ? std::to_string(*j.image_id) : "NULL";
    }
    for (std::size_t i = 0; i < error_texts.size(); ++i) {
      states.push_back(&state_names[i]);
      codes.push_back(&code_names[i]);
      errors.push_back(&error_texts[i]);
    }
    bytes += '}';
    images += '}';
    const std::string a_paths = text_array(paths), a_names = text_array(names),
                      a_shas = text_array(shas), a_states = text_array(states),
                      a_codes = text_array(codes),
                      a_errors = text_array(errors);
    sql << "INSERT INTO jobs (batch_id, source_path, original_name, sha256, "
           "bytes, state, error_code, error, image_id, created_ms, updated_ms) "
           "SELECT :b, p, o, s, y, st, c, e, i, :t, :t2 FROM unnest("
           "CAST(:a0 AS text[]), CAST(:a1 AS text[]), CAST(:a2 AS text[]), "
           "CAST(:a3 AS bigint[]), CAST(:a4 AS text[]), CAST(:a5 AS text[]), "
           "CAST(:a6 AS text[]), CAST(:a7 AS bigint[])) "
           "AS u(p, o, s, y, st, c, e, i) "
           "ON CONFLICT (batch_id, kind, source_path) DO NOTHING",
        soci::use(batch), soci::use(at), soci::use(at), soci::use(a_paths),
        soci::use(a_names), soci::use(a_shas), soci::use(bytes),
        soci::use(a_states), soci::use(a_codes), soci::use(a_errors),
        soci::use(images);
  }
  return {};
}

}  // namespace

Result<std::vector<Job>> SqlCatalogStore::add_jobs(
    RowId batch_id, std::span<const JobInsert> jobs) {
  for (const JobInsert& job : jobs) IMAGEBANK_RETURN_IF_ERROR(check_job(job));
  // Distinct paths in path order: two transactions adding overlapping sets
  // take the index entries in the same order. A repeat resolves to the first.
  std::vector<const JobInsert*> unique;
  {
    std::set<std::string_view> seen;
    for (const JobInsert& job : jobs) {
      if (seen.insert(job.source_path).second) unique.push_back(&job);
    }
    std::sort(unique.begin(), unique.end(),
              [](const JobInsert* a, const JobInsert* b) {
                return a->source_path < b->source_path;
              });
  }
  std::set<RowId> images;
  for (const JobInsert& job : jobs) {
    if (job.image_id) images.insert(*job.image_id);
  }
  std::vector<Job> out;
  IMAGEBANK_RETURN_IF_ERROR(write("add_jobs", [&](soci::session& sql) {
    out.clear();
    IMAGEBANK_ASSIGN_OR_RETURN(Batch batch, load_batch(sql, batch_id));
    if (batch.state == BatchState::kDone ||
        batch.state == BatchState::kCancelled) {
      return conflict_error("batch " + std::to_string(batch_id) + " is " +
                            std::string(batch_state_name(batch.state)) +
                            "; it takes no more files");
    }
    for (RowId image : images) {
      IMAGEBANK_RETURN_IF_ERROR(load_image(sql, image).status());
    }
    if (unique.empty()) return Status();
    const long long key = batch_id, at = now_ms();
    IMAGEBANK_RETURN_IF_ERROR(pool_->dialect() == Dialect::kPostgres
                                  ? insert_jobs_postgres(sql, key, unique, at)
                                  : insert_jobs_sqlite(sql, key, unique, at));
    // Read back what is stored (new or kept) for every path asked.
    std::vector<const std::string*> paths;
    std::vector<std::string> path_list;
    for (const JobInsert* j : unique) {
      paths.push_back(&j->source_path);
      path_list.push_back(j->source_path);
    }
    const bool pg = pool_->dialect() == Dialect::kPostgres;
    const std::string list = pg ? text_array(paths) : to_json(path_list);
    std::vector<Job> stored;
    IMAGEBANK_RETURN_IF_ERROR(fetch_jobs(
        sql,
        std::string("WHERE batch_id = :b AND kind = 'process' AND "
                    "source_path ") +
            (pg ? "= ANY(CAST(:p AS text[]))"
                : "IN (SELECT value FROM json_each(:p))"),
        [&](soci::statement& st) {
          st.exchange(soci::use(key));
          st.exchange(soci::use(list));
        },
        stored));
    std::unordered_map<std::string_view, const Job*> by_path;
    for (const Job& j : stored) by_path.emplace(j.source_path, &j);
    out.reserve(jobs.size());
    for (const JobInsert& job : jobs) {
      const auto it = by_path.find(job.source_path);
      if (it == by_path.end()) {
        return internal_error("job " + job.source_path +
                              " neither inserted nor found");
      }
      out.push_back(*it->second);
      if (!job.conflicts.empty() && it->second->state == JobState::kDuplicate) {
        IMAGEBANK_RETURN_IF_ERROR(write_conflicts(
            sql, it->second->id, std::nullopt, job.conflicts, at));
      }
    }
    return Status();
  }));
  return out;
}

}  // namespace imagebank::sql
