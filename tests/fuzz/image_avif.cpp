// Fuzz target: probe + decode, seeded with AVIF files (corpus/image_avif,
// dict/isobmff.dict).
#include "image_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  imagebank::fuzz::fuzz_image(data, size);
  return 0;
}
