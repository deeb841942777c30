// set_job_content: the SHA-256 and size of a job's file recorded once the
// worker has its bytes (a URL-list job is received with neither), so the
// job's row reads as a folder job's does (batch status, exports, review).
#include <soci/soci.h>

#include <algorithm>

#include "adapters/soci/sql_store.hpp"

namespace imagebank::sql {

Result<Job> SqlCatalogStore::set_job_content(RowId job_id,
                                             std::string_view worker,
                                             std::string_view sha256,
                                             std::uint64_t bytes) {
  IMAGEBANK_RETURN_IF_ERROR(check_text("worker", worker, 256, false));
  const bool hex = sha256.size() == 64 &&
                   std::all_of(sha256.begin(), sha256.end(), [](char c) {
                     return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                   });
  if (!hex) {
    return invalid_argument_error("job " + std::to_string(job_id) +
                                  ": sha256 is not 64 lowercase hex digits");
  }
  if (bytes > (1ull << 50)) {
    return invalid_argument_error("job " + std::to_string(job_id) +
                                  ": bytes is out of range");
  }
  const std::string holder(worker), sha(sha256);
  Job out;
  IMAGEBANK_RETURN_IF_ERROR(write("set_job_content", [&](soci::session& sql) {
    IMAGEBANK_ASSIGN_OR_RETURN(Job job, load_job(sql, job_id));
    if (job.state != JobState::kLeased || job.worker != holder) {
      return conflict_error(
          "job " + std::to_string(job_id) + " is " +
          std::string(job_state_name(job.state)) +
          (job.state == JobState::kLeased ? " by " + job.worker : "") +
          ", not leased by " + holder);
    }
    if (job.kind != JobKind::kProcess) {
      return invalid_argument_error("job " + std::to_string(job_id) +
                                    " is not a process job");
    }
    if (!job.sha256.empty() && job.sha256 != sha) {
      return conflict_error("job " + std::to_string(job_id) +
                            " already has the content " + job.sha256);
    }
    const long long id = job_id, size = static_cast<long long>(bytes),
                    at = now_ms();
    soci::statement st =
        (sql.prepare << "UPDATE jobs SET sha256 = :s, bytes = :b, "
                        "updated_ms = :t WHERE id = :i AND state = 'leased' "
                        "AND worker = :w",
         soci::use(sha), soci::use(size), soci::use(at), soci::use(id),
         soci::use(holder));
    st.execute(true);
    if (st.get_affected_rows() != 1) {
      return conflict_error("job " + std::to_string(job_id) +
                            " is no longer leased by " + holder);
    }
    IMAGEBANK_ASSIGN_OR_RETURN(out, load_job(sql, job_id));
    return Status();
  }));
  return out;
}

}  // namespace imagebank::sql
