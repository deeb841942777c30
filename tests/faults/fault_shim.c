/* fault_shim.c: an LD_PRELOAD library that makes file system calls fail on
 * purpose, for the fault-injection tests (tests/python/test_faults.py,
 * scripts/fault-matrix.py). Not part of the library or the wheel.
 *
 *   cc -shared -fPIC -O2 -o fault_shim.so fault_shim.c -ldl
 *   IMAGEBANK_FAULT=op=fsync,n=3,errno=EIO,path=/tmp/bank \
 *   IMAGEBANK_FAULT_REPORT=/tmp/report.jsonl LD_PRELOAD=./fault_shim.so CMD
 *
 * IMAGEBANK_FAULT is a comma-separated list:
 *   op=CLASS     the class of calls to fail: open, write, fsync, rename,
 *                mkdir, unlink, truncate (see the table of calls below)
 *   n=N          fail the Nth call of that class (1-based), once
 *   from=N       fail the Nth call and every later one (a disk that turned
 *                read-only, a full disk)
 *   errno=NAME   EIO, ENOSPC, EACCES, EROFS, EDQUOT, EPERM, EFBIG, EMFILE
 *   path=TEXT    only calls on a path containing TEXT are counted (and
 *                failed); the path is made absolute (directory descriptors
 *                and descriptors are resolved through /proc/self/fd)
 *   count        count only, fail nothing (the same as leaving out op)
 *
 * With IMAGEBANK_FAULT_REPORT=FILE, each process appends one JSON line at
 * exit: {"pid":..., "counts":{"open":N,...}, "fired":[{"op":..., "call":...,
 * "index":N, "path":...}], "fired_total":N}. A driver runs once with
 * `count` to learn how many calls of each class a run makes, then once per
 * call index with the fault armed.
 *
 * Calls by class (glibc's internal calls, such as fopen's own open, do not go
 * through these symbols; SQLite calls through its table of libc pointers,
 * which resolve to these):
 *   open     open open64 __open_2 __open64_2 openat openat64 __openat_2
 *            __openat64_2 creat creat64 fopen fopen64 syscall(SYS_openat2)
 *   write    write pwrite pwrite64 writev pwritev pwritev64 pwritev2
 *            copy_file_range sendfile sendfile64 fallocate fallocate64
 *            posix_fallocate posix_fallocate64
 *   fsync    fsync fdatasync sync_file_range
 *   rename   rename renameat renameat2 syscall(SYS_rename*)
 *   mkdir    mkdir mkdirat
 *   unlink   unlink unlinkat
 *   truncate truncate truncate64 ftruncate ftruncate64
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

enum op_class {
  OP_OPEN,
  OP_WRITE,
  OP_FSYNC,
  OP_RENAME,
  OP_MKDIR,
  OP_UNLINK,
  OP_TRUNCATE,
  OP_COUNT
};

static const char* const op_names[OP_COUNT] = {
    "open", "write", "fsync", "rename", "mkdir", "unlink", "truncate"};

struct errno_name {
  const char* name;
  int value;
};

static const struct errno_name errno_names[] = {
    {"EIO", EIO},     {"ENOSPC", ENOSPC}, {"EACCES", EACCES},
    {"EROFS", EROFS}, {"EDQUOT", EDQUOT}, {"EPERM", EPERM},
    {"EFBIG", EFBIG}, {"EMFILE", EMFILE}, {NULL, 0}};

#define MAX_FIRED 8

static struct {
  int ready;
  int op; /* -1: count only */
  long n;
  int persistent;
  int error;
  char path[PATH_MAX];
  char report[PATH_MAX];
} cfg = {0, -1, 0, 0, EIO, "", ""};

static atomic_long counts[OP_COUNT];
static atomic_long fired_total;
static struct {
  int op;
  long index;
  const char* call;
  char path[256];
} fired[MAX_FIRED];

/* The real functions, found once with dlsym(RTLD_NEXT). */
#define REAL(ret, name, ...)                                      \
  static ret (*real_##name)(__VA_ARGS__);                         \
  static ret (*get_##name(void))(__VA_ARGS__) {                   \
    if (!real_##name) {                                           \
      real_##name = (ret(*)(__VA_ARGS__))dlsym(RTLD_NEXT, #name); \
    }                                                             \
    return real_##name;                                           \
  }

REAL(int, open, const char*, int, ...)
REAL(int, open64, const char*, int, ...)
REAL(int, __open_2, const char*, int)
REAL(int, __open64_2, const char*, int)
REAL(int, openat, int, const char*, int, ...)
REAL(int, openat64, int, const char*, int, ...)
REAL(int, __openat_2, int, const char*, int)
REAL(int, __openat64_2, int, const char*, int)
REAL(int, creat, const char*, mode_t)
REAL(int, creat64, const char*, mode_t)
REAL(FILE*, fopen, const char*, const char*)
REAL(FILE*, fopen64, const char*, const char*)
REAL(long, syscall, long, ...)
REAL(ssize_t, write, int, const void*, size_t)
REAL(ssize_t, pwrite, int, const void*, size_t, off_t)
REAL(ssize_t, pwrite64, int, const void*, size_t, off64_t)
REAL(ssize_t, writev, int, const struct iovec*, int)
REAL(ssize_t, pwritev, int, const struct iovec*, int, off_t)
REAL(ssize_t, pwritev64, int, const struct iovec*, int, off64_t)
REAL(ssize_t, pwritev2, int, const struct iovec*, int, off_t, int)
REAL(ssize_t, copy_file_range, int, loff_t*, int, loff_t*, size_t, unsigned int)
REAL(ssize_t, sendfile, int, int, off_t*, size_t)
REAL(ssize_t, sendfile64, int, int, off64_t*, size_t)
REAL(int, fallocate, int, int, off_t, off_t)
REAL(int, fallocate64, int, int, off64_t, off64_t)
REAL(int, posix_fallocate, int, off_t, off_t)
REAL(int, posix_fallocate64, int, off64_t, off64_t)
REAL(int, fsync, int)
REAL(int, fdatasync, int)
REAL(int, sync_file_range, int, off64_t, off64_t, unsigned int)
REAL(int, rename, const char*, const char*)
REAL(int, renameat, int, const char*, int, const char*)
REAL(int, renameat2, int, const char*, int, const char*, unsigned int)
REAL(int, mkdir, const char*, mode_t)
REAL(int, mkdirat, int, const char*, mode_t)
REAL(int, unlink, const char*)
REAL(int, unlinkat, int, const char*, int)
REAL(int, truncate, const char*, off_t)
REAL(int, truncate64, const char*, off64_t)
REAL(int, ftruncate, int, off_t)
REAL(int, ftruncate64, int, off64_t)

static void configure(void) {
  if (cfg.ready) return;
  const char* spec = getenv("IMAGEBANK_FAULT");
  const char* report = getenv("IMAGEBANK_FAULT_REPORT");
  if (report) snprintf(cfg.report, sizeof cfg.report, "%s", report);
  if (spec) {
    char buf[PATH_MAX + 128];
    snprintf(buf, sizeof buf, "%s", spec);
    char* save = NULL;
    for (char* item = strtok_r(buf, ",", &save); item;
         item = strtok_r(NULL, ",", &save)) {
      char* eq = strchr(item, '=');
      const char* value = eq ? eq + 1 : "";
      if (eq) *eq = '\0';
      if (strcmp(item, "op") == 0) {
        for (int i = 0; i < OP_COUNT; ++i) {
          if (strcmp(value, op_names[i]) == 0) cfg.op = i;
        }
      } else if (strcmp(item, "n") == 0) {
        cfg.n = atol(value);
      } else if (strcmp(item, "from") == 0) {
        cfg.n = atol(value);
        cfg.persistent = 1;
      } else if (strcmp(item, "errno") == 0) {
        for (const struct errno_name* e = errno_names; e->name; ++e) {
          if (strcmp(value, e->name) == 0) cfg.error = e->value;
        }
      } else if (strcmp(item, "path") == 0) {
        snprintf(cfg.path, sizeof cfg.path, "%s", value);
      }
    }
  }
  if (cfg.n <= 0) cfg.op = -1;
  cfg.ready = 1;
}

__attribute__((constructor)) static void shim_init(void) { configure(); }

static void fd_path(int fd, char* out, size_t size) {
  char link[64];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  const ssize_t n = readlink(link, out, size - 1);
  out[n < 0 ? 0 : n] = '\0';
}

static void at_path(int dirfd, const char* path, char* out, size_t size) {
  if (!path) {
    out[0] = '\0';
    return;
  }
  if (path[0] == '/') {
    snprintf(out, size, "%s", path);
    return;
  }
  char dir[PATH_MAX];
  if (dirfd == AT_FDCWD) {
    if (!getcwd(dir, sizeof dir)) dir[0] = '\0';
  } else {
    fd_path(dirfd, dir, sizeof dir);
  }
  snprintf(out, size, "%s/%s", dir, path);
}

static int decide_inner(int op, const char* call, int dirfd, const char* path,
                        int fd);

/* Counts the call when its path passes the filter; returns the errno to
 * fail it with, or 0 to let it through (errno is left as it was). */
static int decide(int op, const char* call, int dirfd, const char* path,
                  int fd) {
  configure();
  const int saved_errno = errno;
  const int err = decide_inner(op, call, dirfd, path, fd);
  errno = saved_errno;
  return err;
}

static int decide_inner(int op, const char* call, int dirfd, const char* path,
                        int fd) {
  char resolved[PATH_MAX];
  resolved[0] = '\0';
  const int need_path = cfg.path[0] != '\0';
  if (need_path) {
    if (path) {
      at_path(dirfd, path, resolved, sizeof resolved);
    } else {
      fd_path(fd, resolved, sizeof resolved);
    }
    if (!strstr(resolved, cfg.path)) return 0;
  }
  const long index = atomic_fetch_add(&counts[op], 1) + 1;
  if (cfg.op != op) return 0;
  if (index != cfg.n && !(cfg.persistent && index > cfg.n)) return 0;
  const long k = atomic_fetch_add(&fired_total, 1);
  if (k < MAX_FIRED) {
    if (!need_path) {
      if (path) {
        at_path(dirfd, path, resolved, sizeof resolved);
      } else {
        fd_path(fd, resolved, sizeof resolved);
      }
    }
    fired[k].op = op;
    fired[k].index = index;
    fired[k].call = call;
    snprintf(fired[k].path, sizeof fired[k].path, "%s", resolved);
  }
  return cfg.error;
}

static void json_string(char* out, size_t size, const char* s) {
  size_t j = 0;
  if (size < 3) return;
  out[j++] = '"';
  for (; *s && j + 7 < size; ++s) {
    const unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') {
      out[j++] = '\\';
      out[j++] = (char)c;
    } else if (c < 0x20) {
      j += (size_t)snprintf(out + j, size - j, "\\u%04x", c);
    } else {
      out[j++] = (char)c;
    }
  }
  out[j++] = '"';
  out[j] = '\0';
}

__attribute__((destructor)) static void shim_report(void) {
  if (!cfg.report[0]) return;
  char line[8192];
  size_t len = 0;
  len += (size_t)snprintf(line + len, sizeof line - len,
                          "{\"pid\":%d,\"counts\":{", (int)getpid());
  for (int i = 0; i < OP_COUNT; ++i) {
    len += (size_t)snprintf(line + len, sizeof line - len, "%s\"%s\":%ld",
                            i ? "," : "", op_names[i], atomic_load(&counts[i]));
  }
  const long total = atomic_load(&fired_total);
  len += (size_t)snprintf(line + len, sizeof line - len, "},\"fired\":[");
  for (long k = 0; k < total && k < MAX_FIRED && len < sizeof line - 600; ++k) {
    char path[600];
    json_string(path, sizeof path, fired[k].path);
    len += (size_t)snprintf(
        line + len, sizeof line - len,
        "%s{\"op\":\"%s\",\"call\":\"%s\",\"index\":%ld,\"path\":%s}",
        k ? "," : "", op_names[fired[k].op], fired[k].call, fired[k].index,
        path);
  }
  len += (size_t)snprintf(line + len, sizeof line - len,
                          "],\"fired_total\":%ld}\n", total);
  if (len >= sizeof line) len = sizeof line - 1;
  const int fd =
      get_open()(cfg.report, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return;
  const ssize_t ignored = get_write()(fd, line, len);
  (void)ignored;
  close(fd);
}

#define FAIL_IF(op, call, dirfd, path, fd, failure)     \
  do {                                                  \
    const int err_ = decide(op, call, dirfd, path, fd); \
    if (err_) {                                         \
      errno = err_;                                     \
      return failure;                                   \
    }                                                   \
  } while (0)

static mode_t mode_arg(int flags, va_list ap) {
  if ((flags & O_CREAT) || (flags & __O_TMPFILE) == __O_TMPFILE) {
    return (mode_t)va_arg(ap, int);
  }
  return 0;
}

/* open */
int open(const char* path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  const mode_t mode = mode_arg(flags, ap);
  va_end(ap);
  FAIL_IF(OP_OPEN, "open", AT_FDCWD, path, -1, -1);
  return get_open()(path, flags, mode);
}

int open64(const char* path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  const mode_t mode = mode_arg(flags, ap);
  va_end(ap);
  FAIL_IF(OP_OPEN, "open64", AT_FDCWD, path, -1, -1);
  return get_open64()(path, flags, mode);
}

int __open_2(const char* path, int flags) {
  FAIL_IF(OP_OPEN, "__open_2", AT_FDCWD, path, -1, -1);
  return get___open_2()(path, flags);
}

int __open64_2(const char* path, int flags) {
  FAIL_IF(OP_OPEN, "__open64_2", AT_FDCWD, path, -1, -1);
  return get___open64_2()(path, flags);
}

int openat(int dirfd, const char* path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  const mode_t mode = mode_arg(flags, ap);
  va_end(ap);
  FAIL_IF(OP_OPEN, "openat", dirfd, path, -1, -1);
  return get_openat()(dirfd, path, flags, mode);
}

int openat64(int dirfd, const char* path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  const mode_t mode = mode_arg(flags, ap);
  va_end(ap);
  FAIL_IF(OP_OPEN, "openat64", dirfd, path, -1, -1);
  return get_openat64()(dirfd, path, flags, mode);
}

int __openat_2(int dirfd, const char* path, int flags) {
  FAIL_IF(OP_OPEN, "__openat_2", dirfd, path, -1, -1);
  return get___openat_2()(dirfd, path, flags);
}

int __openat64_2(int dirfd, const char* path, int flags) {
  FAIL_IF(OP_OPEN, "__openat64_2", dirfd, path, -1, -1);
  return get___openat64_2()(dirfd, path, flags);
}

int creat(const char* path, mode_t mode) {
  FAIL_IF(OP_OPEN, "creat", AT_FDCWD, path, -1, -1);
  return get_creat()(path, mode);
}

int creat64(const char* path, mode_t mode) {
  FAIL_IF(OP_OPEN, "creat64", AT_FDCWD, path, -1, -1);
  return get_creat64()(path, mode);
}

FILE* fopen(const char* path, const char* mode) {
  FAIL_IF(OP_OPEN, "fopen", AT_FDCWD, path, -1, NULL);
  return get_fopen()(path, mode);
}

FILE* fopen64(const char* path, const char* mode) {
  FAIL_IF(OP_OPEN, "fopen64", AT_FDCWD, path, -1, NULL);
  return get_fopen64()(path, mode);
}

/* syscall(): the local blob store opens with SYS_openat2, which has no libc
 * wrapper. Six register-sized arguments are passed through unchanged. */
long syscall(long number, ...) {
  va_list ap;
  va_start(ap, number);
  long a[6];
  for (int i = 0; i < 6; ++i) a[i] = va_arg(ap, long);
  va_end(ap);
#ifdef SYS_openat2
  if (number == SYS_openat2) {
    FAIL_IF(OP_OPEN, "openat2", (int)a[0], (const char*)a[1], -1, -1);
  }
#endif
#ifdef SYS_renameat2
  if (number == SYS_renameat2) {
    FAIL_IF(OP_RENAME, "SYS_renameat2", (int)a[0], (const char*)a[1], -1, -1);
  }
#endif
#ifdef SYS_renameat
  if (number == SYS_renameat) {
    FAIL_IF(OP_RENAME, "SYS_renameat", (int)a[0], (const char*)a[1], -1, -1);
  }
#endif
  return get_syscall()(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* write */
ssize_t write(int fd, const void* buf, size_t count) {
  FAIL_IF(OP_WRITE, "write", AT_FDCWD, NULL, fd, -1);
  return get_write()(fd, buf, count);
}

ssize_t pwrite(int fd, const void* buf, size_t count, off_t offset) {
  FAIL_IF(OP_WRITE, "pwrite", AT_FDCWD, NULL, fd, -1);
  return get_pwrite()(fd, buf, count, offset);
}

ssize_t pwrite64(int fd, const void* buf, size_t count, off64_t offset) {
  FAIL_IF(OP_WRITE, "pwrite64", AT_FDCWD, NULL, fd, -1);
  return get_pwrite64()(fd, buf, count, offset);
}

ssize_t writev(int fd, const struct iovec* iov, int n) {
  FAIL_IF(OP_WRITE, "writev", AT_FDCWD, NULL, fd, -1);
  return get_writev()(fd, iov, n);
}

ssize_t pwritev(int fd, const struct iovec* iov, int n, off_t offset) {
  FAIL_IF(OP_WRITE, "pwritev", AT_FDCWD, NULL, fd, -1);
  return get_pwritev()(fd, iov, n, offset);
}

ssize_t pwritev64(int fd, const struct iovec* iov, int n, off64_t offset) {
  FAIL_IF(OP_WRITE, "pwritev64", AT_FDCWD, NULL, fd, -1);
  return get_pwritev64()(fd, iov, n, offset);
}

ssize_t pwritev2(int fd, const struct iovec* iov, int n, off_t offset,
                 int flags) {
  FAIL_IF(OP_WRITE, "pwritev2", AT_FDCWD, NULL, fd, -1);
  return get_pwritev2()(fd, iov, n, offset, flags);
}

ssize_t copy_file_range(int in, loff_t* in_off, int out, loff_t* out_off,
                        size_t len, unsigned int flags) {
  FAIL_IF(OP_WRITE, "copy_file_range", AT_FDCWD, NULL, out, -1);
  return get_copy_file_range()(in, in_off, out, out_off, len, flags);
}

ssize_t sendfile(int out, int in, off_t* offset, size_t count) {
  FAIL_IF(OP_WRITE, "sendfile", AT_FDCWD, NULL, out, -1);
  return get_sendfile()(out, in, offset, count);
}

ssize_t sendfile64(int out, int in, off64_t* offset, size_t count) {
  FAIL_IF(OP_WRITE, "sendfile64", AT_FDCWD, NULL, out, -1);
  return get_sendfile64()(out, in, offset, count);
}

int fallocate(int fd, int mode, off_t offset, off_t len) {
  FAIL_IF(OP_WRITE, "fallocate", AT_FDCWD, NULL, fd, -1);
  return get_fallocate()(fd, mode, offset, len);
}

int fallocate64(int fd, int mode, off64_t offset, off64_t len) {
  FAIL_IF(OP_WRITE, "fallocate64", AT_FDCWD, NULL, fd, -1);
  return get_fallocate64()(fd, mode, offset, len);
}

/* posix_fallocate returns the error instead of setting errno. */
int posix_fallocate(int fd, off_t offset, off_t len) {
  const int err = decide(OP_WRITE, "posix_fallocate", AT_FDCWD, NULL, fd);
  if (err) return err;
  return get_posix_fallocate()(fd, offset, len);
}

int posix_fallocate64(int fd, off64_t offset, off64_t len) {
  const int err = decide(OP_WRITE, "posix_fallocate64", AT_FDCWD, NULL, fd);
  if (err) return err;
  return get_posix_fallocate64()(fd, offset, len);
}

/* fsync */
int fsync(int fd) {
  FAIL_IF(OP_FSYNC, "fsync", AT_FDCWD, NULL, fd, -1);
  return get_fsync()(fd);
}

int fdatasync(int fd) {
  FAIL_IF(OP_FSYNC, "fdatasync", AT_FDCWD, NULL, fd, -1);
  return get_fdatasync()(fd);
}

int sync_file_range(int fd, off64_t offset, off64_t n, unsigned int flags) {
  FAIL_IF(OP_FSYNC, "sync_file_range", AT_FDCWD, NULL, fd, -1);
  return get_sync_file_range()(fd, offset, n, flags);
}

/* rename */
int rename(const char* from, const char* to) {
  FAIL_IF(OP_RENAME, "rename", AT_FDCWD, from, -1, -1);
  return get_rename()(from, to);
}

int renameat(int fromfd, const char* from, int tofd, const char* to) {
  FAIL_IF(OP_RENAME, "renameat", fromfd, from, -1, -1);
  return get_renameat()(fromfd, from, tofd, to);
}

int renameat2(int fromfd, const char* from, int tofd, const char* to,
              unsigned int flags) {
  FAIL_IF(OP_RENAME, "renameat2", fromfd, from, -1, -1);
  return get_renameat2()(fromfd, from, tofd, to, flags);
}

/* mkdir */
int mkdir(const char* path, mode_t mode) {
  FAIL_IF(OP_MKDIR, "mkdir", AT_FDCWD, path, -1, -1);
  return get_mkdir()(path, mode);
}

int mkdirat(int dirfd, const char* path, mode_t mode) {
  FAIL_IF(OP_MKDIR, "mkdirat", dirfd, path, -1, -1);
  return get_mkdirat()(dirfd, path, mode);
}

/* unlink */
int unlink(const char* path) {
  FAIL_IF(OP_UNLINK, "unlink", AT_FDCWD, path, -1, -1);
  return get_unlink()(path);
}

int unlinkat(int dirfd, const char* path, int flags) {
  FAIL_IF(OP_UNLINK, "unlinkat", dirfd, path, -1, -1);
  return get_unlinkat()(dirfd, path, flags);
}

/* truncate */
int truncate(const char* path, off_t length) {
  FAIL_IF(OP_TRUNCATE, "truncate", AT_FDCWD, path, -1, -1);
  return get_truncate()(path, length);
}

int truncate64(const char* path, off64_t length) {
  FAIL_IF(OP_TRUNCATE, "truncate64", AT_FDCWD, path, -1, -1);
  return get_truncate64()(path, length);
}

int ftruncate(int fd, off_t length) {
  FAIL_IF(OP_TRUNCATE, "ftruncate", AT_FDCWD, NULL, fd, -1);
  return get_ftruncate()(fd, length);
}

int ftruncate64(int fd, off64_t length) {
  FAIL_IF(OP_TRUNCATE, "ftruncate64", AT_FDCWD, NULL, fd, -1);
  return get_ftruncate64()(fd, length);
}
