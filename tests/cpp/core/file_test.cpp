// The file layer on real files in a temporary directory: bounded whole-file
// reads, the errors of each kind of path, atomic writes that replace a file
// or leave it alone, and the descriptor owner.
#include "imagebank/core/file.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

namespace imagebank {
namespace {

namespace fs = std::filesystem;

std::vector<std::byte> bytes_of(std::string_view text) {
  std::vector<std::byte> out(text.size());
  std::memcpy(out.data(), text.data(), text.size());
  return out;
}

std::string text_of(const std::vector<std::byte>& bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

constexpr int kCannotDropPrivileges = 77;

// Runs `check` (0 for success, another number for which check failed) as a
// user without the power to bypass file permissions: as it is, or, under
// root, in a child process that became "nobody".
int without_privileges(const std::function<int()>& check) {
  if (::geteuid() != 0) return check();
  const pid_t child = ::fork();
  if (child < 0) return kCannotDropPrivileges;
  if (child == 0) {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) {
      ::_exit(kCannotDropPrivileges);
    }
    ::_exit(check());
  }
  int status = 0;
  if (::waitpid(child, &status, 0) != child || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

class FileLayer : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("core_file_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add);
    fs::remove_all(dir_);
  }

  fs::path make(const std::string& name, std::string_view content) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  std::vector<std::string> names() {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_)) {
      out.push_back(e.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  fs::path dir_;
};

TEST(ErrnoText, GivesTheSystemsReason) {
  EXPECT_EQ(errno_text(ENOENT), "No such file or directory");
  EXPECT_EQ(errno_text(EACCES), "Permission denied");
  // An unknown number still says something, never an empty reason.
  EXPECT_FALSE(errno_text(987654).empty());
}

TEST_F(FileLayer, ReadFileAtTheLimitAndOverIt) {
  const std::string content(1000, 'x');
  const fs::path path = make("a.bin", content);
  auto at_limit = read_file(path, 1000);
  ASSERT_TRUE(at_limit.ok()) << at_limit.status();
  EXPECT_EQ(text_of(*at_limit), content);

  const auto over = read_file(path, 999);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().code(), ErrorCode::kLimitExceeded);
  EXPECT_EQ(over.status().message(),
            path.string() + ": 1000 bytes, more than the limit of 999");
}

TEST_F(FileLayer, ReadFileOfAnEmptyFileIsEmpty) {
  auto r = read_file(make("empty", ""), 10);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->empty());
  auto zero_limit = read_file(make("one", "1"), 0);
  EXPECT_EQ(zero_limit.status().code(), ErrorCode::kLimitExceeded);
}

TEST_F(FileLayer, ReadFileMissingIsNotFound) {
  const auto missing = read_file(dir_ / "missing.csv", 100);
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(missing.status().message(),
            (dir_ / "missing.csv").string() + ": no such file");
  // A file where a directory should be: the path cannot exist either.
  const fs::path file = make("plain", "x");
  EXPECT_EQ(read_file(file / "below", 100).status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(read_file("", 100).status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(FileLayer, ReadFileRefusesDirectoriesAndFifosWithoutBlocking) {
  const auto dir = read_file(dir_, 100);
  EXPECT_EQ(dir.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(dir.status().message(), dir_.string() + ": is a directory");

  const fs::path fifo = dir_ / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // No writer ever comes: a blocking open would hang the test.
  const auto r = read_file(fifo, 100);
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), fifo.string() + ": is not a regular file");
}

TEST_F(FileLayer, ReadFileReadsPastTheSizeAFileReported) {
  // procfs files report size 0 and have content: read like a file that grew.
  auto status = read_file("/proc/self/status", 1 << 20);
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_NE(text_of(*status).find("Name:"), std::string::npos);
  // Growing past the limit is refused like being over it from the start.
  const auto small = read_file("/proc/self/status", 16);
  EXPECT_EQ(small.status().code(), ErrorCode::kLimitExceeded);
  EXPECT_NE(small.status().message().find("/proc/self/status"),
            std::string::npos);
}

TEST_F(FileLayer, UnreadableFileIsIoError) {
  const fs::path path = make("secret", "x");
  fs::permissions(path, fs::perms::none);
  const int outcome = without_privileges([&] {
    const auto r = read_file(path, 10);
    return r.status() ==
                   io_error(path.string() + ": cannot open: Permission denied")
               ? 0
               : 1;
  });
  if (outcome == kCannotDropPrivileges) GTEST_SKIP() << "needs a plain user";
  EXPECT_EQ(outcome, 0);
}

TEST_F(FileLayer, OpenFileAddsCloexecAndMapsErrors) {
  auto fd = open_file(dir_ / "new", O_WRONLY | O_CREAT | O_EXCL, 0600);
  ASSERT_TRUE(fd.ok()) << fd.status();
  EXPECT_TRUE(::fcntl(fd->get(), F_GETFD) & FD_CLOEXEC);
  const auto again = open_file(dir_ / "new", O_WRONLY | O_CREAT | O_EXCL);
  EXPECT_EQ(again.status().code(), ErrorCode::kIoError);
  EXPECT_EQ(again.status().message(),
            (dir_ / "new").string() + ": cannot open: File exists");
  EXPECT_EQ(open_file(dir_ / "none", O_RDONLY).status().code(),
            ErrorCode::kNotFound);

  auto regular = open_regular_file(make("sized", "12345"));
  ASSERT_TRUE(regular.ok()) << regular.status();
  EXPECT_EQ(regular->size, 5u);
}

TEST_F(FileLayer, UniqueFdOwnsOneDescriptor) {
  auto opened = open_file(make("f", "x"), O_RDONLY);
  ASSERT_TRUE(opened.ok());
  UniqueFd a = std::move(*opened);
  const int raw = a.get();
  ASSERT_TRUE(is_open(raw));
  UniqueFd b = std::move(a);
  EXPECT_FALSE(a.valid());
  EXPECT_EQ(b.get(), raw);
  {
    UniqueFd c;
    c = std::move(b);
    EXPECT_TRUE(is_open(raw));
  }
  EXPECT_FALSE(is_open(raw));  // closed with its last owner

  UniqueFd d(::dup(STDERR_FILENO));
  const int released = d.release();
  EXPECT_FALSE(d.valid());
  EXPECT_TRUE(is_open(released));
  d.reset(released);
  EXPECT_EQ(d.close(), 0);
  EXPECT_FALSE(is_open(released));
  EXPECT_EQ(d.close(), 0);  // nothing left to close
}

TEST_F(FileLayer, WriteAllReportsTheFileAndReason) {
  auto fd = open_file(make("ro", "x"), O_RDONLY);
  ASSERT_TRUE(fd.ok());
  const auto data = bytes_of("abc");
  const Status s = write_all(fd->get(), data, "ro-file");
  EXPECT_EQ(s.code(), ErrorCode::kIoError);
  EXPECT_EQ(s.message(), "ro-file: cannot write: Bad file descriptor");
}

TEST_F(FileLayer, AtomicWriteCreatesAndReplaces) {
  const fs::path path = dir_ / "out.bin";
  ASSERT_TRUE(write_file_atomic(path, bytes_of("first")).ok());
  EXPECT_EQ(slurp(path), "first");
  std::string big(3 << 20, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i);
  ASSERT_TRUE(write_file_atomic(path, bytes_of(big)).ok());
  auto back = read_file(path, big.size());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(text_of(*back), big);
  ASSERT_TRUE(write_file_atomic(path, std::span<const std::byte>()).ok());
  EXPECT_EQ(fs::file_size(path), 0u);
  EXPECT_EQ(names(), std::vector<std::string>{"out.bin"});  // no temp files
}

TEST_F(FileLayer, AtomicWriteWithFillMaySeek) {
  const fs::path path = dir_ / "filled";
  const Status s = write_file_atomic(path, [](int fd) {
    IMAGEBANK_RETURN_IF_ERROR(write_all(fd, bytes_of("....body"), "filled"));
    if (::pwrite(fd, "head", 4, 0) != 4) return io_error("pwrite");
    return ok_status();
  });
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(slurp(path), "headbody");
}

TEST_F(FileLayer, FailedAtomicWriteKeepsTheOldFileAndNoTemporary) {
  const fs::path path = make("keep", "old content");
  // The fill fails halfway: its error comes back as it is.
  const Status failed = write_file_atomic(path, [](int fd) {
    IMAGEBANK_RETURN_IF_ERROR(write_all(fd, bytes_of("new"), "keep"));
    return corrupt_data_error("keep: the producer gave up");
  });
  EXPECT_EQ(failed, corrupt_data_error("keep: the producer gave up"));
  EXPECT_EQ(slurp(path), "old content");
  EXPECT_EQ(names(), std::vector<std::string>{"keep"});

  // The rename fails: a non-empty directory is in the way.
  const fs::path blocked = dir_ / "blocked";
  fs::create_directories(blocked / "inside");
  const Status rename = write_file_atomic(blocked, bytes_of("x"));
  EXPECT_EQ(rename.code(), ErrorCode::kIoError);
  EXPECT_EQ(rename.message().find(blocked.string() + ": cannot rename "), 0u)
      << rename;
  EXPECT_TRUE(fs::is_directory(blocked / "inside"));
  EXPECT_EQ(names(), (std::vector<std::string>{"blocked", "keep"}));

  // No directory to write in.
  const Status missing = write_file_atomic(dir_ / "no" / "x", bytes_of("x"));
  EXPECT_EQ(missing.code(), ErrorCode::kIoError);
  EXPECT_EQ(
      missing.message().find((dir_ / "no" / "x").string() + ": cannot create "),
      0u)
      << missing;
  EXPECT_EQ(write_file_atomic("", bytes_of("x")).code(),
            ErrorCode::kInvalidArgument);
}

TEST_F(FileLayer, AtomicWriteInAReadOnlyDirectoryLeavesTheOldFile) {
  const fs::path path = make("old", "old content");
  fs::permissions(dir_, fs::perms::owner_read | fs::perms::owner_exec |
                            fs::perms::group_read | fs::perms::group_exec |
                            fs::perms::others_read | fs::perms::others_exec);
  const int outcome = without_privileges([&] {
    const Status s = write_file_atomic(path, bytes_of("new"));
    if (s.code() != ErrorCode::kIoError) return 1;
    if (s.message().find(path.string() + ": cannot create ") != 0) return 2;
    if (s.message().find("Permission denied") == std::string::npos) return 3;
    return names() == std::vector<std::string>{"old"} ? 0 : 4;
  });
  if (outcome == kCannotDropPrivileges) GTEST_SKIP() << "needs a plain user";
  EXPECT_EQ(outcome, 0);
  EXPECT_EQ(slurp(path), "old content");
}

}  // namespace
}  // namespace imagebank
