// The vision providers' answer readers on untrusted bodies (one target per
// provider, each with its corpus of the service's documented answers).
#pragma once

#include <string_view>

#include "adapters/vision/answer.hpp"
#include "adapters/vision/remote.hpp"
#include "adapters/vision/remote_answers.hpp"
#include "imagebank/catalog/vision.hpp"

namespace imagebank::fuzz {

// What the analyzer does with an answer that was read: finish it, then
// check it against the contract.
inline void check_vision_result(Result<VisionResult>& result) {
  if (!result.ok()) return;
  if (vision::finish_result(*result).ok()) {
    (void)validate_vision_result(*result);
  }
}

// An error body goes through the shared reader too.
inline void fuzz_service_error(std::string_view body) {
  const auto error = vision::parse_service_error(body);
  (void)error;
}

}  // namespace imagebank::fuzz
