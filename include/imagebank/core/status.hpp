// Status: the outcome of an operation that returns no value.
//
// A Status is either OK or carries an error code and a message. The message
// names the input (file path or "<memory>") and the reason, so it can be shown
// to a user as it is. Statuses are cheap to copy when OK (no allocation).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace imagebank {

// The error codes of the whole library. Their names (see code_name) are part
// of the public surface: the CLI prints them and Python maps each to an
// exception class.
enum class ErrorCode : int {
  kOk = 0,
  kInvalidArgument,    // the caller passed something malformed
  kNotFound,           // a file, key or row does not exist
  kCorruptData,        // the input is damaged or truncated
  kUnsupportedFormat,  // recognised (or not) but not something we handle
  kLimitExceeded,      // the input is larger than the configured Limits
  kIoError,            // the operating system or a device failed
  kUnavailable,        // a service is unreachable; retrying may succeed
  kConflict,           // the operation clashes with the current state
  kInternal,           // a bug in imagebank
  // An operation ran out of its time budget (Limits::decode_deadline): the
  // input may be fine and a less busy machine may finish it. Last, so the
  // values above keep their numbers.
  kDeadlineExceeded,
  // The caller did not prove who it is: no credentials, or ones that are
  // malformed, unknown, revoked or expired (HTTP 401).
  kUnauthenticated,
  // The caller is known but may not do this, or its signed URL does not
  // match (HTTP 403).
  kPermissionDenied,
  // A service asks the caller to slow down; Status::retry_after says for how
  // long when the service named a delay (HTTP 429).
  kRateLimited,
  // A service's quota (per day, per billing account) is used up: retrying
  // soon will not help; fall back to another service.
  kQuotaExhausted,
  // A service declined the request on its content policy (a vision model's
  // refusal, a blocked prompt). The same input will be refused again.
  kRefused,
};

// "ok", "invalid_argument", "not_found", ... ("internal" for unknown values).
std::string_view code_name(ErrorCode code) noexcept;
// The code whose code_name is `name`; nullopt for an unknown name.
std::optional<ErrorCode> parse_error_code(std::string_view name) noexcept;

class [[nodiscard]] Status {
 public:
  Status() noexcept = default;  // OK
  Status(ErrorCode code, std::string message);

  bool ok() const noexcept { return rep_ == nullptr; }
  ErrorCode code() const noexcept { return rep_ ? rep_->code : ErrorCode::kOk; }
  // Empty when OK.
  const std::string& message() const noexcept;

  // A copy whose message is "<context>: <message>"; OK stays OK. Used to name
  // the input that failed when an error crosses from a parser to its caller.
  Status with_context(std::string_view context) const;

  // The delay the failing service asked for before another attempt
  // (rate_limited, unavailable); nullopt when it named none (or OK).
  std::optional<std::chrono::milliseconds> retry_after() const noexcept;
  // A copy carrying `delay` as its retry_after (negative delays read as 0);
  // OK stays OK. with_context keeps it.
  Status with_retry_after(std::chrono::milliseconds delay) const;

  // "ok" or "<code_name>: <message>".
  std::string to_string() const;

  // Explicitly drop a status the caller has decided not to act on.
  void ignore() const noexcept {}

  friend bool operator==(const Status& a, const Status& b) noexcept {
    return a.code() == b.code() && a.message() == b.message();
  }

 private:
  struct Rep {
    ErrorCode code;
    std::string message;
    std::optional<std::chrono::milliseconds> retry_after;
  };
  // Shared and immutable: copying an error status never reallocates.
  std::shared_ptr<const Rep> rep_;
};

std::ostream& operator<<(std::ostream& os, const Status& status);

inline Status ok_status() noexcept { return Status(); }
Status invalid_argument_error(std::string message);
Status not_found_error(std::string message);
Status corrupt_data_error(std::string message);
Status unsupported_format_error(std::string message);
Status limit_exceeded_error(std::string message);
Status io_error(std::string message);
Status unavailable_error(std::string message);
Status conflict_error(std::string message);
Status internal_error(std::string message);
Status deadline_exceeded_error(std::string message);
Status unauthenticated_error(std::string message);
Status permission_denied_error(std::string message);
Status rate_limited_error(std::string message);
Status quota_exhausted_error(std::string message);
Status refused_error(std::string message);

}  // namespace imagebank
