// The local-disk BlobStore: the conformance suite, and what only a file
// system has (layout, escapes through symbolic links, temporary files,
// failures midway).
#include "imagebank/adapters/fs_blob_store.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "adapters/fs/fs_posix.hpp"
#include "adapters/fs_test_util.hpp"
#include "catalog/blob_store_conformance.hpp"

namespace imagebank::testing {
namespace {

// A store that owns the directory it lives in, for the conformance suite's
// "fresh store per test".
class DirOwningStore final : public BlobStore {
 public:
  DirOwningStore() {
    auto store = open_fs_blob_store(dir_.path() / "root");
    if (!store.ok())
      ADD_FAILURE() << store.status();
    else
      inner_ = std::move(store).value();
  }
  bool ok() const { return inner_ != nullptr; }
  Status put(std::string_view key, std::span<const std::byte> data) override {
    return inner_->put(key, data);
  }
  Status put_file(std::string_view key,
                  const std::filesystem::path& file) override {
    return inner_->put_file(key, file);
  }
  Status get(std::string_view key, const BlobSink& sink,
             ByteRange range) override {
    return inner_->get(key, sink, range);
  }
  Result<BlobInfo> head(std::string_view key) override {
    return inner_->head(key);
  }
  Status remove(std::string_view key) override { return inner_->remove(key); }
  Result<BlobListPage> list(std::string_view prefix,
                            std::string_view start_after,
                            std::size_t max_keys) override {
    return inner_->list(prefix, start_after, max_keys);
  }
  std::string uri() const override { return inner_->uri(); }

 private:
  ScratchDir dir_;  // destroyed after inner_
  std::unique_ptr<BlobStore> inner_;
};

}  // namespace
}  // namespace imagebank::testing

INSTANTIATE_TEST_SUITE_P(
    Fs, BlobStoreConformance,
    ::testing::Values(BlobStoreFactory{
        "fs",
        []() -> std::unique_ptr<imagebank::BlobStore> {
          auto store = std::make_unique<imagebank::testing::DirOwningStore>();
          if (!store->ok()) return nullptr;
          return store;
        }}),
    blob_store_factory_name);

namespace imagebank::testing {
namespace {

using fs_internal::write_fault;

const std::string kSha =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

std::unique_ptr<BlobStore> open_or_die(const std::filesystem::path& root,
                                       const FsBlobStoreOptions& options = {}) {
  auto store = open_fs_blob_store(root, options);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? std::move(store).value() : nullptr;
}

bool has_temp_file(const std::filesystem::path& dir) {
  for (const auto& f : files_under(dir)) {
    if (f.find(".~ib-tmp.") != std::string::npos) return true;
  }
  return false;
}

// --- opening ---------------------------------------------------------------

TEST(FsBlobStoreOpen, CreatesAMissingRootAndNamesItInTheUri) {
  ScratchDir dir;
  const auto root = dir / "a/b/bank";
  auto store = open_or_die(root);
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(std::filesystem::is_directory(root));
  EXPECT_EQ(store->uri(), "file://" + root.string());
  // Relative roots become absolute; trailing slashes do not reach the uri.
  auto again = open_or_die(root.string() + "/");
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->uri(), "file://" + root.string());
}

TEST(FsBlobStoreOpen, RefusesWhatIsNotADirectory) {
  ScratchDir dir;
  write_text(dir / "file", "x");
  auto store = open_fs_blob_store(dir / "file");
  EXPECT_EQ(store.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(store.status().message().find((dir / "file").string()),
            std::string::npos)
      << store.status();
  EXPECT_EQ(open_fs_blob_store("").status().code(),
            ErrorCode::kInvalidArgument);
  // Below a file nothing can be created.
  EXPECT_EQ(open_fs_blob_store(dir / "file/sub").status().code(),
            ErrorCode::kIoError);
  FsBlobStoreOptions no_create;
  no_create.create_root = false;
  EXPECT_EQ(open_fs_blob_store(dir / "missing", no_create).status().code(),
            ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir / "missing"));
  FsBlobStoreOptions bad_chunk;
  bad_chunk.read_chunk_bytes = 0;
  EXPECT_EQ(open_fs_blob_store(dir / "r", bad_chunk).status().code(),
            ErrorCode::kInvalidArgument);
}

// --- layout ------------------------------------------------------------------

TEST(FsBlobStore, KeysAreRelativePathsUnderTheRoot) {
  ScratchDir dir;
  auto store = open_or_die(dir.path());
  ASSERT_NE(store, nullptr);
  const std::string original = *original_blob_key(kSha, "jpg");
  const std::string variant = "variants/" + kSha + "/w800.webp";
  ASSERT_TRUE(store->put(original, as_bytes("jpeg bytes")).ok());
  ASSERT_TRUE(store->put(variant, as_bytes("webp bytes")).ok());
  EXPECT_EQ(files_under(dir.path()),
            (std::vector<std::string>{"originals/01/23/" + kSha + ".jpg",
                                      "variants/" + kSha + "/w800.webp"}));
  EXPECT_EQ(read_text(dir / original), "jpeg bytes");
  EXPECT_EQ(read_text(dir / variant), "webp bytes");
  struct stat st {};
  ASSERT_EQ(::stat((dir / original).c_str(), &st), 0);
  const mode_t mask = ::umask(0);
  ::umask(mask);
  EXPECT_EQ(st.st_mode & 0777, 0644 & ~mask);
  // Files placed by hand under the root are objects too.
  write_text(dir / "by/hand.txt", "manual");
  EXPECT_EQ(as_text(*store->get_bytes("by/hand.txt")), "manual");
}

TEST(FsBlobStore, AKeyAndADirectoryOfKeysConflict) {
  ScratchDir dir;
  auto store = open_or_die(dir.path());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->put("a", as_bytes("file a")).ok());
  const Status below = store->put("a/b", as_bytes("x"));
  EXPECT_EQ(below.code(), ErrorCode::kConflict) << below;
  EXPECT_NE(below.message().find("\"a/b\""), std::string::npos) << below;
  ASSERT_TRUE(store->put("d/e", as_bytes("file d/e")).ok());
  const Status over = store->put("d", as_bytes("x"));
  EXPECT_EQ(over.code(), ErrorCode::kConflict) << over;
  EXPECT_EQ(as_text(*store->get_bytes("a")), "file a");
  EXPECT_EQ(as_text(*store->get_bytes("d/e")), "file d/e");
  EXPECT_EQ(store->head("a/b").status().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(has_temp_file(dir.path()));
}

TEST(FsBlobStore, SegmentsLongerThanAFileNameAreRefused) {
  ScratchDir dir;
  auto store = open_or_die(dir.path());
  ASSERT_NE(store, nullptr);
  const std::string key = "x/" + std::string(256, 'n');
  ASSERT_TRUE(validate_blob_key(key).ok());
  EXPECT_EQ(store->put(key, as_bytes("x")).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(store->head(key).status().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(store->remove(key).ok());
  const std::string longest = "x/" + std::string(255, 'n');
  EXPECT_TRUE(store->put(longest, as_bytes("x")).ok());
}

// --- escapes -----------------------------------------------------------------

TEST(FsBlobStore, NoKeyReachesOutsideTheRoot) {
  ScratchDir dir;
  auto store = open_or_die(dir / "root");
  ASSERT_NE(store, nullptr);
  for (const char* key :
       {"../x", "a/../../x", "/etc/x", "a/../x", "..", "./x"}) {
    EXPECT_EQ(store->put(key, as_bytes("x")).code(),
              ErrorCode::kInvalidArgument)
        << key;
  }
  EXPECT_EQ(files_under(dir.path()), std::vector<std::string>{});
}

TEST(FsBlobStore, SymbolicLinksOutOfTheRootAreRefused) {
  ScratchDir dir;
  const auto root = dir / "root";
  auto store = open_or_die(root);
  ASSERT_NE(store, nullptr);
  write_text(dir / "outside/secret", "secret");
  std::filesystem::create_directory_symlink(dir / "outside", root / "abs");
  std::filesystem::create_directory_symlink("../outside", root / "rel");
  std::filesystem::create_symlink(dir / "outside/secret", root / "leak");
  for (const std::string via : {"abs", "rel"}) {
    SCOPED_TRACE(via);
    const Status put = store->put(via + "/planted", as_bytes("x"));
    EXPECT_EQ(put.code(), ErrorCode::kConflict) << put;
    EXPECT_NE(put.message().find("symbolic link"), std::string::npos) << put;
    EXPECT_FALSE(std::filesystem::exists(dir / "outside/planted"));
    EXPECT_EQ(store->get_bytes(via + "/secret").status().code(),
              ErrorCode::kConflict);
    EXPECT_EQ(store->head(via + "/secret").status().code(),
              ErrorCode::kConflict);
    EXPECT_FALSE(store->remove(via + "/secret").ok());
    EXPECT_FALSE(store->list(via + "/").ok());
  }
  EXPECT_EQ(store->get_bytes("leak").status().code(), ErrorCode::kConflict);
  EXPECT_EQ(read_text(dir / "outside/secret"), "secret");
  // The walk of list() does not follow symbolic links.
  ASSERT_TRUE(store->put("inside", as_bytes("in")).ok());
  auto page = store->list("");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->blobs.size(), 1u);
  EXPECT_EQ(page->blobs[0].key, "inside");
}

// --- temporary files
// -----------------------------------------------------------

TEST(FsBlobStore, TemporaryAndForeignFilesAreNotObjects) {
  ScratchDir dir;
  auto store = open_or_die(dir.path());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->put("a/real", as_bytes("r")).ok());
  write_text(dir / "a/.~ib-tmp.0123456789abcdef", "partial");
  write_text(dir / "a/with space", "foreign");
  write_text(dir / "lost+found/x", "fsck");
  ASSERT_EQ(::mkfifo((dir / "a/fifo").c_str(), 0600), 0);
  auto page = store->list("");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->blobs.size(), 1u);
  EXPECT_EQ(page->blobs[0].key, "a/real");
  EXPECT_EQ(store->head("a/.~ib-tmp.0123456789abcdef").status().code(),
            ErrorCode::kInvalidArgument);
  // A FIFO is not an object, and opening it does not block.
  EXPECT_EQ(store->get_bytes("a/fifo").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store->head("a/fifo").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store->head("a").status().code(), ErrorCode::kNotFound);
}

TEST(FsBlobStore, SweepRemovesOnlyStaleTemporaryFiles) {
  ScratchDir dir;
  auto store = open_or_die(dir.path());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->put("a/b/object", as_bytes("keep me")).ok());
  const auto stale = dir / "a/b/.~ib-tmp.00000000000000aa";
  const auto fresh = dir / "a/.~ib-tmp.00000000000000bb";
  write_text(stale, "crashed writer");
  write_text(fresh, "writer at work");
  // Two hours ago, for the stale temporary file and the object alike.
  const timespec old[2] = {{::time(nullptr) - 7200, 0},
                           {::time(nullptr) - 7200, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, stale.c_str(), old, 0), 0);
  ASSERT_EQ(::utimensat(AT_FDCWD, (dir / "a/b/object").c_str(), old, 0), 0);
  auto report =
      sweep_fs_blob_store_temp_files(dir.path(), std::chrono::hours(1));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->removed, 1u);
  EXPECT_EQ(report->kept, 1u);
  EXPECT_EQ(report->removed_bytes, std::string("crashed writer").size());
  EXPECT_FALSE(std::filesystem::exists(stale));
  EXPECT_TRUE(std::filesystem::exists(fresh));
  EXPECT_EQ(as_text(*store->get_bytes("a/b/object")), "keep me");
  // The option sweeps on open.
  FsBlobStoreOptions options;
  options.sweep_temp_files_older_than = std::chrono::seconds(0);
  ASSERT_EQ(::utimensat(AT_FDCWD, fresh.c_str(), old, 0), 0);
  ASSERT_NE(open_or_die(dir.path(), options), nullptr);
  EXPECT_FALSE(std::filesystem::exists(fresh));
  EXPECT_EQ(
      sweep_fs_blob_store_temp_files(dir / "missing", std::chrono::hours(1))
          .status()
          .code(),
      ErrorCode::kNotFound);
}

// --- failures midway
// -------------------------------------------------------------

class FsBlobStoreFault : public ::testing::Test {
 protected:
  void TearDown() override { write_fault().disarm(); }
};

TEST_F(FsBlobStoreFault, AFailedWriteLeavesTheOldObjectAndNoTrace) {
  ScratchDir dir;
  auto store = open_or_die(dir.path());
  ASSERT_NE(store, nullptr);
  const std::string old_content(1000, 'o');
  ASSERT_TRUE(store->put("k/obj", as_bytes(old_content)).ok());
  write_fault().arm(100000, EIO);
  const Status status = store->put("k/obj", as_bytes(std::string(300000, 'n')));
  EXPECT_EQ(status.code(), ErrorCode::kIoError) << status;
  EXPECT_NE(status.message().find("\"k/obj\""), std::string::npos) << status;
  EXPECT_NE(status.message().find(std::strerror(EIO)), std::string::npos)
      << status;
  EXPECT_EQ(as_text(*store->get_bytes("k/obj")), old_content);
  EXPECT_FALSE(has_temp_file(dir.path()));
  // A new key stays absent.
  write_fault().arm(10, ENOSPC);
  const Status fresh = store->put("k/new", as_bytes(std::string(5000, 'n')));
  EXPECT_EQ(fresh.code(), ErrorCode::kIoError) << fresh;
  EXPECT_NE(fresh.message().find(std::strerror(ENOSPC)), std::string::npos);
  EXPECT_EQ(store->head("k/new").status().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(has_temp_file(dir.path()));
  EXPECT_EQ(files_under(dir.path()), std::vector<std::string>{"k/obj"});
}

TEST_F(FsBlobStoreFault, AFailedPutFileLeavesNoTrace) {
  ScratchDir dir;
  auto store = open_or_die(dir / "root");
  ASSERT_NE(store, nullptr);
  write_text(dir / "source", std::string(3u << 20, 's'));
  write_fault().arm(1u << 20, EDQUOT);
  const Status status = store->put_file("p/obj", dir / "source");
  EXPECT_EQ(status.code(), ErrorCode::kIoError) << status;
  EXPECT_NE(status.message().find(std::strerror(EDQUOT)), std::string::npos);
  EXPECT_NE(status.message().find((dir / "source").string()),
            std::string::npos);
  EXPECT_EQ(store->head("p/obj").status().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(has_temp_file(dir / "root"));
  // Disarmed after firing: the same put now works, through the fast path.
  ASSERT_TRUE(store->put_file("p/obj", dir / "source").ok());
  EXPECT_EQ(store->head("p/obj")->size, 3u << 20);
}

TEST(FsBlobStore, ASourceThatFailsWhileReadingLeavesNoObject) {
  ScratchDir dir;
  auto store = open_or_die(dir.path());
  ASSERT_NE(store, nullptr);
  // Reading /proc/self/mem at offset 0 (never mapped) fails with EIO.
  const Status status = store->put_file("m/obj", "/proc/self/mem");
  EXPECT_EQ(status.code(), ErrorCode::kIoError) << status;
  EXPECT_NE(status.message().find("/proc/self/mem"), std::string::npos)
      << status;
  EXPECT_EQ(store->head("m/obj").status().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(has_temp_file(dir.path()));
  EXPECT_EQ(store->put_file("m/obj", dir.path()).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(files_under(dir.path()), std::vector<std::string>{});
}

TEST(FsBlobStore, PutFileStreamsFromAPipe) {
  ScratchDir dir;
  auto store = open_or_die(dir / "root");
  ASSERT_NE(store, nullptr);
  const auto fifo = dir / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string content(1u << 20, 'p');
  std::thread writer([&] {
    const int fd = ::open(fifo.c_str(), O_WRONLY);
    if (fd < 0) return;
    std::size_t done = 0;
    while (done < content.size()) {
      const ssize_t n =
          ::write(fd, content.data() + done, content.size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    ::close(fd);
  });
  // Both opens block until the other side arrives, as for `cat fifo`.
  const Status status = store->put_file("pipe/obj", fifo);
  writer.join();
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(as_text(*store->get_bytes("pipe/obj")), content);
}

}  // namespace
}  // namespace imagebank::testing
