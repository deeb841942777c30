// A real full disk: the fs BlobStore on a 1 MiB tmpfs. Needs the right to
// mount (root, or CAP_SYS_ADMIN); skipped with the reason otherwise.
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "adapters/fs_test_util.hpp"
#include "imagebank/adapters/fs_blob_store.hpp"

namespace imagebank::testing {
namespace {

class FsBlobStoreFullDisk : public ::testing::Test {
 protected:
  void SetUp() override {
    mount_point_ = scratch_.path() / "tmpfs";
    std::filesystem::create_directory(mount_point_);
    if (::mount("tmpfs", mount_point_.c_str(), "tmpfs", 0, "size=1m") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs at " << mount_point_ << ": "
                   << std::strerror(errno);
    }
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_ && ::umount2(mount_point_.c_str(), MNT_DETACH) != 0) {
      ADD_FAILURE() << "umount " << mount_point_ << ": "
                    << std::strerror(errno);
    }
  }

  ScratchDir scratch_;
  std::filesystem::path mount_point_;
  bool mounted_ = false;
};

bool has_temp_file(const std::filesystem::path& dir) {
  for (const auto& f : files_under(dir)) {
    if (f.find(".~ib-tmp.") != std::string::npos) return true;
  }
  return false;
}

TEST_F(FsBlobStoreFullDisk, APutLargerThanTheDiskFailsCleanly) {
  auto opened = open_fs_blob_store(mount_point_ / "bank");
  ASSERT_TRUE(opened.ok()) << opened.status();
  auto& store = **opened;
  const std::string early(100000, 'e');
  ASSERT_TRUE(store.put("kept/early", as_bytes(early)).ok());

  const Status status =
      store.put("big/object", as_bytes(std::string(2u << 20, 'b')));
  EXPECT_EQ(status.code(), ErrorCode::kIoError) << status;
  EXPECT_NE(status.message().find("\"big/object\""), std::string::npos)
      << status;
  EXPECT_NE(status.message().find(std::strerror(ENOSPC)), std::string::npos)
      << status;
  EXPECT_EQ(store.head("big/object").status().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(has_temp_file(mount_point_));

  // The same through put_file (the in-kernel copy path).
  write_text(scratch_.path() / "source", std::string(2u << 20, 's'));
  const Status from_file =
      store.put_file("big/file", scratch_.path() / "source");
  EXPECT_EQ(from_file.code(), ErrorCode::kIoError) << from_file;
  EXPECT_NE(from_file.message().find(std::strerror(ENOSPC)), std::string::npos)
      << from_file;
  EXPECT_EQ(store.head("big/file").status().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(has_temp_file(mount_point_));

  // What was there is intact, and the space came back.
  EXPECT_EQ(as_text(*store.get_bytes("kept/early")), early);
  auto page = store.list("");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->blobs.size(), 1u);
  EXPECT_EQ(page->blobs[0].key, "kept/early");
  EXPECT_TRUE(store.put("kept/later", as_bytes(std::string(500000, 'l'))).ok());
}

}  // namespace
}  // namespace imagebank::testing
