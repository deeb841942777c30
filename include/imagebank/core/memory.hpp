// Process-wide memory settings for programs that run imagebank under an
// address-space limit (RLIMIT_AS, `ulimit -v`, a container's or a service
// manager's cap on virtual memory).
//
// glibc's malloc gives each thread that allocates while others do an arena
// of its own, up to 8 per core, and reserves 64 MiB of address space for
// each arena whether or not memory ever backs it. RLIMIT_AS counts those
// reservations: under a 512 MB cap, a decode with a few worker threads may
// fail with "out of memory" while most of the cap is reserved and unused.
// The library never changes process settings itself; programs call
// fit_malloc_to_address_limit() first thing in main (the imagebank command
// and imagebank-server do).
#pragma once

#include <cstdint>

namespace imagebank {

// How many malloc arenas a process limited to limit_bytes of address space
// should allow on `cores` cores so that the arenas' reservations take at
// most a quarter of the limit (at least 1, the main arena), or 0 when the
// limit is loose enough for glibc's own default (8 arenas per core).
int malloc_arenas_for_address_limit(std::uint64_t limit_bytes, unsigned cores);

// Reads this process' RLIMIT_AS and caps glibc's malloc arenas as
// malloc_arenas_for_address_limit() says. Returns the cap it set, or 0 when
// it changed nothing: no limit (or a loose one), not glibc, or the arena
// count already chosen by the user (MALLOC_ARENA_MAX, or
// glibc.malloc.arena_max in GLIBC_TUNABLES). Call it before starting
// threads.
int fit_malloc_to_address_limit();

}  // namespace imagebank
