// AVIF header read: libavif parses the ISOBMFF boxes (avifDecoderParse reads
// only the metadata, never the AV1 payload) through an avifIO over our
// Source; a walk over the top-level boxes checks they fit the file.
#include <avif/avif.h>

#include <array>
#include <cstring>
#include <memory>
#include <span>

#include "../byte_io.hpp"
#include "../probe_formats.hpp"

namespace imagebank::detail {
namespace {

struct SourceIo {
  avifIO io{};  // first member: libavif hands back avifIO*, we cast back
  const Source* source = nullptr;
  std::vector<std::byte> buffer;
  Status io_status;
};

avifResult io_read(avifIO* io, std::uint32_t flags, std::uint64_t offset,
                   std::size_t size, avifROData* out) {
  auto* self = reinterpret_cast<SourceIo*>(io);
  if (flags != 0) return AVIF_RESULT_IO_ERROR;
  const std::uint64_t total = self->source->size();
  if (offset > total) return AVIF_RESULT_IO_ERROR;
  size =
      static_cast<std::size_t>(std::min<std::uint64_t>(size, total - offset));
  self->buffer.resize(size);
  auto got = self->source->read_at(offset, self->buffer);
  if (!got.ok()) {
    self->io_status = got.status();
    return AVIF_RESULT_IO_ERROR;
  }
  out->data = reinterpret_cast<const std::uint8_t*>(self->buffer.data());
  out->size = *got;
  return AVIF_RESULT_OK;
}

void io_destroy(avifIO*) {}  // owned by probe_avif's stack frame

struct DecoderPtr {
  avifDecoder* decoder = avifDecoderCreate();
  ~DecoderPtr() {
    if (decoder) avifDecoderDestroy(decoder);
  }
};

// EXIF orientation equivalent to HEIF's irot (anti-clockwise quarter turns)
// followed by imir (mode 0: top-bottom swap, 1: left-right swap).
int orientation_of(const avifImage& image) {
  const bool rot = (image.transformFlags & AVIF_TRANSFORM_IROT) != 0;
  const bool mir = (image.transformFlags & AVIF_TRANSFORM_IMIR) != 0;
  const int angle = rot ? image.irot.angle % 4 : 0;
  if (!mir) {
    static constexpr int kRotOnly[4] = {1, 8, 3, 6};
    return kRotOnly[angle];
  }
  // Rows: angle 0..3; columns: mode 0 (vertical flip), 1 (horizontal flip).
  static constexpr int kRotMirror[4][2] = {{4, 2}, {5, 7}, {2, 4}, {7, 5}};
  return kRotMirror[angle][image.imir.mode & 1];
}

// Visits the child boxes of [begin, end): fn(type, payload_offset, box_end).
template <typename Fn>
Status for_each_box(WindowReader& reader, std::uint64_t begin,
                    std::uint64_t end, Fn&& fn) {
  std::array<std::byte, 16> head{};
  std::uint64_t offset = begin;
  while (offset + 8 <= end) {
    IMAGEBANK_RETURN_IF_ERROR(
        reader.read(offset, std::span(head.data(), 8), "ISOBMFF box header"));
    std::uint64_t box = be32(head.data());
    std::uint64_t header = 8;
    if (box == 1) {
      IMAGEBANK_RETURN_IF_ERROR(reader.read(offset, std::span(head.data(), 16),
                                            "ISOBMFF box header"));
      box = be64(head.data() + 8);
      header = 16;
    } else if (box == 0) {
      box = end - offset;
    }
    if (box < header) {
      return corrupt_data_error(
          "corrupt AVIF: box '" + fourcc_text(head.data() + 4) + "' at byte " +
          std::to_string(offset) + " has size " + std::to_string(box));
    }
    if (box > end - offset) {
      return corrupt_data_error((end == reader.size() ? "truncated: AVIF box '"
                                                      : "corrupt AVIF: box '") +
                                fourcc_text(head.data() + 4) + "' at byte " +
                                std::to_string(offset) +
                                " runs past the end of its " +
                                (end == reader.size() ? "file" : "parent box"));
    }
    IMAGEBANK_RETURN_IF_ERROR(
        fn(head.data() + 4, offset + header, offset + box));
    offset += box;
  }
  return ok_status();
}

// Checks every item's declared size (its `ispe` property, in meta/iprp/ipco)
// against Limits before libavif sees the file: libavif refuses sizes past its
// own cap with a parse error, and we want limit_exceeded with our numbers.
Status check_item_sizes(const Source& source, const Limits& limits) {
  WindowReader reader(source);
  auto is = [](const std::byte* t, const char* name) {
    return std::memcmp(t, name, 4) == 0;
  };
  return for_each_box(
      reader, 0, source.size(),
      [&](const std::byte* type, std::uint64_t payload, std::uint64_t end) {
        if (!is(type, "meta")) return ok_status();
        // meta is a full box: 4 bytes of version and flags first.
        return for_each_box(
            reader, payload + 4, end,
            [&](const std::byte* t1, std::uint64_t p1, std::uint64_t e1) {
              if (!is(t1, "iprp")) return ok_status();
              return for_each_box(
                  reader, p1, e1,
                  [&](const std::byte* t2, std::uint64_t p2, std::uint64_t e2) {
                    if (!is(t2, "ipco")) return ok_status();
                    return for_each_box(
                        reader, p2, e2,
                        [&](const std::byte* t3, std::uint64_t p3,
                            std::uint64_t) {
                          if (!is(t3, "ispe")) return ok_status();
                          std::array<std::byte, 12> ispe{};
                          IMAGEBANK_RETURN_IF_ERROR(reader.read(
                              p3, std::span(ispe.data(), 12), "ispe box"));
                          return check_size_limits(be32(ispe.data() + 4),
                                                   be32(ispe.data() + 8),
                                                   limits);
                        });
                  });
            });
      });
}

Status avif_status(avifResult result, const avifDecoder& decoder,
                   const SourceIo& io) {
  if (result == AVIF_RESULT_IO_ERROR && !io.io_status.ok()) {
    return io.io_status;
  }
  std::string reason = avifResultToString(result);
  if (decoder.diag.error[0] != '\0') {
    reason += ": ";
    reason += decoder.diag.error;
  }
  switch (result) {
    case AVIF_RESULT_TRUNCATED_DATA:
      return corrupt_data_error("truncated AVIF: " + reason);
    case AVIF_RESULT_NOT_IMPLEMENTED:
      return unsupported_format_error("unsupported AVIF: " + reason);
    case AVIF_RESULT_OUT_OF_MEMORY:
      return limit_exceeded_error("out of memory: " + reason);
    default:
      return corrupt_data_error("corrupt AVIF: " + reason);
  }
}

// One avifDecoderParse over `source`; the decoder reads through `io`, so
// both live together.
struct Parse {
  DecoderPtr holder;
  SourceIo io;
  avifResult result = AVIF_RESULT_UNKNOWN_ERROR;
};

std::unique_ptr<Parse> parse_avif(const Source& source,
                                  avifStrictFlags strict) {
  auto parse = std::make_unique<Parse>();
  avifDecoder* decoder = parse->holder.decoder;
  if (decoder == nullptr) return parse;
  SourceIo& io = parse->io;
  io.source = &source;
  io.io.read = io_read;
  io.io.destroy = io_destroy;
  io.io.sizeHint = source.size();
  io.io.persistent = AVIF_FALSE;
  avifDecoderSetIO(decoder, &io.io);
  // Orientation comes from irot/imir, which take precedence over EXIF in
  // HEIF; EXIF and XMP need not be read at all.
  decoder->ignoreExif = AVIF_TRUE;
  decoder->ignoreXMP = AVIF_TRUE;
  // libavif refuses images over its own size limit before we could say
  // which limit was hit; let it parse up to its maximum and check ours.
  decoder->imageSizeLimit = AVIF_DEFAULT_IMAGE_SIZE_LIMIT;
  decoder->strictFlags = strict;
  parse->result = avifDecoderParse(decoder);
  return parse;
}

}  // namespace

Result<ImageInfo> probe_avif(const Source& source, const Limits& limits) {
  // Also checks that every top-level box fits the file: a truncated upload
  // loses the end of its `mdat`, which avifDecoderParse does not read.
  IMAGEBANK_RETURN_IF_ERROR(check_item_sizes(source, limits));

  // libavif's strict mode refuses files that lack boxes it can do
  // without (pixi, alpha ispe) or carry an invalid clap; browsers show
  // them. Below FailOn::kWarning such a file is parsed again leniently
  // and recorded.
  std::uint32_t tolerated = 0;
  std::unique_ptr<Parse> parse = parse_avif(source, AVIF_STRICT_ENABLED);
  if (parse->holder.decoder == nullptr) {
    return limit_exceeded_error("out of memory");
  }
  if (parse->result == AVIF_RESULT_BMFF_PARSE_FAILED &&
      limits.fail_on != FailOn::kWarning) {
    std::unique_ptr<Parse> lenient = parse_avif(source, AVIF_STRICT_DISABLED);
    if (lenient->result == AVIF_RESULT_OK) {
      parse = std::move(lenient);
      tolerated |= static_cast<std::uint32_t>(Tolerance::kAvifNotStrict);
    }
  }
  avifDecoder* decoder = parse->holder.decoder;
  const SourceIo& io = parse->io;
  if (parse->result != AVIF_RESULT_OK) {
    return avif_status(parse->result, *decoder, io);
  }

  const avifImage& image = *decoder->image;
  IMAGEBANK_RETURN_IF_ERROR(
      check_size_limits(image.width, image.height, limits));
  // The top-level boxes may all fit while the file still lacks the bytes an
  // item's extents point at (cut at a box boundary): ask libavif which bytes
  // each frame needs.
  for (int i = 0; i < decoder->imageCount; ++i) {
    avifExtent extent{};
    const avifResult r = avifDecoderNthImageMaxExtent(
        decoder, static_cast<std::uint32_t>(i), &extent);
    if (r != AVIF_RESULT_OK) return avif_status(r, *decoder, io);
    if (extent.offset + extent.size > source.size()) {
      return corrupt_data_error(
          "truncated: AVIF frame " + std::to_string(i) + " needs bytes up to " +
          std::to_string(extent.offset + extent.size) + ", the file has " +
          std::to_string(source.size()));
    }
  }
  IMAGEBANK_RETURN_IF_ERROR(check_metadata_budget(image.icc.size, limits));
  ImageInfo info;
  info.format = Format::kAvif;
  info.width = image.width;
  info.height = image.height;
  info.has_alpha = decoder->alphaPresent != 0;
  const int colour = image.yuvFormat == AVIF_PIXEL_FORMAT_YUV400 ? 1 : 3;
  info.channels = colour + (info.has_alpha ? 1 : 0);
  info.bit_depth = static_cast<int>(image.depth);
  info.icc = image.icc.size > 0;
  info.orientation = orientation_of(image);
  info.frames = static_cast<std::uint32_t>(std::max(1, decoder->imageCount));
  info.tolerated = tolerated;
  return info;
}

}  // namespace imagebank::detail
