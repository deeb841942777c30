// Fuzz target: read_carteira, seeded with .ods files (corpus/carteira_ods).
#include "carteira_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  imagebank::fuzz::fuzz_carteira(data, size, "fuzz.ods");
  return 0;
}
