// Internal: the per-format header readers behind probe(). Each fills an
// ImageInfo from its format's header and checks the file's structure; errors
// carry no file name (probe() adds it) and Limits other than metadata are
// checked by probe() once for all formats.
#pragma once

#include "imagebank/core/limits.hpp"
#include "imagebank/core/result.hpp"
#include "imagebank/image/image_info.hpp"
#include "imagebank/image/source.hpp"

namespace imagebank::detail {

Result<ImageInfo> probe_jpeg(const Source& source, const Limits& limits);
Result<ImageInfo> probe_png(const Source& source, const Limits& limits);
Result<ImageInfo> probe_webp(const Source& source, const Limits& limits);
Result<ImageInfo> probe_avif(const Source& source, const Limits& limits);

// probe() without the source name in error messages, for callers (decode)
// that add it once themselves.
Result<ImageInfo> probe_unnamed(const Source& source, const Limits& limits);

// limit_exceeded when a width x height image exceeds the limits;
// corrupt_data when either is 0. Readers call it as soon as the header gives
// the size, before their library allocates anything for the image.
Status check_size_limits(std::uint32_t width, std::uint32_t height,
                         const Limits& limits);

// limit_exceeded when `bytes` of metadata exceed the limit.
Status check_metadata_budget(std::uint64_t bytes, const Limits& limits);

}  // namespace imagebank::detail
