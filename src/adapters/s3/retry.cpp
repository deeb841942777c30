#include "adapters/s3/retry.hpp"

namespace imagebank::s3 {

bool is_retryable_answer(int http_status, std::string_view code) {
  if (http_status >= 500 || http_status == 429) return true;
  return code == "RequestTimeout" || code == "SlowDown" ||
         code == "InternalError" || code == "ServiceUnavailable" ||
         code == "ThrottlingException";
}

}  // namespace imagebank::s3
