// Internal: libspng plumbing shared by the PNG decoders (decode() and the
// grey views): one decoder set up with imagebank's limits, and one mapping
// of libspng's errors.
#pragma once

#include <spng.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "imagebank/core/limits.hpp"
#include "imagebank/core/status.hpp"
#include "imagebank/image/source.hpp"

namespace imagebank::detail {

// A libspng decoder over the whole file (spng reads a buffer faster than
// through callbacks, and probe bounded the file size by Limits).
class PngDecoder {
 public:
  PngDecoder() = default;
  PngDecoder(const PngDecoder&) = delete;
  PngDecoder& operator=(const PngDecoder&) = delete;
  ~PngDecoder() { spng_ctx_free(ctx_); }

  // Reads `source`, applies the chunk, size and CRC limits and reads the
  // header. Errors carry no file name.
  Status open(const Source& source, const Limits& limits);

  spng_ctx* get() const { return ctx_; }
  const spng_ihdr& ihdr() const { return ihdr_; }
  // Tolerance bits: a critical chunk with a bad CRC, used anyway at
  // FailOn::kTruncated and below.
  std::uint32_t tolerated() const { return tolerated_; }

 private:
  // Checks the CRC libspng misses (the last IDAT's): corrupt_data down to
  // FailOn::kError; below it every critical chunk's, recorded.
  Status check_critical_crcs(const Limits& limits);

  spng_ctx* ctx_ = nullptr;
  std::vector<std::byte> bytes_;
  spng_ihdr ihdr_{};
  std::uint32_t tolerated_ = 0;
};

// libspng's CRC actions for Limits::fail_on: critical chunks' CRCs are
// errors down to FailOn::kError and ignored below it; a bad ancillary chunk
// is dropped below FailOn::kWarning.
void set_png_crc_action(spng_ctx* ctx, const Limits& limits);

// corrupt_data (truncated or damaged) or limit_exceeded, by libspng's code.
Status png_error(int err);

}  // namespace imagebank::detail
