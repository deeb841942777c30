#include "imagebank/sku/match.hpp"

#include <algorithm>
#include <unordered_map>

#include "imagebank/core/text.hpp"
#include "imagebank/core/thread_pool.hpp"
#include "sku/parser_impl.hpp"

namespace imagebank {
namespace {

// Below this many names the pool costs more than it saves.
constexpr std::size_t kBlock = 2048;

// Photos and views seen for one SKU; views as flags in the parser's order.
struct Tally {
  std::size_t photos = 0;
  std::vector<char> views;
};

void count(Tally& tally, const std::vector<std::string>& views,
           const std::string& view) {
  ++tally.photos;
  if (view.empty()) return;
  const auto at = std::find(views.begin(), views.end(), view);
  if (at != views.end()) tally.views[at - views.begin()] = 1;
}

SkuPhotos photos_of(std::string sku, const Tally& tally,
                    const std::vector<std::string>& views) {
  SkuPhotos out{std::move(sku), tally.photos, {}};
  for (std::size_t v = 0; v < views.size(); ++v) {
    if (tally.views[v]) out.views.push_back(views[v]);
  }
  return out;
}

}  // namespace

MatchReport match(std::span<const std::string> filenames,
                  const KnownSkus& known, const SkuParser& parser) {
  MatchReport report;
  const std::size_t n = filenames.size();
  report.files.resize(n);
  const auto parse_one = [&](std::size_t i) {
    MatchedFile& file = report.files[i];
    file.input = to_utf8(filenames[i]);
    std::uint32_t index = 0;
    Result<SkuParse> parsed =
        SkuParserAccess::parse(parser, filenames[i], &known, &index);
    if (!parsed.ok()) {
      file.status = parsed.status();
      return;
    }
    file.parse = std::move(parsed).value();
    if (file.parse.reason == SkuReason::kKnownSku) file.sku = index;
  };
  if (n <= kBlock) {
    for (std::size_t i = 0; i < n; ++i) parse_one(i);
  } else {
    ThreadPool::shared().parallel_for(
        (n + kBlock - 1) / kBlock, [&](std::size_t block) {
          const std::size_t end = std::min(n, (block + 1) * kBlock);
          for (std::size_t i = block * kBlock; i < end; ++i) parse_one(i);
        });
  }

  const std::vector<std::string>& views = SkuParserAccess::impl(parser).views;
  std::vector<Tally> known_tally(known.size(),
                                 Tally{0, std::vector<char>(views.size(), 0)});
  std::vector<std::pair<std::string, Tally>> unknown;
  std::unordered_map<std::string, std::size_t> unknown_index;
  for (std::size_t i = 0; i < n; ++i) {
    const MatchedFile& file = report.files[i];
    if (file.matched()) {
      count(known_tally[*file.sku], views, file.parse.view);
      continue;
    }
    report.photos_without_sku.push_back(i);
    if (file.status.ok() && file.parse.reason == SkuReason::kGrammar) {
      const auto [at, added] =
          unknown_index.try_emplace(file.parse.sku_base, unknown.size());
      if (added) {
        unknown.emplace_back(file.parse.sku_base,
                             Tally{0, std::vector<char>(views.size(), 0)});
      }
      count(unknown[at->second].second, views, file.parse.view);
    }
  }
  report.skus.reserve(known.size());
  for (std::size_t s = 0; s < known.size(); ++s) {
    report.skus.push_back(photos_of(known.skus()[s], known_tally[s], views));
    if (known_tally[s].photos == 0) {
      report.skus_without_photos.push_back(known.skus()[s]);
    }
  }
  report.unknown_skus.reserve(unknown.size());
  for (auto& [sku, tally] : unknown) {
    report.unknown_skus.push_back(photos_of(std::move(sku), tally, views));
  }
  return report;
}

}  // namespace imagebank
