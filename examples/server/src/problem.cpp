#include "problem.hpp"

#include <array>
#include <boost/beast/http/status.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <utility>

#include "imagebank/core/text.hpp"
#include "imagebank/serve/image_service.hpp"

namespace imagebank::server {

namespace {

// The library's one mapping of codes to statuses (imagebank::http_status);
// the codes in ErrorCode order, so the first code of a status is the one a
// bare HTTP refusal of that status carries.
constexpr auto kCodes = std::to_array<ErrorCode>(
    {ErrorCode::kInvalidArgument, ErrorCode::kNotFound, ErrorCode::kCorruptData,
     ErrorCode::kUnsupportedFormat, ErrorCode::kLimitExceeded,
     ErrorCode::kUnavailable, ErrorCode::kConflict, ErrorCode::kInternal,
     ErrorCode::kDeadlineExceeded, ErrorCode::kUnauthenticated,
     ErrorCode::kPermissionDenied, ErrorCode::kRateLimited,
     ErrorCode::kQuotaExhausted, ErrorCode::kRefused});

// HTTP-level refusals whose status no code maps to.
constexpr auto kExtraStatusCode = std::to_array<std::pair<int, ErrorCode>>({
    {405, ErrorCode::kInvalidArgument},
    {408, ErrorCode::kDeadlineExceeded},
    {411, ErrorCode::kInvalidArgument},
    {414, ErrorCode::kLimitExceeded},
    {416, ErrorCode::kInvalidArgument},
    {417, ErrorCode::kInvalidArgument},
    {431, ErrorCode::kLimitExceeded},
    {501, ErrorCode::kUnsupportedFormat},
});

}  // namespace

int http_status_for(ErrorCode code) noexcept { return http_status(code); }

std::string_view code_name_for_http_status(int status) noexcept {
  for (ErrorCode code : kCodes) {
    if (http_status(code) == status) return code_name(code);
  }
  for (const auto& [s, code] : kExtraStatusCode) {
    if (s == status) return code_name(code);
  }
  return code_name(status >= 500 ? ErrorCode::kInternal
                                 : ErrorCode::kInvalidArgument);
}

std::string_view reason_phrase(int status) noexcept {
  namespace http = boost::beast::http;
  const auto known = http::int_to_status(static_cast<unsigned>(status));
  if (known == http::status::unknown) return {};
  const auto phrase = http::obsolete_reason(known);
  return {phrase.data(), phrase.size()};
}

std::string problem_json(int status, std::string_view detail,
                         std::string_view code) {
  boost::json::object o;
  o["type"] = "about:blank";
  o["title"] = reason_phrase(status);
  o["status"] = status;
  // Details quote what the client sent, which need not be UTF-8; JSON must
  // be (invalid bytes are read as Windows-1252, as core/text.hpp does).
  o["detail"] = to_utf8(detail);
  o["code"] = code;
  return boost::json::serialize(o);
}

Response problem_response(int status, std::string_view detail,
                          std::string_view code) {
  if (code.empty()) code = code_name_for_http_status(status);
  return Response::text(status, problem_json(status, detail, code),
                        std::string(kProblemContentType));
}

Response problem_response(const Status& status) {
  Response r = problem_response(http_status_for(status.code()),
                                status.message(), code_name(status.code()));
  // RFC 9110 11.6.1: a 401 names the scheme that would do.
  if (status.code() == ErrorCode::kUnauthenticated) {
    r.headers.set("WWW-Authenticate", "Bearer realm=\"imagebank\"");
  }
  // Unavailable is for now (a full queue, storage down): when to try again.
  if (status.code() == ErrorCode::kUnavailable) {
    r.headers.set("Retry-After", "5");
  }
  return r;
}

}  // namespace imagebank::server
