// Fuzz target: read_carteira, seeded with .xlsx files (corpus/carteira_xlsx).
#include "carteira_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  imagebank::fuzz::fuzz_carteira(data, size, "fuzz.xlsx");
  return 0;
}
