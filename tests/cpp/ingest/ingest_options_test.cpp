// validate(IngestOptions) and parse_formats: the one check of ingest options
// that Ingestor::create, the CLI and Python share.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "imagebank/hash/hash_index.hpp"
#include "ingest/ingest_test_util.hpp"

namespace imagebank::testing {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;

// `change` applied to the defaults must be refused with invalid_argument
// and a message naming `option`.
void expect_refused(const std::function<void(IngestOptions&)>& change,
                    const std::string& option) {
  IngestOptions o;
  change(o);
  const Status s = validate(o);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << option << ": " << s;
  EXPECT_NE(s.message().find(option), std::string::npos) << s;
}

void expect_accepted(const std::function<void(IngestOptions&)>& change) {
  IngestOptions o;
  change(o);
  const Status s = validate(o);
  EXPECT_TRUE(s.ok()) << s;
}

TEST(IngestOptions, TheDefaultsAreValid) {
  EXPECT_TRUE(validate(IngestOptions{}).ok());
}

TEST(IngestOptions, EachOptionOutOfRangeIsRefusedByName) {
  expect_refused([](auto& o) { o.max_attempts = 0; }, "max_attempts");
  expect_refused([](auto& o) { o.max_attempts = 101; }, "max_attempts");
  expect_refused([](auto& o) { o.lease = milliseconds(199); },
                 "lease (lease_seconds)");
  expect_refused([](auto& o) { o.lease = hours(7 * 24) + milliseconds(1); },
                 "lease (lease_seconds)");
  expect_refused([](auto& o) { o.lease = milliseconds(-1000); }, "not -1");
  expect_refused([](auto& o) { o.retry_delay = milliseconds(-1); },
                 "retry_delay (retry_seconds)");
  expect_refused([](auto& o) { o.retry_delay = hours(24) + milliseconds(1); },
                 "retry_delay (retry_seconds)");
  expect_refused([](auto& o) { o.progress_interval = milliseconds(9); },
                 "progress_interval");
  expect_refused(
      [](auto& o) { o.progress_interval = hours(1) + milliseconds(1); },
      "progress_interval");
  expect_refused([](auto& o) { o.max_storage_failures = 0; },
                 "max_storage_failures");
  expect_refused([](auto& o) { o.near_radius = -2; }, "near_radius");
  expect_refused([](auto& o) { o.near_radius = HashIndex::kMaxRadius64 + 1; },
                 "near_radius");
  expect_refused([](auto& o) { o.presets.clear(); }, "presets");
  expect_refused(
      [](auto& o) {
        o.presets.push_back({"Bad Name!", {}});
      },
      "presets");
  expect_refused([](auto& o) { o.formats.clear(); }, "formats");
  expect_refused([](auto& o) { o.formats.push_back(Format::kGif); }, "'gif'");
  expect_refused([](auto& o) { o.formats = {Format::kUnknown}; }, "formats");
}

TEST(IngestOptions, TheEndsOfEachRangeAreAccepted) {
  expect_accepted([](auto& o) { o.max_attempts = 1; });
  expect_accepted([](auto& o) { o.max_attempts = 100; });
  expect_accepted([](auto& o) { o.lease = milliseconds(200); });
  expect_accepted([](auto& o) { o.lease = hours(7 * 24); });
  expect_accepted([](auto& o) { o.retry_delay = milliseconds(0); });
  expect_accepted([](auto& o) { o.retry_delay = hours(24); });
  expect_accepted([](auto& o) { o.progress_interval = milliseconds(10); });
  expect_accepted([](auto& o) { o.progress_interval = hours(1); });
  expect_accepted([](auto& o) { o.near_radius = -1; });
  expect_accepted([](auto& o) { o.near_radius = HashIndex::kMaxRadius64; });
  expect_accepted([](auto& o) { o.formats = {Format::kPng}; });
}

TEST(IngestOptions, FormatListsParseToVariantFormats) {
  auto three = parse_formats("avif,webp,jpeg");
  ASSERT_TRUE(three.ok()) << three.status();
  EXPECT_EQ(*three,
            (std::vector<Format>{Format::kAvif, Format::kWebp, Format::kJpeg}));
  auto jpg = parse_formats("jpg,png");
  ASSERT_TRUE(jpg.ok()) << jpg.status();
  EXPECT_EQ(*jpg, (std::vector<Format>{Format::kJpeg, Format::kPng}));
  auto gaps = parse_formats(",webp,,png,");
  ASSERT_TRUE(gaps.ok()) << gaps.status();
  EXPECT_EQ(*gaps, (std::vector<Format>{Format::kWebp, Format::kPng}));
  auto none = parse_formats("");
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->empty());

  const std::vector<std::string> names = {"png", "jpg"};
  auto listed = parse_formats(names);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(*listed, (std::vector<Format>{Format::kPng, Format::kJpeg}));
}

TEST(IngestOptions, FormatListsNameWhatTheyRefuse) {
  for (const char* list : {"jpeg,bmpx", "gif", "JPEG", "webp, png"}) {
    auto r = parse_formats(list);
    ASSERT_FALSE(r.ok()) << list;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("formats:"), std::string::npos)
        << r.status();
  }
  EXPECT_NE(parse_formats("jpeg,bmpx").status().message().find("'bmpx'"),
            std::string::npos);
  EXPECT_NE(parse_formats("gif").status().message().find("'gif'"),
            std::string::npos);
  // The message lists what can be asked for.
  EXPECT_NE(parse_formats("gif").status().message().find("avif"),
            std::string::npos);
  const std::vector<std::string> empty_name = {"jpeg", ""};
  EXPECT_EQ(parse_formats(empty_name).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST_F(IngestTest, AnIngestorIsNotMadeWithOptionsValidateRefuses) {
  IngestOptions o = options();
  o.max_storage_failures = 0;
  auto ingestor = bank_->ingestor(o);
  ASSERT_FALSE(ingestor.ok());
  EXPECT_EQ(ingestor.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(ingestor.status().message().find("max_storage_failures"),
            std::string::npos)
      << ingestor.status();
  const std::vector<std::filesystem::path> paths = {photos_};
  EXPECT_EQ(bank_->ingest(paths, o).status().code(),
            ErrorCode::kInvalidArgument);
  auto batches = bank_->batches();
  ASSERT_TRUE(batches.ok()) << batches.status();
  EXPECT_TRUE(batches->empty());
}

}  // namespace
}  // namespace imagebank::testing
