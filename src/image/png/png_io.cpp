#include "png_io.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

#include "../byte_io.hpp"
#include "../decode_formats.hpp"
#include "imagebank/image/image_info.hpp"

namespace imagebank::detail {

Status PngDecoder::open(const Source& source, const Limits& limits) {
  IMAGEBANK_ASSIGN_OR_RETURN(bytes_, read_all(source));
  IMAGEBANK_RETURN_IF_ERROR(check_critical_crcs(limits));
  ctx_ = spng_ctx_new(0);
  if (!ctx_) return limit_exceeded_error("out of memory");
  const auto chunk_limit = static_cast<std::size_t>(
      std::min<std::uint64_t>(limits.max_metadata_bytes, 0x7FFFFFFF));
  spng_set_chunk_limits(ctx_, chunk_limit, chunk_limit);
  spng_set_image_limits(ctx_, limits.max_dimension, limits.max_dimension);
  set_png_crc_action(ctx_, limits);
  if (int err = spng_set_png_buffer(ctx_, bytes_.data(), bytes_.size())) {
    return png_error(err);
  }
  if (int err = spng_get_ihdr(ctx_, &ihdr_)) return png_error(err);
  return ok_status();
}

Status PngDecoder::check_critical_crcs(const Limits& limits) {
  // libspng checks every chunk's CRC as it moves past it, and so misses the
  // last IDAT's (the decode stops at the end of the image data). Down to
  // FailOn::kError that one is all there is to check; below it libspng
  // checks none, and every critical chunk is checked here to record the
  // damage.
  const bool record_all = limits.fail_on <= FailOn::kTruncated;
  const std::size_t size = bytes_.size();
  std::size_t last_idat = 0;
  auto crc_ok = [&](std::size_t at) {
    const std::byte* head = bytes_.data() + at;
    const std::uint32_t length = be32(head);
    const uLong crc =
        crc32(crc32(0, nullptr, 0), reinterpret_cast<const Bytef*>(head + 4),
              static_cast<uInt>(length) + 4);
    return static_cast<std::uint32_t>(crc) == be32(head + 8 + length);
  };
  for (std::size_t at = 8; at + 12 <= size;) {
    const std::byte* head = bytes_.data() + at;
    const std::uint32_t length = be32(head);
    if (length > size - at - 12) break;  // truncated: libspng says so
    if (std::memcmp(head + 4, "IEND", 4) == 0) break;
    if (std::memcmp(head + 4, "IDAT", 4) == 0) last_idat = at;
    const bool critical = (static_cast<unsigned>(head[4]) & 0x20u) == 0;
    if (record_all && critical && !crc_ok(at)) {
      tolerated_ |= static_cast<std::uint32_t>(Tolerance::kCorruptData);
    }
    at += std::size_t{length} + 12;
  }
  if (!record_all && last_idat != 0 && !crc_ok(last_idat)) {
    return corrupt_data_error("corrupt PNG: chunk 'IDAT' at byte " +
                              std::to_string(last_idat) +
                              " has a bad CRC (refused by fail_on=" +
                              std::string(fail_on_name(limits.fail_on)) +
                              "; fail_on=truncated accepts it)");
  }
  return ok_status();
}

void set_png_crc_action(spng_ctx* ctx, const Limits& limits) {
  const int critical =
      limits.fail_on <= FailOn::kTruncated ? SPNG_CRC_USE : SPNG_CRC_ERROR;
  const int ancillary =
      limits.fail_on == FailOn::kWarning ? SPNG_CRC_ERROR : SPNG_CRC_DISCARD;
  spng_set_crc_action(ctx, critical, ancillary);
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
