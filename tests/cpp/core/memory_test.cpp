#include "imagebank/core/memory.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>

namespace imagebank {
namespace {

constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;

TEST(MallocArenas, AQuarterOfTheLimitAt64MiBEach) {
  // 512 MB: 128 MB for reservations, two arenas (the main one and one more).
  EXPECT_EQ(malloc_arenas_for_address_limit(512 * kMiB, 2), 2);
  EXPECT_EQ(malloc_arenas_for_address_limit(1024 * kMiB, 2), 4);
  // Never below the main arena, however tight the limit.
  EXPECT_EQ(malloc_arenas_for_address_limit(100 * kMiB, 2), 1);
  EXPECT_EQ(malloc_arenas_for_address_limit(0, 2), 1);
  // Loose limits leave glibc's 8 per core alone; the core count decides.
  EXPECT_EQ(malloc_arenas_for_address_limit(4096 * kMiB, 2), 0);
  EXPECT_EQ(malloc_arenas_for_address_limit(4096 * kMiB, 4), 16);
  EXPECT_EQ(malloc_arenas_for_address_limit(4095 * kMiB, 2), 15);
  // An unknown core count counts as one.
  EXPECT_EQ(malloc_arenas_for_address_limit(2048 * kMiB, 0), 0);
  EXPECT_EQ(malloc_arenas_for_address_limit(1024 * kMiB, 0), 4);
  EXPECT_EQ(malloc_arenas_for_address_limit(~std::uint64_t{0}, 64), 0);
}

#if defined(__SANITIZE_ADDRESS__)
#define IMAGEBANK_NO_AS_LIMIT 1  // ASan's shadow memory exceeds any cap
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define IMAGEBANK_NO_AS_LIMIT 1
#endif
#endif

// In a child process: set RLIMIT_AS to limit_bytes (0: none), call
// fit_malloc_to_address_limit(), exit with what it returned.
[[noreturn, maybe_unused]] void fit_under(std::uint64_t limit_bytes,
                                          const char* arena_env) {
  if (arena_env != nullptr) {
    setenv("MALLOC_ARENA_MAX", arena_env, 1);
  } else {
    unsetenv("MALLOC_ARENA_MAX");
  }
  unsetenv("GLIBC_TUNABLES");
  if (limit_bytes != 0) {
    const rlimit cap{limit_bytes, limit_bytes};
    if (setrlimit(RLIMIT_AS, &cap) != 0) _exit(100);
  }
  _exit(fit_malloc_to_address_limit());
}

TEST(MallocArenas, FitsTheProcessLimit) {
#if defined(IMAGEBANK_NO_AS_LIMIT)
  GTEST_SKIP() << "an address-space limit cannot be set under ASan";
#else
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  rlimit now{};
  ASSERT_EQ(getrlimit(RLIMIT_AS, &now), 0);
  if (now.rlim_cur == RLIM_INFINITY) {
    EXPECT_EXIT(fit_under(0, nullptr), testing::ExitedWithCode(0), "");
  }
  EXPECT_EXIT(fit_under(512 * kMiB, nullptr), testing::ExitedWithCode(2), "");
  EXPECT_EXIT(fit_under(1024 * kMiB, nullptr), testing::ExitedWithCode(4), "");
  // The user's own choice stands.
  EXPECT_EXIT(fit_under(512 * kMiB, "8"), testing::ExitedWithCode(0), "");
#endif
}

}  // namespace
}  // namespace imagebank
