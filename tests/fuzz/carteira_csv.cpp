// Fuzz target: read_carteira, seeded with .csv files (corpus/carteira_csv).
#include "carteira_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  imagebank::fuzz::fuzz_carteira(data, size, "fuzz.csv");
  return 0;
}
