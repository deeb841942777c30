// Untrusted input: every failure is the right error code with a message that
// names the input and the reason, and nothing crashes (this suite also runs
// under AddressSanitizer and UndefinedBehaviorSanitizer).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <sstream>

#include "imagebank/image/probe.hpp"
#include "support/test_support.hpp"

namespace imagebank {
namespace {

using testing::Bytes;
using testing::data_path;
using testing::read_file;

Result<ImageInfo> probe_bytes(const Bytes& bytes, const Limits& limits = {}) {
  return probe(*Source::memory(bytes, "upload.bin"), limits);
}

::testing::AssertionResult fails_with(const Result<ImageInfo>& r,
                                      ErrorCode code) {
  if (r.ok()) return ::testing::AssertionFailure() << "probe succeeded";
  if (r.status().code() != code) {
    return ::testing::AssertionFailure()
           << "expected " << code_name(code) << ", got " << r.status();
  }
  return ::testing::AssertionSuccess();
}

TEST(ProbeBadInput, EmptyFile) {
  const auto r = probe_bytes({});
  ASSERT_TRUE(fails_with(r, ErrorCode::kCorruptData));
  EXPECT_EQ(r.status().message(), "upload.bin: file is empty");
}

TEST(ProbeBadInput, RandomBytes) {
  std::mt19937 rng(1234);
  for (int trial = 0; trial < 200; ++trial) {
    Bytes b(16 + rng() % 4096);
    for (auto& x : b) x = std::byte(rng());
    // Random data that happens to start with a real magic is not "random";
    // everything else is an unknown format.
    const auto r = probe_bytes(b);
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.status().code() == ErrorCode::kUnsupportedFormat ||
                r.status().code() == ErrorCode::kCorruptData)
        << r.status();
  }
  Bytes text(64, std::byte{'a'});
  const auto r = probe_bytes(text);
  ASSERT_TRUE(fails_with(r, ErrorCode::kUnsupportedFormat));
  EXPECT_NE(r.status().message().find("unrecognised format"),
            std::string::npos);
}

TEST(ProbeBadInput, EveryTruncatedPrefixIsCorruptData) {
  for (const auto& e : testing::expected_probes()) {
    const Bytes full = read_file(data_path(e.file));
    for (std::size_t n = 0; n < full.size(); ++n) {
      const Bytes prefix(full.begin(), full.begin() + n);
      const auto r = probe_bytes(prefix);
      ASSERT_TRUE(fails_with(r, ErrorCode::kCorruptData))
          << e.file << " cut to " << n << " of " << full.size() << " bytes";
    }
  }
}

TEST(ProbeBadInput, TruncationMessageSaysTruncated) {
  const Bytes full = read_file(data_path("rgb.png"));
  const auto r = probe_bytes(Bytes(full.begin(), full.begin() + 100));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("upload.bin: truncated"),
            std::string::npos)
      << r.status();
}

TEST(ProbeBadInput, EveryHeaderByteFlippedNeverCrashes) {
  for (const auto& e : testing::expected_probes()) {
    const Bytes full = read_file(data_path(e.file));
    const std::size_t n = std::min<std::size_t>(full.size(), 600);
    for (std::size_t i = 0; i < n; ++i) {
      for (unsigned mask : {0xFFu, 0x01u, 0x80u}) {
        Bytes b = full;
        b[i] ^= std::byte(mask);
        const auto r = probe_bytes(b);
        if (r.ok()) continue;  // e.g. a flipped pixel or comment byte
        const ErrorCode c = r.status().code();
        EXPECT_TRUE(c == ErrorCode::kCorruptData ||
                    c == ErrorCode::kUnsupportedFormat ||
                    c == ErrorCode::kLimitExceeded)
            << e.file << " byte " << i << ": " << r.status();
      }
    }
  }
}

TEST(ProbeBadInput, FlippedMagicOrCriticalFieldsAreErrors) {
  // Signature bytes.
  for (const char* file : {"rgb.jpg", "rgb.png", "lossy.webp"}) {
    Bytes b = read_file(data_path(file));
    b[1] ^= std::byte{0xFF};
    EXPECT_FALSE(probe_bytes(b).ok()) << file;
  }
  // A PNG whose IHDR CRC is wrong.
  Bytes png = read_file(data_path("rgb.png"));
  png[29] ^= std::byte{0x01};
  EXPECT_TRUE(fails_with(probe_bytes(png), ErrorCode::kCorruptData));
  // A PNG with an invalid colour type.
  EXPECT_FALSE(probe_bytes([] {
                 Bytes p = testing::png_declaring(10, 10);
                 p[25] = std::byte{5};
                 return p;
               }())
                   .ok());
}

struct Bomb {
  const char* name;
  Bytes bytes;
  // Past what the format's own library accepts (libavif: 16384^2 pixels,
  // libwebp: 2^32), so an error even with imagebank's limits raised.
  bool beyond_library_cap = false;
};

std::vector<Bomb> bombs() {
  return {
      {"png 100000x100000", testing::png_declaring(100000, 100000)},
      {"webp 100000x100000", testing::webp_declaring(100000, 100000), true},
      {"webp 40000x40000", testing::webp_declaring(40000, 40000)},
      {"avif 100000x100000", testing::avif_declaring(100000, 100000), true},
      {"avif 40000x40000", testing::avif_declaring(40000, 40000), true},
      {"avif 16384x16384", testing::avif_declaring(16384, 16384)},
      // JPEG dimensions are 16-bit; 65000 is the largest libjpeg accepts.
      {"jpeg 65000x65000", testing::jpeg_declaring(65000, 65000)},
  };
}

TEST(ProbeBadInput, HugeDeclaredSizesAreLimitExceeded) {
  for (const Bomb& bomb : bombs()) {
    const auto r = probe_bytes(bomb.bytes);
    ASSERT_TRUE(fails_with(r, ErrorCode::kLimitExceeded)) << bomb.name;
    EXPECT_NE(r.status().message().find("exceeds the limit"), std::string::npos)
        << r.status();
    EXPECT_EQ(r.status().message().rfind("upload.bin: ", 0), 0u);
  }
}

TEST(ProbeBadInput, DeclaredSizesWithinRaisedLimitsAreAccepted) {
  // The bombs are well-formed headers: with limits raised they probe, which
  // shows the rejection above came from Limits and not from a parse error.
  Limits generous;
  generous.max_dimension = 200000;
  generous.max_pixels = 20'000'000'000ull;
  for (const Bomb& bomb : bombs()) {
    const auto r = probe_bytes(bomb.bytes, generous);
    if (bomb.beyond_library_cap) {
      EXPECT_FALSE(r.ok()) << bomb.name;
      continue;
    }
    ASSERT_TRUE(r.ok()) << bomb.name << ": " << r.status();
    EXPECT_GE(r->width, 16384u) << bomb.name;
  }
}

TEST(ProbeBadInput, EachLimitIsEnforced) {
  const Bytes jpeg = read_file(data_path("rgb.jpg"));  // 64x48
  Limits l;
  l.max_dimension = 63;
  EXPECT_TRUE(fails_with(probe_bytes(jpeg, l), ErrorCode::kLimitExceeded));
  l = Limits{};
  l.max_pixels = 64 * 48 - 1;
  EXPECT_TRUE(fails_with(probe_bytes(jpeg, l), ErrorCode::kLimitExceeded));
  l.max_pixels = 64 * 48;
  EXPECT_TRUE(probe_bytes(jpeg, l).ok());
  l = Limits{};
  l.max_file_bytes = jpeg.size() - 1;
  EXPECT_TRUE(fails_with(probe_bytes(jpeg, l), ErrorCode::kLimitExceeded));
  // Metadata: the ICC profiles of the test files are 500 bytes.
  l = Limits{};
  l.max_metadata_bytes = 100;
  for (const char* file : {"icc.jpg", "icc.png", "icc_exif.webp", "icc.avif"}) {
    EXPECT_TRUE(fails_with(probe_bytes(read_file(data_path(file)), l),
                           ErrorCode::kLimitExceeded))
        << file;
  }
  EXPECT_TRUE(probe_bytes(read_file(data_path("rgb.png")), l).ok());
}

TEST(ProbeBadInput, StreamOverTheFileLimit) {
  Limits l;
  l.max_file_bytes = 1000;
  std::istringstream big(std::string(5000, 'x'));
  Result<ImageInfo> r = probe(big, l);
  EXPECT_TRUE(fails_with(r, ErrorCode::kLimitExceeded));
  EXPECT_EQ(r.status().message().rfind("<stream>: ", 0), 0u);
}

TEST(ProbeBadInput, UnsupportedFormatsAreNamed) {
  for (const auto& [file, name] : testing::expected_unsupported()) {
    const auto r = probe(data_path(file));
    ASSERT_TRUE(fails_with(r, ErrorCode::kUnsupportedFormat)) << file;
    EXPECT_NE(r.status().message().find("unsupported format " + name),
              std::string::npos)
        << r.status();
    EXPECT_NE(r.status().message().find(file), std::string::npos);
  }
}

TEST(ProbeBadInput, MissingFileAndDirectory) {
  const auto missing = probe(std::filesystem::path("/nonexistent/a.jpg"));
  ASSERT_TRUE(fails_with(missing, ErrorCode::kNotFound));
  EXPECT_EQ(missing.status().message(), "/nonexistent/a.jpg: no such file");
  const auto dir = probe(std::filesystem::path(IMAGEBANK_TEST_DATA_DIR));
  EXPECT_TRUE(fails_with(dir, ErrorCode::kInvalidArgument));
  EXPECT_FALSE(probe(std::filesystem::path()).ok());
}

TEST(ProbeBadInput, UnreadableFileIsIoError) {
  if (::geteuid() == 0) {
    GTEST_SKIP() << "root reads files whatever their mode";
  }
  const auto path =
      std::filesystem::temp_directory_path() / "imagebank_noread.jpg";
  testing::write_file(path, read_file(data_path("rgb.jpg")));
  std::filesystem::permissions(path, std::filesystem::perms::none);
  EXPECT_TRUE(fails_with(probe(path), ErrorCode::kIoError));
  std::filesystem::remove(path);
}

TEST(ProbeBadInput, JpegWithoutEndMarkerAndWithTrailer) {
  Bytes jpeg = read_file(data_path("rgb.jpg"));
  Bytes no_eoi(jpeg.begin(), jpeg.end() - 2);
  EXPECT_TRUE(fails_with(probe_bytes(no_eoi), ErrorCode::kCorruptData));
  // Bytes after the EOI (camera trailers) are allowed.
  Bytes trailer = jpeg;
  trailer.insert(trailer.end(), 100000, std::byte{0x42});
  EXPECT_TRUE(probe_bytes(trailer).ok());
}

TEST(ProbeBadInput, TinyFilesAreTruncated) {
  for (std::size_t n = 1; n < 16; ++n) {
    EXPECT_TRUE(fails_with(probe_bytes(Bytes(n, std::byte{0xFF})),
                           ErrorCode::kCorruptData))
        << n;
  }
}

}  // namespace
}  // namespace imagebank
