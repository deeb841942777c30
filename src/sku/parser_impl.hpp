// SkuRules compiled: every word normalised once, lookups by byte tables.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/sku/filename.hpp"

namespace imagebank {

struct SkuParser::Impl {
  SkuRules rules;  // as given
  std::array<bool, 256> is_separator{};
  std::vector<std::string> extensions;  // normalised, without the dot
  std::size_t max_extension = 0;        // the longest, in bytes
  std::vector<std::string> copy_suffixes;
  std::vector<std::string> copy_prefixes;
  // First and last bytes of the copy markers: most names need no compare.
  std::array<bool, 256> copy_prefix_first{};
  std::array<bool, 256> copy_suffix_last{};
  std::vector<std::string> camera_patterns;  // normalised
  // Bytes a camera pattern can start with: most stems skip every pattern.
  std::array<bool, 256> camera_first{};
  std::vector<std::string> views;  // distinct, in view_words order
  struct Word {
    std::string text;  // normalised
    std::uint16_t view;
  };
  std::vector<std::vector<Word>> words_by_length;
  std::size_t max_digits = 2;

  // The view index of a view word, optionally followed by up to max_digits
  // digits; -1 when `token` is not one.
  int view_of(std::string_view token) const;
};

// What match() needs beyond SkuParse: the index of the known SKU.
struct SkuParserAccess {
  static Result<SkuParse> parse(const SkuParser& parser, std::string_view path,
                                const KnownSkus* known,
                                std::uint32_t* known_index);
  static const SkuParser::Impl& impl(const SkuParser& parser) {
    return *parser.impl_;
  }
};

// '#' one ASCII digit, '?' one byte, '*' any run; other bytes literal.
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace imagebank
