// Fuzz target: what the library reads back from the .xls helper process
// (xls_wire.hpp). The helper is replaced by /bin/cat, so the input comes
// back verbatim on the pipe as the helper's output: a helper fooled by a
// malformed workbook (or a crashed one) cannot hurt the caller. The helper
// itself (libfreexl) runs in a child with limits and is not fuzzed here.
#include <cstddef>
#include <cstdint>

#include "carteira/builder.hpp"
#include "carteira/xls_child.hpp"
#include "carteira_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  if (size == 0) return 0;  // the memfd of an empty input is refused early
  imagebank::carteira::CarteiraBuilder builder(
      "fuzz.xls", imagebank::fuzz::small_carteira_options());
  imagebank::carteira::XlsChildOptions options;
  options.helper = "/bin/cat";
  options.wall_seconds = 5;
  const auto status = imagebank::carteira::read_xls_in_child(
      imagebank::fuzz::bytes_of(data, size), builder, options);
  if (status.ok()) {
    const auto carteira = std::move(builder).finish();
    (void)carteira;
  }
  return 0;
}
