// Errors as RFC 9457 problem details (application/problem+json):
//   {"type":"about:blank","title":"Not Found","status":404,
//    "detail":"no image 12","code":"not_found"}
// `code` is the imagebank error code name (imagebank/core/status.hpp), the
// one clients branch on; `title` is the status's reason phrase, as RFC 9457
// asks for type "about:blank".
#pragma once

#include <string>
#include <string_view>

#include "http_types.hpp"
#include "imagebank/core/status.hpp"

namespace imagebank::server {

inline constexpr std::string_view kProblemContentType =
    "application/problem+json";

// The HTTP status for an imagebank error code (500 for codes the table
// does not name).
int http_status_for(ErrorCode code) noexcept;
// The code name a problem of HTTP status `status` carries when no Status
// produced it (a framing refusal, an unknown route): "invalid_argument" for
// most 4xx, "internal" for unknown 5xx.
std::string_view code_name_for_http_status(int status) noexcept;
// "Not Found"; "" for a status without a standard phrase.
std::string_view reason_phrase(int status) noexcept;

std::string problem_json(int status, std::string_view detail,
                         std::string_view code);
// A problem response; `code` defaults to code_name_for_http_status(status).
Response problem_response(int status, std::string_view detail,
                          std::string_view code = {});
// The problem for a failed Status (must not be OK).
Response problem_response(const Status& status);

}  // namespace imagebank::server
