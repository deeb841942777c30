// Helpers shared by the BlobStore adapters (memory, fs, s3); not installed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "imagebank/catalog/blob_store.hpp"

namespace imagebank::blob_internal {

// The part of an object of `size` bytes that `range` selects.
struct ResolvedRange {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

// Applies the ByteRange rules of the interface: an offset past the end is
// `invalid_argument` (naming `key`), an offset at the end selects nothing, a
// length running past the end is clipped.
Result<ResolvedRange> resolve_range(std::string_view key, std::uint64_t size,
                                    const ByteRange& range);

// `key` quoted for a message, non-printable bytes escaped, long keys cut.
std::string quote_key(std::string_view key);

}  // namespace imagebank::blob_internal
