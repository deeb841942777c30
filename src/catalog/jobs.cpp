#include "imagebank/catalog/jobs.hpp"

#include <string>

namespace imagebank {

std::string_view job_state_name(JobState state) noexcept {
  switch (state) {
    case JobState::kReceived:
      return "received";
    case JobState::kLeased:
      return "leased";
    case JobState::kDone:
      return "done";
    case JobState::kDuplicate:
      return "duplicate";
    case JobState::kFailed:
      return "failed";
    case JobState::kCancelled:
      return "cancelled";
  }
  return "received";
}

Result<JobState> parse_job_state(std::string_view name) {
  for (JobState s :
       {JobState::kReceived, JobState::kLeased, JobState::kDone,
        JobState::kDuplicate, JobState::kFailed, JobState::kCancelled}) {
    if (job_state_name(s) == name) return s;
  }
  return invalid_argument_error(
      "unknown job state '" + std::string(name.substr(0, 32)) +
      "' (expected received, leased, done, duplicate, failed or cancelled)");
}

std::string_view job_kind_name(JobKind kind) noexcept {
  return kind == JobKind::kAnalyze ? "analyze" : "process";
}

Result<JobKind> parse_job_kind(std::string_view name) {
  if (name == "process") return JobKind::kProcess;
  if (name == "analyze") return JobKind::kAnalyze;
  return invalid_argument_error("unknown job kind '" +
                                std::string(name.substr(0, 32)) +
                                "' (expected process or analyze)");
}

std::string_view batch_state_name(BatchState state) noexcept {
  switch (state) {
    case BatchState::kQueued:
      return "queued";
    case BatchState::kRunning:
      return "running";
    case BatchState::kPaused:
      return "paused";
    case BatchState::kDone:
      return "done";
    case BatchState::kCancelled:
      return "cancelled";
  }
  return "queued";
}

Result<BatchState> parse_batch_state(std::string_view name) {
  for (BatchState s :
       {BatchState::kQueued, BatchState::kRunning, BatchState::kPaused,
        BatchState::kDone, BatchState::kCancelled}) {
    if (batch_state_name(s) == name) return s;
  }
  return invalid_argument_error(
      "unknown batch state '" + std::string(name.substr(0, 32)) +
      "' (expected queued, running, paused, done or cancelled)");
}

}  // namespace imagebank
