#include "imagebank/hash/sha256.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "support/test_support.hpp"

namespace imagebank {
namespace {

std::span<const std::byte> bytes_of(const std::string& s) {
  return std::as_bytes(std::span(s.data(), s.size()));
}

TEST(Sha256, KnownVectors) {
  // FIPS 180-2 examples.
  EXPECT_EQ(to_hex(sha256(bytes_of(""))),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(to_hex(sha256(bytes_of("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string million(1'000'000, 'a');
  EXPECT_EQ(to_hex(sha256(bytes_of(million))),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, StreamingInPiecesEqualsOneShot) {
  std::string data(3 * (1 << 20) + 7, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) {
    data[i] = static_cast<char>((i * 2654435761u) >> 13);
  }
  const Sha256Digest whole = sha256(bytes_of(data));
  Sha256Hasher h;
  for (std::size_t at = 0; at < data.size(); at += 4093) {
    h.update(std::string_view(data).substr(at, 4093));
  }
  EXPECT_EQ(h.finish(), whole);
  // finish() starts over.
  h.update("abc");
  EXPECT_EQ(to_hex(h.finish()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // A Source is read in blocks; more than one block here.
  auto src = Source::memory(bytes_of(data));
  EXPECT_EQ(sha256(*src).value(), whole);
}

TEST(Sha256, FileMatchesSha256sum) {
  // Value from coreutils' sha256sum.
  auto src = Source::file(testing::data_path("cmyk.jpg"));
  ASSERT_TRUE(src.ok()) << src.status().message();
  EXPECT_EQ(to_hex(sha256(*src.value()).value()),
            "d80689abbaa8f2bb4c8a9810d24c8e7c881ed983f44b23c75edfbe9ed7c71db7");
}

class ShortSource final : public Source {
 public:
  std::uint64_t size() const noexcept override { return 100; }
  Result<std::size_t> read_at(std::uint64_t offset,
                              std::span<std::byte> out) const override {
    if (offset >= 40) return std::size_t{0};  // the file shrank under us
    const std::size_t n = std::min<std::size_t>(out.size(), 40 - offset);
    std::fill_n(out.begin(), n, std::byte{1});
    return n;
  }
  const std::string& name() const noexcept override { return name_; }

 private:
  std::string name_ = "shrinking.jpg";
};

TEST(Sha256, SourceThatEndsEarlyIsIoErrorNamingIt) {
  const auto r = sha256(ShortSource());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kIoError);
  EXPECT_NE(r.status().message().find("shrinking.jpg"), std::string::npos);
}

TEST(Sha256, HexRoundTripAndErrors) {
  const Sha256Digest d = sha256(bytes_of("abc"));
  EXPECT_EQ(sha256_from_hex(to_hex(d)).value(), d);
  std::string upper = to_hex(d);
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  EXPECT_EQ(sha256_from_hex(upper).value(), d);
  EXPECT_EQ(sha256_from_hex("abc").status().code(),
            ErrorCode::kInvalidArgument);
  std::string bad = to_hex(d);
  bad[10] = 'g';
  const auto r = sha256_from_hex(bad);
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("position 10"), std::string::npos);
}

}  // namespace
}  // namespace imagebank
