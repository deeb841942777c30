// Legacy .xls (BIFF5/8): read by the helper imagebank-xls-reader in a child
// process (xls_child.hpp), whose rows are checked here as they arrive.
#include <dlfcn.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <vector>

#include "carteira/readers.hpp"
#include "carteira/xls_child.hpp"
#include "carteira/xls_wire.hpp"
#include "imagebank/core/file.hpp"

extern char** environ;

namespace imagebank::carteira {
namespace {

namespace wire = xls_wire;
using Clock = std::chrono::steady_clock;

constexpr const char* kHelperName = "imagebank-xls-reader";
// Longest sheet name accepted from the helper (Excel's limit is 31
// characters).
constexpr std::uint32_t kMaxNameBytes = 4096;

// freexl's error codes (freexl.h), by the words a user can act on.
std::string freexl_reason(std::int32_t code) {
  switch (code) {
    case -1:  // FREEXL_FILE_NOT_FOUND
      return "cannot be opened";
    case -5:  // FREEXL_INVALID_CFBF_HEADER
    case -6:  // FREEXL_CFBF_READ_ERROR (and the sector and FAT errors)
    case -7:
    case -8:
    case -9:
    case -10:
    case -11:
      return "truncated, or a damaged compound-file structure";
    case -12:  // FREEXL_BIFF_INVALID_BOF
      return "no Excel workbook stream (another Office document, or an "
             "encrypted .xlsx?)";
    case -20:  // FREEXL_BIFF_WORKBOOK_NOT_FOUND
      return "no Excel workbook stream in the compound file";
    case -13:  // FREEXL_BIFF_INVALID_SST
    case -14:  // FREEXL_BIFF_ILLEGAL_SST_INDEX
      return "a cell refers to a missing shared string";
    case -25:  // FREEXL_CRAFTED_FILE
      return "a crafted or severely damaged file";
    default:
      return "damaged workbook (freexl error " + std::to_string(code) + ")";
  }
}

bool executable(const std::filesystem::path& p) {
  return !p.empty() && ::access(p.c_str(), X_OK) == 0 &&
         std::filesystem::is_regular_file(p);
}

// The bytes as a file descriptor the child can seek: a memfd (no disk), or
// an unlinked temporary file where memfd_create is missing.
Result<UniqueFd> bytes_fd(std::span<const std::byte> bytes,
                          const std::string& name) {
  UniqueFd fd(::memfd_create("imagebank-xls", MFD_CLOEXEC));
  if (!fd.valid()) {
    std::error_code ec;
    std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
    if (ec) dir = "/tmp";
    std::string pattern = (dir / "imagebank-xls-XXXXXX").string();
    fd = UniqueFd(::mkostemp(pattern.data(), O_CLOEXEC));
    if (!fd.valid()) {
      return io_error(name +
                      ": cannot create a temporary file for the .xls "
                      "reader: " +
                      errno_text(errno));
    }
    ::unlink(pattern.c_str());
  }
  IMAGEBANK_RETURN_IF_ERROR(write_all(fd.get(), bytes, name));
  if (::lseek(fd.get(), 0, SEEK_SET) != 0) {
    return io_error(
        name + ": cannot rewind the .xls reader's input: " + errno_text(errno));
  }
  return fd;
}

// The child: killed and reaped on destruction if still there.
class Child {
 public:
  Child() = default;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      reap();
    }
  }

  // posix_spawn (a vfork: no copy of this process's page tables, which
  // for a server holding a few GiB costs more than the read), then the
  // limits set on the running child with prlimit: its CPU time counts from
  // the start whenever the limit lands, and it allocates nothing before
  // reading its input.
  Status spawn(const std::string& helper, int in, int out,
               const XlsChildOptions& options, const std::string& name) {
    // dup2 onto 0 and 1 needs descriptors other than those.
    UniqueFd in_copy;
    UniqueFd out_copy;
    if (in < 3) {
      in_copy = UniqueFd(::fcntl(in, F_DUPFD_CLOEXEC, 3));
      in = in_copy.get();
    }
    if (out < 3) {
      out_copy = UniqueFd(::fcntl(out, F_DUPFD_CLOEXEC, 3));
      out = out_copy.get();
    }
    if (in < 0 || out < 0) {
      return io_error(name +
                      ": cannot start the .xls reader: " + errno_text(errno));
    }
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawnattr_init(&attributes);
    ::posix_spawn_file_actions_adddup2(&actions, in, 0);
    ::posix_spawn_file_actions_adddup2(&actions, out, 1);
    // Nothing of the parent's but stdin, stdout and stderr.
    ::posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    // Signals the parent ignores (Python ignores SIGPIPE) stay ignored
    // across exec: restore the defaults the limits rely on.
    sigset_t defaults;
    ::sigemptyset(&defaults);
    for (const int sig : {SIGPIPE, SIGXCPU, SIGXFSZ, SIGSEGV, SIGTERM}) {
      ::sigaddset(&defaults, sig);
    }
    sigset_t none;
    ::sigemptyset(&none);
    ::posix_spawnattr_setsigdefault(&attributes, &defaults);
    ::posix_spawnattr_setsigmask(&attributes, &none);
    ::posix_spawnattr_setflags(&attributes,
                               POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    char* argv[] = {const_cast<char*>(helper.c_str()), nullptr};
    pid_t pid = -1;
    const int error = ::posix_spawn(&pid, helper.c_str(), &actions, &attributes,
                                    argv, environ);
    ::posix_spawn_file_actions_destroy(&actions);
    ::posix_spawnattr_destroy(&attributes);
    if (error != 0) {
      return internal_error(name + ": cannot run the .xls reader " + helper +
                            ": " + errno_text(error));
    }
    pid_ = pid;
    const rlimit cpu{options.cpu_seconds, options.cpu_seconds + 1};
    const rlimit memory{options.memory_bytes, options.memory_bytes};
    const rlimit no_core{0, 0};
    ::prlimit(pid, RLIMIT_CPU, &cpu, nullptr);
    ::prlimit(pid, RLIMIT_CORE, &no_core, nullptr);
    if (options.memory_bytes != 0) ::prlimit(pid, RLIMIT_AS, &memory, nullptr);
    return ok_status();
  }

  void kill() {
    if (pid_ > 0) ::kill(pid_, SIGKILL);
  }

  // Waits for the child until `deadline`, then kills it; false when its
  // status cannot be known (SIGCHLD ignored by the process).
  bool reap_by(Clock::time_point deadline) {
    while (pid_ > 0 && Clock::now() < deadline) {
      int status = 0;
      const pid_t got = ::waitpid(pid_, &status, WNOHANG);
      if (got == pid_) {
        pid_ = -1;
        known_ = true;
        status_ = status;
        return true;
      }
      if (got < 0 && errno != EINTR) break;
      ::usleep(1000);
    }
    kill();
    return reap();
  }

  // Waits for the child; false when its status cannot be known.
  bool reap() {
    if (pid_ <= 0) return known_;
    int status = 0;
    pid_t got;
    do {
      got = ::waitpid(pid_, &status, 0);
    } while (got < 0 && errno == EINTR);
    pid_ = -1;
    known_ = got > 0;
    status_ = status;
    return known_;
  }
  int status() const noexcept { return status_; }

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  bool known_ = false;
};

// The read end of the child's stdout, with a deadline.
class PipeIn {
 public:
  PipeIn(int fd, Clock::time_point deadline) : fd_(fd), deadline_(deadline) {}

  bool eof() const noexcept { return eof_; }
  bool timed_out() const noexcept { return timed_out_; }

  // false at the end of the stream or past the deadline.
  bool read(void* out, std::size_t size) {
    auto* p = static_cast<char*>(out);
    while (size > 0) {
      if (begin_ == end_ && !fill()) return false;
      const std::size_t n = std::min(size, end_ - begin_);
      std::memcpy(p, buffer_.data() + begin_, n);
      begin_ += n;
      p += n;
      size -= n;
    }
    return true;
  }
  bool tag(char& t) { return read(&t, 1); }
  bool u32(std::uint32_t& v) { return read(&v, sizeof v); }
  bool i32(std::int32_t& v) { return read(&v, sizeof v); }
  bool f64(double& v) { return read(&v, sizeof v); }
  // A string of at most `max` bytes; `too_long` set (and false returned)
  // past it.
  bool str(std::string& s, std::uint32_t max, bool& too_long) {
    std::uint32_t size = 0;
    if (!u32(size)) return false;
    if (size > max) {
      too_long = true;
      return false;
    }
    s.resize(size);
    return read(s.data(), size);
  }

 private:
  bool fill() {
    while (true) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline_ - Clock::now());
      if (left.count() <= 0) {
        timed_out_ = true;
        return false;
      }
      pollfd p{fd_, POLLIN, 0};
      const int ready = ::poll(
          &p, 1,
          static_cast<int>(std::min<long long>(left.count(), 1000 * 1000)));
      if (ready < 0 && errno == EINTR) continue;
      if (ready == 0) continue;  // the deadline is checked above
      const ssize_t n = ::read(fd_, buffer_.data(), buffer_.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        eof_ = true;
        return false;
      }
      begin_ = 0;
      end_ = static_cast<std::size_t>(n);
      return true;
    }
  }

  int fd_;
  Clock::time_point deadline_;
  std::vector<char> buffer_ = std::vector<char>(64u << 10);
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  bool eof_ = false;
  bool timed_out_ = false;
};

// Feeds what the helper sends to the builder. An ok status with `done`
// false means the stream stopped early (see the child's exit status).
class Decoder {
 public:
  Decoder(PipeIn& in, CarteiraBuilder& builder)
      : in_(in), builder_(builder), name_(builder.name()) {}

  bool done() const noexcept { return done_; }

  Status run() {
    const CarteiraLimits& limits = builder_.limits();
    char tag = 0;
    while (in_.tag(tag)) {
      switch (tag) {
        case wire::kOpenError: {
          std::int32_t code = 0;
          if (!in_.i32(code)) return ok_status();
          if (code == wire::kOutOfMemory) {
            return limit_exceeded_error(
                name_ + ": not read: the .xls reader ran out of memory");
          }
          return corrupt_data_error(
              name_ + ": not a readable .xls: " + freexl_reason(code));
        }
        case wire::kPassword:
          return unsupported_format_error(
              name_ + ": a password-protected .xls (not supported)");
        case wire::kSheetCount: {
          std::uint32_t sheets = 0;
          if (!in_.u32(sheets)) return ok_status();
          if (sheets > limits.max_sheets) {
            return limit_exceeded_error(name_ + ": " + std::to_string(sheets) +
                                        " sheets, more than the limit of " +
                                        std::to_string(limits.max_sheets));
          }
          break;
        }
        case wire::kSheet:
        case wire::kUnreadableSheet: {
          if (in_sheet_) return garbled();
          bool too_long = false;
          std::uint32_t rows = 0;
          if (!in_.str(sheet_, kMaxNameBytes, too_long)) {
            return too_long ? garbled() : ok_status();
          }
          wanted_ = builder_.wants_sheet(sheet_);
          if (wanted_) builder_.begin_sheet(sheet_);
          if (tag == wire::kUnreadableSheet) {
            if (wanted_) {
              builder_.issue(IssueSeverity::kError, 0,
                             "the sheet cannot be read; sheet skipped");
            }
            break;
          }
          if (!in_.u32(rows) || !in_.u32(columns_)) return ok_status();
          if (columns_ > limits.max_columns) {
            return limit_exceeded_error(name_ + ": sheet '" + sheet_ +
                                        "' has " + std::to_string(columns_) +
                                        " columns, more than the limit of " +
                                        std::to_string(limits.max_columns));
          }
          in_sheet_ = true;
          break;
        }
        case wire::kRow: {
          if (!in_sheet_) return garbled();
          std::uint32_t number = 0;
          std::uint32_t count = 0;
          if (!in_.u32(number) || !in_.u32(count)) return ok_status();
          if (count > columns_ || number == 0) return garbled();
          IMAGEBANK_RETURN_IF_ERROR(read_row(number, count));
          if (stopped_early_) return ok_status();
          break;
        }
        case wire::kSheetEnd:
          if (!in_sheet_) return garbled();
          if (wanted_) builder_.end_sheet();
          in_sheet_ = false;
          break;
        case wire::kDone:
          if (in_sheet_) return garbled();
          done_ = true;
          return ok_status();
        default:
          return garbled();
      }
    }
    return ok_status();
  }

 private:
  Status garbled() {
    return internal_error(name_ +
                          ": the .xls reader's output is garbled (a helper "
                          "from another version of imagebank?)");
  }

  Status read_row(std::uint32_t number, std::uint32_t count) {
    const CarteiraLimits& limits = builder_.limits();
    cells_.clear();
    offsets_.clear();
    row_text_.clear();
    for (std::uint32_t i = 0; i < count; ++i) {
      Cell cell;
      char kind = 0;
      std::uint32_t size = 0;
      if (!in_.u32(cell.column) || !in_.tag(kind) || !in_.f64(cell.number) ||
          !in_.u32(size)) {
        stopped_early_ = true;
        return ok_status();
      }
      if (cell.column >= columns_ || !std::isfinite(cell.number) ||
          (kind != static_cast<char>(CellKind::kText) &&
           kind != static_cast<char>(CellKind::kNumber) &&
           kind != static_cast<char>(CellKind::kIsoDate))) {
        return garbled();
      }
      cell.kind = static_cast<CellKind>(kind);
      if (size > limits.max_cell_bytes) {
        return limit_exceeded_error(
            name_ + ": sheet '" + sheet_ + "' row " + std::to_string(number) +
            ": a cell longer than " + std::to_string(limits.max_cell_bytes) +
            " bytes (the limit)");
      }
      const std::size_t offset = row_text_.size();
      row_text_.resize(offset + size);
      if (!in_.read(row_text_.data() + offset, size)) {
        stopped_early_ = true;
        return ok_status();
      }
      // Text cells without text are blanks, as freexl's reader skipped.
      if (cell.kind != CellKind::kNumber && size == 0) continue;
      offsets_.push_back({offset, size});
      cells_.push_back(cell);
    }
    for (std::size_t i = 0; i < cells_.size(); ++i) {
      cells_[i].text = std::string_view(row_text_).substr(offsets_[i].first,
                                                          offsets_[i].second);
    }
    if (!wanted_) return ok_status();
    return builder_.row(number, cells_);
  }

  PipeIn& in_;
  CarteiraBuilder& builder_;
  const std::string& name_;
  bool done_ = false;
  bool stopped_early_ = false;
  bool in_sheet_ = false;
  bool wanted_ = false;
  std::string sheet_;
  std::uint32_t columns_ = 0;
  std::vector<Cell> cells_;
  std::vector<std::pair<std::size_t, std::size_t>> offsets_;
  std::string row_text_;
};

// Why the child stopped before the end of its output.
Status child_failure(const std::string& name, const std::string& helper,
                     bool known, int status, bool timed_out,
                     const XlsChildOptions& options) {
  if (timed_out) {
    return limit_exceeded_error(
        name + ": not read: the .xls reader took more than " +
        std::to_string(options.wall_seconds) + " s (the limit)");
  }
  if (!known) {
    return internal_error(name +
                          ": the .xls reader stopped before the end of the "
                          "workbook");
  }
  if (WIFEXITED(status)) {
    if (WEXITSTATUS(status) == 127) {
      return internal_error(name + ": cannot run the .xls reader " + helper);
    }
    return corrupt_data_error(
        name + ": not a readable .xls: its reader failed (exit status " +
        std::to_string(WEXITSTATUS(status)) + ")");
  }
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    const char* abbrev = ::sigabbrev_np(sig);
    const std::string signal =
        "signal " + std::to_string(sig) +
        (abbrev == nullptr ? "" : std::string(", SIG") + abbrev);
    if (sig == SIGXCPU || sig == SIGKILL) {
      return limit_exceeded_error(
          name + ": not read: the .xls reader was stopped (" + signal +
          ") past its limits of " + std::to_string(options.cpu_seconds) +
          " s of CPU" +
          (options.memory_bytes == 0
               ? std::string()
               : " and " + std::to_string(options.memory_bytes >> 20) +
                     " MiB of memory"));
    }
    return corrupt_data_error(name +
                              ": not a readable .xls: its reader crashed on "
                              "it (" +
                              signal + "): a damaged or crafted file");
  }
  return internal_error(name + ": the .xls reader stopped unexpectedly");
}

}  // namespace

XlsChildOptions default_xls_child_options() {
  XlsChildOptions options;
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  options.memory_bytes = 0;
#else
  options.memory_bytes = 2ull << 30;
#endif
  return options;
}

std::string find_xls_helper(std::string* looked) {
  std::vector<std::filesystem::path> candidates;
  if (const char* env = std::getenv("IMAGEBANK_XLS_READER");
      env != nullptr && *env != '\0') {
    candidates.emplace_back(env);
  } else {
    std::vector<std::filesystem::path> dirs;
    Dl_info info{};
    if (::dladdr(reinterpret_cast<void*>(&find_xls_helper), &info) != 0 &&
        info.dli_fname != nullptr && info.dli_fname[0] == '/') {
      dirs.push_back(std::filesystem::path(info.dli_fname).parent_path());
    }
    std::error_code ec;
    const std::filesystem::path exe =
        std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) dirs.push_back(exe.parent_path());
    for (const std::filesystem::path& dir : dirs) {
      candidates.push_back(dir / kHelperName);
      candidates.push_back(dir.parent_path() / "libexec" / "imagebank" /
                           kHelperName);
    }
#ifdef IMAGEBANK_XLS_READER_INSTALLED
    candidates.emplace_back(IMAGEBANK_XLS_READER_INSTALLED);
#endif
#ifdef IMAGEBANK_XLS_READER_BUILT
    candidates.emplace_back(IMAGEBANK_XLS_READER_BUILT);
#endif
  }
  for (const std::filesystem::path& c : candidates) {
    if (executable(c)) return c.string();
  }
  if (looked != nullptr) {
    looked->clear();
    for (const std::filesystem::path& c : candidates) {
      *looked += (looked->empty() ? "" : ", ") + c.string();
    }
  }
  return "";
}

Status read_xls_in_child(std::span<const std::byte> bytes,
                         CarteiraBuilder& builder,
                         const XlsChildOptions& options) {
  const std::string& name = builder.name();
  std::string looked;
  const std::string helper =
      options.helper.empty() ? find_xls_helper(&looked) : options.helper;
  if (helper.empty()) {
    return internal_error(name +
                          ": cannot read .xls files: the helper program "
                          "imagebank-xls-reader is not installed (looked "
                          "for " +
                          looked + "; IMAGEBANK_XLS_READER may name it)");
  }
  IMAGEBANK_ASSIGN_OR_RETURN(UniqueFd input, bytes_fd(bytes, name));
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0) {
    return io_error(name +
                    ": cannot start the .xls reader: " + errno_text(errno));
  }
  UniqueFd read_end(ends[0]);
  UniqueFd write_end(ends[1]);
  Child child;
  IMAGEBANK_RETURN_IF_ERROR(
      child.spawn(helper, input.get(), write_end.get(), options, name));
  write_end.reset();
  input.reset();

  const Clock::time_point deadline =
      Clock::now() + std::chrono::seconds(options.wall_seconds);
  PipeIn in(read_end.get(), deadline);
  Decoder decoder(in, builder);
  Status status = decoder.run();
  // At the end of its output the child is exiting: let it, to learn why it
  // stopped. Otherwise it is not wanted any more.
  if (!status.ok() || in.timed_out()) child.kill();
  read_end.reset();
  const bool known = child.reap_by(deadline + std::chrono::seconds(1));
  if (!status.ok()) return status;
  if (decoder.done()) return ok_status();
  return child_failure(name, helper, known, child.status(), in.timed_out(),
                       options);
}

Status read_xls(std::span<const std::byte> bytes, CarteiraBuilder& builder) {
  return read_xls_in_child(bytes, builder, default_xls_child_options());
}

}  // namespace imagebank::carteira
