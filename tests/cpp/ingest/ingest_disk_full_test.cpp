// A real full disk in the middle of a batch: the blob store on a small
// tmpfs. Needs the right to mount (root or CAP_SYS_ADMIN); skipped with the
// reason otherwise.
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>

#include "ingest/ingest_test_util.hpp"

namespace imagebank::testing {
namespace {

class IngestDiskFull : public IngestTest {
 protected:
  void SetUp() override {
    IngestTest::SetUp();
    mount_point_ = scratch_.path() / "tmpfs";
    std::filesystem::create_directory(mount_point_);
    if (::mount("tmpfs", mount_point_.c_str(), "tmpfs", 0, "size=4m") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs at " << mount_point_ << ": "
                   << std::strerror(errno);
    }
    mounted_ = true;
    reopen(mount_point_ / "files");
  }
  void TearDown() override {
    bank_.reset();
    if (mounted_ && ::umount2(mount_point_.c_str(), MNT_DETACH) != 0) {
      ADD_FAILURE() << "umount " << mount_point_ << ": "
                    << std::strerror(errno);
    }
  }
  std::filesystem::path mount_point_;
  bool mounted_ = false;
};

TEST_F(IngestDiskFull, JobsFailRetryablyAndTheBatchFinishesOnceSpaceIsFreed) {
  // 24 noisy (incompressible) photos; the disk is filled so that the
  // originals fit but their variants run out of space part-way.
  std::uint64_t originals = 0;
  for (std::uint32_t i = 0; i < 24; ++i) {
    const auto bytes =
        synthetic_photo(700 + i, 400, 300, Format::kJpeg, 90, 60);
    originals += bytes.size();
    write_bytes(photos_ / ("F" + std::to_string(i) + "_FRENTE.jpg"), bytes);
  }
  const auto space = std::filesystem::space(mount_point_);
  ASSERT_GT(space.available, originals + 400'000);
  const auto filler = mount_point_ / "filler";
  write_text(filler, std::string(space.available - originals - 400'000, 'x'));

  IngestOptions o = options();
  o.max_storage_failures = 4;
  o.max_attempts = 2;
  const std::vector<std::filesystem::path> paths = {photos_};
  auto ingestor = bank_->ingestor(o);
  ASSERT_TRUE(ingestor.ok());
  auto batch = (*ingestor)->enqueue(paths);
  ASSERT_TRUE(batch.ok());
  auto stopped = (*ingestor)->resume(batch->id);
  ASSERT_FALSE(stopped.ok()) << "the disk did not fill";
  EXPECT_NE(stopped.status().message().find(std::strerror(ENOSPC)),
            std::string::npos)
      << stopped.status();

  // Whatever is done is durably there; nothing else is marked done.
  auto counts = bank_->jobs().job_counts(batch->id);
  ASSERT_TRUE(counts.ok());
  EXPECT_LT(counts->done, 24);
  expect_blobs_match_rows(batch->id);
  for (const Job& job : jobs(batch->id, JobState::kFailed)) {
    EXPECT_EQ(job.error.code(), ErrorCode::kIoError) << job.error;
  }

  std::filesystem::remove(filler);
  auto resumed = bank_->resume(batch->id, o);
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  EXPECT_EQ(resumed->state, BatchState::kDone);
  counts = bank_->jobs().job_counts(batch->id);
  EXPECT_EQ(counts->done, 24);
  EXPECT_EQ(counts->failed, 0);
  expect_blobs_match_rows(batch->id);
}

}  // namespace
}  // namespace imagebank::testing
