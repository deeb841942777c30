// One stored image through the vision chain: the picture analyzers are sent
// (prepare_vision_image) and the analysis of one catalog image, stored
// (analyze_image). Bank::analyze runs it over a selection; the ingest queue
// runs it as the analyze job of each new image of a batch that asks for it.
//
// Threading: both may be called from any number of threads at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "imagebank/catalog/blob_store.hpp"
#include "imagebank/catalog/catalog_store.hpp"
#include "imagebank/catalog/vision.hpp"
#include "imagebank/core/limits.hpp"
#include "imagebank/core/result.hpp"
#include "imagebank/image/source.hpp"
#include "imagebank/ingest/vision_chain.hpp"

namespace imagebank {

// A VisionImage and the bytes it points into.
struct PreparedVisionImage {
  std::string sha256;
  std::string name;
  std::vector<std::uint8_t> jpeg;  // baseline JPEG, quality 85, 4:2:0
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgb;  // width * height * 3
  // A view of this object (valid while it lives and is not changed).
  VisionImage view() const;
};

// Decodes `source` (shrink-on-load, upright, sRGB), fits it inside
// kVisionMaxSide (never enlarged), flattens grey to RGB and alpha onto
// white, and encodes the JPEG services are sent. `sha256` is the original's
// (computed from `source` when empty). Errors: decode()'s, naming the source.
Result<PreparedVisionImage> prepare_vision_image(const Source& source,
                                                 std::string sha256 = {},
                                                 const Limits& limits = {});

// What analysing one image came to.
struct ImageAnalysis {
  // Who answered (empty when no analyzer did), and whether the answer was
  // an earlier one (the cache: no call was made).
  std::string provider;
  std::string model;
  bool cached = false;
  std::int64_t input_tokens = 0;  // of the call made (0 when cached)
  std::int64_t output_tokens = 0;
  // Why no analyzer answered (OK when one did): the last failure, or the
  // original's own (corrupt_data, not_found, ...). The image stays where it
  // was.
  Status error;
  // A later attempt may answer: the last failure was an analyzer that was
  // down, slow or rate limited (unavailable, deadline_exceeded,
  // rate_limited; error.retry_after() when the service said when).
  bool retryable = false;
  // The calls made and their outcomes, in order.
  std::vector<VisionAttempt> attempts;
};

// Analyses `image` with `chain` and stores the outcome in `catalog`: the
// answer (ai_analyses, with one row per item, and image_items), every failed
// call with its reason, and the move pending_ai_analysis → pending (a status
// someone changed meanwhile stands). The Carteira's fields are never
// written. Unless `force`, an earlier answer of any analyzer of the chain
// for this content (sha256) at request.schema_version is taken as it is and
// costs nothing. The original is read from `blobs` (image.blob_key).
// Returns the failures the caller cannot go on after — the catalog's, and
// the storage's io_error / unavailable reading the original; an analysis
// that found no answer is an ImageAnalysis with its error.
Result<ImageAnalysis> analyze_image(CatalogStore& catalog, BlobStore& blobs,
                                    VisionChain& chain,
                                    const ImageRecord& image,
                                    const VisionRequest& request,
                                    bool force = false);

}  // namespace imagebank
