// Fuzz target: the SKU grammar of file names. The input is lines: the
// first is a path to parse, the rest (at most 64) the known SKUs; every
// line is also run through match() against them.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "imagebank/sku/filename.hpp"
#include "imagebank/sku/known_skus.hpp"
#include "imagebank/sku/match.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text = imagebank::fuzz::text_of(data, size);
  std::vector<std::string> lines;
  while (!text.empty() && lines.size() < 65) {
    const std::size_t end = text.find('\n');
    lines.emplace_back(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view{}
                                         : text.substr(end + 1);
  }
  if (lines.empty()) lines.emplace_back();
  static const imagebank::SkuParser parser;
  const auto alone = parser.parse(lines.front());
  const std::vector<std::string> skus(lines.begin() + 1, lines.end());
  const imagebank::KnownSkus known(skus);
  const auto with_known = parser.parse(lines.front(), &known);
  if (alone.ok() != with_known.ok()) {
    __builtin_trap();  // only the name's length can refuse it
  }
  const imagebank::MatchReport report = imagebank::match(lines, known, parser);
  if (report.files.size() != lines.size()) {
    __builtin_trap();
  }
  return 0;
}
