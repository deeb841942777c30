// Matching a batch of photo file names against the known SKUs (a Carteira),
// and the report of what is missing: SKUs with no photos, photos with no SKU,
// and per SKU the number of photos and the views present.
//
// Deterministic: files are reported in input order, known SKUs in the order
// of KnownSkus::skus(), SKUs read from names but not known in order of first
// appearance, views in the order of SkuRules::view_words.
//
// Threading: match() parses large batches on the shared ThreadPool; it may be
// called from any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "imagebank/core/status.hpp"
#include "imagebank/sku/filename.hpp"
#include "imagebank/sku/known_skus.hpp"

namespace imagebank {

struct MatchedFile {
  std::string input;  // the name as given, as UTF-8
  // Not OK when the name was refused (limit_exceeded); parse is then empty.
  Status status;
  SkuParse parse;
  // Index in KnownSkus::skus() of the SKU the photo belongs to.
  std::optional<std::size_t> sku;
  bool matched() const noexcept { return sku.has_value(); }
};

struct SkuPhotos {
  std::string sku;
  std::size_t photos = 0;
  std::vector<std::string> views;  // distinct, in SkuRules::view_words order
};

struct MatchReport {
  std::vector<MatchedFile> files;  // one per input, in input order
  // One per known SKU, in the known order; photos may be 0.
  std::vector<SkuPhotos> skus;
  // The known SKUs with no photo, in the known order.
  std::vector<std::string> skus_without_photos;
  // Indices in `files` of the photos matched to no known SKU (grammar,
  // camera_default, no_sku, refused), in input order.
  std::vector<std::size_t> photos_without_sku;
  // SKUs read by the grammar alone (reason grammar): not in the known list.
  std::vector<SkuPhotos> unknown_skus;
};

MatchReport match(std::span<const std::string> filenames,
                  const KnownSkus& known, const SkuParser& parser = {});

}  // namespace imagebank
