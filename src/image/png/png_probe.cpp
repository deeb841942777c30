// PNG header read: libspng validates the signature, IHDR and the ancillary
// chunks before the image data; a walk over the chunk headers (payloads are
// skipped, not read) then checks that every chunk fits the file up to IEND,
// reads the APNG frame count and sums the metadata.
#include <spng.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <span>
#include <string>

#include "../byte_io.hpp"
#include "../exif.hpp"
#include "../probe_formats.hpp"
#include "png_io.hpp"

namespace imagebank::detail {
namespace {

struct SpngStream {
  const Source* source = nullptr;
  std::uint64_t offset = 0;
  Status io_status;
};

int spng_read(spng_ctx*, void* user, void* dest, std::size_t length) {
  auto* stream = static_cast<SpngStream*>(user);
  auto got = stream->source->read_at(
      stream->offset, std::span(static_cast<std::byte*>(dest), length));
  if (!got.ok()) {
    stream->io_status = got.status();
    return SPNG_IO_ERROR;
  }
  stream->offset += *got;
  return *got == length ? 0 : SPNG_IO_EOF;
}

struct SpngCtx {
  spng_ctx* ctx = spng_ctx_new(0);
  ~SpngCtx() { spng_ctx_free(ctx); }
};

Status spng_status(int err, const SpngStream& stream) {
  if (err == SPNG_IO_ERROR && !stream.io_status.ok()) return stream.io_status;
  if (err == SPNG_IO_EOF) {
    return corrupt_data_error("truncated: the file ends inside the PNG header");
  }
  if (err == SPNG_ECHUNK_LIMITS) {
    return limit_exceeded_error("PNG metadata exceeds the limit");
  }
  if (err == SPNG_ECHUNK_CRC) {
    // Only at FailOn::kWarning does libspng stop on an ancillary chunk.
    return corrupt_data_error(
        "corrupt PNG: a chunk before the image data has a bad CRC (an "
        "ancillary one is refused by fail_on=warning only)");
  }
  return corrupt_data_error(std::string("corrupt PNG: ") + spng_strerror(err));
}

bool is_metadata_chunk(const std::byte* type) {
  for (const char* t : {"iCCP", "eXIf", "tEXt", "zTXt", "iTXt"}) {
    if (std::memcmp(type, t, 4) == 0) return true;
  }
  return false;
}

struct ChunkWalk {
  std::uint32_t frames = 1;
  std::uint64_t metadata_bytes = 0;
  std::uint32_t tolerated = 0;  // Tolerance bits
};

// Whether the CRC stored after the chunk at `offset` (of `length` payload
// bytes) matches its type and payload.
Result<bool> chunk_crc_ok(WindowReader& reader, std::uint64_t offset,
                          std::uint32_t length) {
  std::array<std::byte, 4096> buf{};
  uLong crc = crc32(0, nullptr, 0);
  std::uint64_t at = offset + 4;
  std::uint64_t left = std::uint64_t{length} + 4;  // type and payload
  while (left > 0) {
    const std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
    IMAGEBANK_RETURN_IF_ERROR(
        reader.read(at, std::span(buf.data(), n), "PNG chunk"));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(buf.data()),
                static_cast<uInt>(n));
    at += n;
    left -= n;
  }
  IMAGEBANK_RETURN_IF_ERROR(
      reader.read(at, std::span(buf.data(), 4), "PNG chunk CRC"));
  return static_cast<std::uint32_t>(crc) == be32(buf.data());
}

// Ancillary chunks (lowercase first letter) may be dropped: libspng reads
// them with SPNG_CRC_DISCARD below FailOn::kWarning, and this walk says
// whether it had to. Critical chunks (the image data) are checked by the
// decoder, which holds the whole file anyway; a probe stays a header read.
Result<ChunkWalk> walk_chunks(const Source& source, const Limits& limits) {
  ChunkWalk walk;
  std::uint64_t offset = 8;
  const std::uint64_t size = source.size();
  WindowReader reader(source);
  while (true) {
    std::array<std::byte, 12> head{};
    IMAGEBANK_RETURN_IF_ERROR(
        reader.read(offset, std::span(head.data(), 8), "PNG chunk header"));
    const std::uint32_t length = be32(head.data());
    if (length > 0x7FFFFFFFu) {
      return corrupt_data_error("corrupt PNG: chunk length over 2^31 at byte " +
                                std::to_string(offset));
    }
    const std::byte* type = head.data() + 4;
    const std::uint64_t end = offset + 12 + length;
    if (end > size) {
      return corrupt_data_error("truncated: PNG chunk '" + fourcc_text(type) +
                                "' at byte " + std::to_string(offset) +
                                " runs past the end of the file");
    }
    if (is_metadata_chunk(type)) walk.metadata_bytes += length;
    const bool ancillary = (static_cast<unsigned>(type[0]) & 0x20u) != 0;
    if (ancillary) {
      const std::string name = fourcc_text(type);
      IMAGEBANK_ASSIGN_OR_RETURN(const bool crc_ok,
                                 chunk_crc_ok(reader, offset, length));
      if (!crc_ok) {
        if (limits.fail_on == FailOn::kWarning) {
          return corrupt_data_error(
              "corrupt PNG: chunk '" + name + "' at byte " +
              std::to_string(offset) +
              " has a bad CRC (refused by fail_on=warning; fail_on=error "
              "drops the chunk)");
        }
        walk.tolerated |=
            static_cast<std::uint32_t>(Tolerance::kPngAncillaryCrc);
      }
    }
    if (std::memcmp(type, "acTL", 4) == 0 && length >= 8) {
      IMAGEBANK_RETURN_IF_ERROR(
          reader.read(offset + 8, std::span(head.data(), 4), "acTL chunk"));
      walk.frames = std::max<std::uint32_t>(1, be32(head.data()));
    }
    if (std::memcmp(type, "IEND", 4) == 0) return walk;
    offset = end;
  }
}

int channels_of(const spng_ihdr& ihdr, bool trns) {
  switch (ihdr.color_type) {
    case SPNG_COLOR_TYPE_GRAYSCALE:
      return trns ? 2 : 1;
    case SPNG_COLOR_TYPE_GRAYSCALE_ALPHA:
      return 2;
    case SPNG_COLOR_TYPE_TRUECOLOR:
    case SPNG_COLOR_TYPE_INDEXED:
      return trns ? 4 : 3;
    default:  // SPNG_COLOR_TYPE_TRUECOLOR_ALPHA; spng rejected other values
      return 4;
  }
}

}  // namespace

Result<ImageInfo> probe_png(const Source& source, const Limits& limits) {
  SpngCtx ctx;
  if (ctx.ctx == nullptr) return limit_exceeded_error("out of memory");
  SpngStream stream;
  stream.source = &source;
  const std::size_t chunk_limit = static_cast<std::size_t>(
      std::min<std::uint64_t>(limits.max_metadata_bytes, 0x7FFFFFFF));
  spng_set_chunk_limits(ctx.ctx, chunk_limit, chunk_limit);
  // CRCs of ancillary chunks are checked too: a flipped byte drops the
  // chunk (recorded) or, at FailOn::kWarning, is an error.
  set_png_crc_action(ctx.ctx, limits);
  if (int err = spng_set_png_stream(ctx.ctx, spng_read, &stream)) {
    return spng_status(err, stream);
  }
  spng_ihdr ihdr{};
  if (int err = spng_get_ihdr(ctx.ctx, &ihdr)) return spng_status(err, stream);

  // The get_* calls below read every chunk before the first IDAT; a missing
  // chunk is SPNG_ECHUNKAVAIL, anything else is an error of the file.
  auto present = [&](int err) -> Result<bool> {
    if (err == 0) return true;
    if (err == SPNG_ECHUNKAVAIL) return false;
    return spng_status(err, stream);
  };
  spng_trns trns{};
  IMAGEBANK_ASSIGN_OR_RETURN(const bool has_trns,
                             present(spng_get_trns(ctx.ctx, &trns)));
  spng_iccp iccp{};
  IMAGEBANK_ASSIGN_OR_RETURN(const bool has_icc,
                             present(spng_get_iccp(ctx.ctx, &iccp)));
  spng_exif exif{};
  IMAGEBANK_ASSIGN_OR_RETURN(const bool has_exif,
                             present(spng_get_exif(ctx.ctx, &exif)));

  IMAGEBANK_ASSIGN_OR_RETURN(const ChunkWalk walk, walk_chunks(source, limits));
  IMAGEBANK_RETURN_IF_ERROR(check_metadata_budget(walk.metadata_bytes, limits));

  ImageInfo info;
  info.format = Format::kPng;
  info.width = ihdr.width;
  info.height = ihdr.height;
  info.has_alpha = ihdr.color_type == SPNG_COLOR_TYPE_GRAYSCALE_ALPHA ||
                   ihdr.color_type == SPNG_COLOR_TYPE_TRUECOLOR_ALPHA ||
                   has_trns;
  info.channels = channels_of(ihdr, has_trns);
  info.bit_depth =
      ihdr.color_type == SPNG_COLOR_TYPE_INDEXED ? 8 : ihdr.bit_depth;
  info.icc = has_icc;
  if (has_exif) {
    info.orientation = exif_orientation(skip_exif_prefix(
        std::span(reinterpret_cast<const std::byte*>(exif.data), exif.length)));
  }
  info.frames = walk.frames;
  info.tolerated = walk.tolerated;
  return info;
}

}  // namespace imagebank::detail
