#include "imagebank/core/memory.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <thread>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace imagebank {
namespace {

// glibc's HEAP_MAX_SIZE on 64-bit (2 * DEFAULT_MMAP_THRESHOLD_MAX): the
// address space each arena beyond the main one reserves.
constexpr std::uint64_t kArenaReservation = std::uint64_t{64} << 20;
// glibc's default arena limit per core on 64-bit.
constexpr std::uint64_t kDefaultArenasPerCore = 8;

bool user_chose_arenas() {
  if (std::getenv("MALLOC_ARENA_MAX") != nullptr) return true;
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  return tunables != nullptr &&
         std::string_view(tunables).find("glibc.malloc.arena_max") !=
             std::string_view::npos;
}

}  // namespace

int malloc_arenas_for_address_limit(std::uint64_t limit_bytes, unsigned cores) {
  const std::uint64_t fitting = limit_bytes / 4 / kArenaReservation;
  const std::uint64_t glibc_default =
      kDefaultArenasPerCore * std::max<std::uint64_t>(cores, 1);
  if (fitting >= glibc_default) return 0;
  return static_cast<int>(std::max<std::uint64_t>(fitting, 1));
}

int fit_malloc_to_address_limit() {
#if defined(__GLIBC__)
  if (user_chose_arenas()) return 0;
  rlimit limit{};
  if (getrlimit(RLIMIT_AS, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) {
    return 0;
  }
  const int arenas = malloc_arenas_for_address_limit(
      limit.rlim_cur, std::thread::hardware_concurrency());
  if (arenas == 0 || mallopt(M_ARENA_MAX, arenas) != 1) return 0;
  return arenas;
#else
  return 0;
#endif
}

}  // namespace imagebank
