#include "imagebank/image/probe.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <thread>

#include "support/test_support.hpp"

namespace imagebank {
namespace {

using testing::Bytes;
using testing::data_path;
using testing::read_file;

void expect_matches(const ImageInfo& got, const ImageInfo& want,
                    const std::string& file) {
  SCOPED_TRACE(file);
  EXPECT_EQ(got.format, want.format);
  EXPECT_EQ(got.width, want.width);
  EXPECT_EQ(got.height, want.height);
  EXPECT_EQ(got.channels, want.channels);
  EXPECT_EQ(got.bit_depth, want.bit_depth);
  EXPECT_EQ(got.has_alpha, want.has_alpha);
  EXPECT_EQ(got.orientation, want.orientation);
  EXPECT_EQ(got.progressive, want.progressive);
  EXPECT_EQ(got.icc, want.icc);
  EXPECT_EQ(got.frames, want.frames);
}

TEST(Probe, EveryTestFileMatchesTheGroundTruth) {
  const auto expected = testing::expected_probes();
  ASSERT_GE(expected.size(), 30u);
  for (const auto& e : expected) {
    const auto path = data_path(e.file);
    Result<ImageInfo> info = probe(path);
    ASSERT_TRUE(info.ok()) << e.file << ": " << info.status();
    expect_matches(*info, e.info, e.file);
    EXPECT_EQ(info->bytes, std::filesystem::file_size(path)) << e.file;
  }
}

TEST(Probe, FileMemoryAndStreamAgree) {
  for (const auto& e : testing::expected_probes()) {
    const Bytes bytes = read_file(data_path(e.file));
    Result<ImageInfo> from_file = probe(data_path(e.file));
    Result<ImageInfo> from_memory = probe(std::span<const std::byte>(bytes));
    std::istringstream stream(
        std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    Result<ImageInfo> from_stream = probe(stream);
    ASSERT_TRUE(from_file.ok() && from_memory.ok() && from_stream.ok())
        << e.file;
    EXPECT_EQ(*from_file, *from_memory) << e.file;
    EXPECT_EQ(*from_file, *from_stream) << e.file;
  }
}

TEST(Probe, DisplaySizeFollowsOrientation) {
  Result<ImageInfo> rotated = probe(data_path("orient6.jpg"));
  ASSERT_TRUE(rotated.ok());
  EXPECT_EQ(rotated->display_width(), 48u);
  EXPECT_EQ(rotated->display_height(), 64u);
  Result<ImageInfo> flipped = probe(data_path("orient3.jpg"));
  ASSERT_TRUE(flipped.ok());
  EXPECT_EQ(flipped->display_width(), 64u);
}

TEST(Probe, ReadsOnlyTheHeaderOfALargeFile) {
  // A JPEG whose scan data is padded to 8 MB: probe must read the header and
  // the tail, not the whole file.
  class CountingSource final : public Source {
   public:
    explicit CountingSource(Bytes bytes) : bytes_(std::move(bytes)) {}
    std::uint64_t size() const noexcept override { return bytes_.size(); }
    Result<std::size_t> read_at(std::uint64_t offset,
                                std::span<std::byte> out) const override {
      auto inner = Source::memory(bytes_);
      Result<std::size_t> got = inner->read_at(offset, out);
      if (got.ok()) read_ += *got;
      return got;
    }
    const std::string& name() const noexcept override { return name_; }
    std::uint64_t bytes_read() const { return read_; }

   private:
    Bytes bytes_;
    std::string name_ = "counting";
    mutable std::uint64_t read_ = 0;
  };
  Bytes jpeg = read_file(data_path("rgb.jpg"));
  // Insert 8 MB of zero bytes (valid entropy-coded filler) before the EOI.
  jpeg.insert(jpeg.end() - 2, 8u << 20, std::byte{0});
  CountingSource source(jpeg);
  Result<ImageInfo> info = probe(source);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->bytes, jpeg.size());
  EXPECT_LT(source.bytes_read(), 256u * 1024);
}

TEST(Probe, ConcurrentProbesOfOneSource) {
  const Bytes bytes = read_file(data_path("icc_exif.webp"));
  auto source = Source::memory(bytes);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        Result<ImageInfo> info = probe(*source);
        if (info.ok() && info->orientation == 8 && info->icc) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 800);
}

TEST(Probe, RealPhotosFromTheCorpus) {
  const char* corpus = std::getenv("IMAGEBANK_CORPUS");
  if (corpus == nullptr) {
    GTEST_SKIP() << "IMAGEBANK_CORPUS not set (scripts/test.sh sets it)";
  }
  int probed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    const auto ext = entry.path().extension().string();
    if (ext != ".jpg" && ext != ".png") continue;
    Result<ImageInfo> info = probe(entry.path());
    ASSERT_TRUE(info.ok()) << info.status();
    EXPECT_EQ(info->format, ext == ".jpg" ? Format::kJpeg : Format::kPng);
    EXPECT_GE(info->width, 1000u) << entry.path();
    EXPECT_EQ(info->bytes, entry.file_size());
    const Bytes bytes = read_file(entry.path());
    Result<ImageInfo> in_memory = probe(std::span<const std::byte>(bytes));
    ASSERT_TRUE(in_memory.ok());
    EXPECT_EQ(*in_memory, *info);
    ++probed;
  }
  EXPECT_GE(probed, 20);
}

TEST(Probe, LargestCorpusPhotoHeader) {
  const char* corpus = std::getenv("IMAGEBANK_CORPUS");
  if (corpus == nullptr) GTEST_SKIP() << "IMAGEBANK_CORPUS not set";
  Result<ImageInfo> info =
      probe(std::filesystem::path(corpus) / "Elephants_5640x3172.jpg");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->width, 5640u);
  EXPECT_EQ(info->height, 3172u);
  EXPECT_EQ(info->channels, 3);
  EXPECT_TRUE(info->progressive);
}

}  // namespace
}  // namespace imagebank
