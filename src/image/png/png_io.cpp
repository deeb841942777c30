#include "png_io.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

#include "../decode_formats.hpp"

namespace imagebank::detail {

Status PngDecoder::open(const Source& source, const Limits& limits) {
  IMAGEBANK_ASSIGN_OR_RETURN(bytes_, read_all(source));
  ctx_ = spng_ctx_new(0);
  if (!ctx_) return limit_exceeded_error("out of memory");
  const auto chunk_limit = static_cast<std::size_t>(
      std::min<std::uint64_t>(limits.max_metadata_bytes, 0x7FFFFFFF));
  spng_set_chunk_limits(ctx_, chunk_limit, chunk_limit);
  spng_set_image_limits(ctx_, limits.max_dimension, limits.max_dimension);
  spng_set_crc_action(ctx_, SPNG_CRC_ERROR, SPNG_CRC_ERROR);
  if (int err = spng_set_png_buffer(ctx_, bytes_.data(), bytes_.size())) {
    return png_error(err);
  }
  if (int err = spng_get_ihdr(ctx_, &ihdr_)) return png_error(err);
  return ok_status();
}

Status png_error(int err) {
  if (err == SPNG_IO_EOF || err == SPNG_IO_ERROR) {
    return corrupt_data_error("truncated: the PNG data ends early");
  }
  if (err == SPNG_ECHUNK_LIMITS) {
    return limit_exceeded_error("PNG metadata exceeds the limit");
  }
  return corrupt_data_error(std::string("corrupt PNG: ") + spng_strerror(err));
}

}  // namespace imagebank::detail
