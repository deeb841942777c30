// Fuzz target: OpenAI Chat Completions answers (read_openai_answer).
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "vision_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const auto body = imagebank::fuzz::text_of(data, size);
  imagebank::VisionRequest request;
  request.want_items = size % 2 == 0;
  auto result = imagebank::vision::read_openai_answer(body, request);
  imagebank::fuzz::check_vision_result(result);
  imagebank::fuzz::fuzz_service_error(body);
  return 0;
}
