// Fuzz target: probe + decode, seeded with JPEG files (corpus/image_jpeg,
// dict/jpeg.dict).
#include "image_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  imagebank::fuzz::fuzz_image(data, size);
  return 0;
}
