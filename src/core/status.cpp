#include "imagebank/core/status.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "imagebank/core/result.hpp"

namespace imagebank {

std::string_view code_name(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::kOk:
      return "ok";
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kCorruptData:
      return "corrupt_data";
    case ErrorCode::kUnsupportedFormat:
      return "unsupported_format";
    case ErrorCode::kLimitExceeded:
      return "limit_exceeded";
    case ErrorCode::kIoError:
      return "io_error";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kInternal:
      return "internal";
    case ErrorCode::kDeadlineExceeded:
      return "deadline_exceeded";
    case ErrorCode::kUnauthenticated:
      return "unauthenticated";
    case ErrorCode::kPermissionDenied:
      return "permission_denied";
    case ErrorCode::kRateLimited:
      return "rate_limited";
    case ErrorCode::kQuotaExhausted:
      return "quota_exhausted";
    case ErrorCode::kRefused:
      return "refused";
  }
  return "internal";
}

std::optional<ErrorCode> parse_error_code(std::string_view name) noexcept {
  for (ErrorCode c :
       {ErrorCode::kOk, ErrorCode::kInvalidArgument, ErrorCode::kNotFound,
        ErrorCode::kCorruptData, ErrorCode::kUnsupportedFormat,
        ErrorCode::kLimitExceeded, ErrorCode::kIoError, ErrorCode::kUnavailable,
        ErrorCode::kConflict, ErrorCode::kInternal,
        ErrorCode::kDeadlineExceeded, ErrorCode::kUnauthenticated,
        ErrorCode::kPermissionDenied, ErrorCode::kRateLimited,
        ErrorCode::kQuotaExhausted, ErrorCode::kRefused}) {
    if (code_name(c) == name) return c;
  }
  return std::nullopt;
}

Status::Status(ErrorCode code, std::string message) {
  // An "error" with code kOk would be an OK status carrying a message; keep
  // the invariant that OK means no payload.
  if (code != ErrorCode::kOk) {
    rep_ = std::make_shared<const Rep>(
        Rep{code, std::move(message), std::nullopt});
  }
}

const std::string& Status::message() const noexcept {
  static const std::string kEmpty;
  return rep_ ? rep_->message : kEmpty;
}

Status Status::with_context(std::string_view context) const {
  if (ok()) return *this;
  std::string message(context);
  message += ": ";
  message += rep_->message;
  Status out(rep_->code, std::move(message));
  if (rep_->retry_after) return out.with_retry_after(*rep_->retry_after);
  return out;
}

std::optional<std::chrono::milliseconds> Status::retry_after() const noexcept {
  return rep_ ? rep_->retry_after : std::nullopt;
}

Status Status::with_retry_after(std::chrono::milliseconds delay) const {
  if (ok()) return *this;
  Status out;
  out.rep_ = std::make_shared<const Rep>(
      Rep{rep_->code, rep_->message,
          std::max(delay, std::chrono::milliseconds(0))});
  return out;
}

std::string Status::to_string() const {
  if (ok()) return "ok";
  std::string out(code_name(rep_->code));
  out += ": ";
  out += rep_->message;
  return out;
}

std::ostream& operator<<(std::ostream& os, const Status& status) {
  return os << status.to_string();
}

Status invalid_argument_error(std::string message) {
  return Status(ErrorCode::kInvalidArgument, std::move(message));
}
Status not_found_error(std::string message) {
  return Status(ErrorCode::kNotFound, std::move(message));
}
Status corrupt_data_error(std::string message) {
  return Status(ErrorCode::kCorruptData, std::move(message));
}
Status unsupported_format_error(std::string message) {
  return Status(ErrorCode::kUnsupportedFormat, std::move(message));
}
Status limit_exceeded_error(std::string message) {
  return Status(ErrorCode::kLimitExceeded, std::move(message));
}
Status io_error(std::string message) {
  return Status(ErrorCode::kIoError, std::move(message));
}
Status unavailable_error(std::string message) {
  return Status(ErrorCode::kUnavailable, std::move(message));
}
Status conflict_error(std::string message) {
  return Status(ErrorCode::kConflict, std::move(message));
}
Status internal_error(std::string message) {
  return Status(ErrorCode::kInternal, std::move(message));
}
Status deadline_exceeded_error(std::string message) {
  return Status(ErrorCode::kDeadlineExceeded, std::move(message));
}
Status unauthenticated_error(std::string message) {
  return Status(ErrorCode::kUnauthenticated, std::move(message));
}
Status permission_denied_error(std::string message) {
  return Status(ErrorCode::kPermissionDenied, std::move(message));
}
Status rate_limited_error(std::string message) {
  return Status(ErrorCode::kRateLimited, std::move(message));
}
Status quota_exhausted_error(std::string message) {
  return Status(ErrorCode::kQuotaExhausted, std::move(message));
}
Status refused_error(std::string message) {
  return Status(ErrorCode::kRefused, std::move(message));
}

namespace detail {
void die_on_bad_result_access(const Status& status) {
  std::fprintf(stderr, "imagebank: value() on a failed Result: %s\n",
               status.to_string().c_str());
  std::abort();
}
void die_on_ok_status_in_result() {
  std::fprintf(stderr, "imagebank: Result constructed from an OK Status\n");
  std::abort();
}
}  // namespace detail

}  // namespace imagebank
