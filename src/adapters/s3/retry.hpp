// The retry policy of S3 requests: which answers are worth another attempt
// (the wait before it is the shared client's backoff_delay).
#pragma once

#include <string_view>

#include "imagebank/adapters/http/retry.hpp"

namespace imagebank::s3 {

using http::backoff_delay;
using http::RetryPolicy;

// 5xx and 429 answers, and the S3 error codes that mean "try again"
// (some servers send them with a 400).
bool is_retryable_answer(int http_status, std::string_view s3_error_code);

}  // namespace imagebank::s3
