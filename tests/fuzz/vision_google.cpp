// Fuzz target: Cloud Vision images:annotate answers
// (read_cloud_vision_answer), for one photo and for three.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "vision_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const auto body = imagebank::fuzz::text_of(data, size);
  const imagebank::VisionRequest request;
  for (const std::size_t count : {std::size_t{1}, std::size_t{3}}) {
    auto results =
        imagebank::vision::read_cloud_vision_answer(body, count, request);
    if (results.size() != count) {
      __builtin_trap();  // one result per photo sent
    }
    for (auto& result : results) {
      imagebank::fuzz::check_vision_result(result);
    }
  }
  imagebank::fuzz::fuzz_service_error(body);
  return 0;
}
