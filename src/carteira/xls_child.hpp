// Legacy .xls files are read by a short-lived child process, the helper
// program imagebank-xls-reader (xls_helper_main.cpp), because libfreexl
// leaks memory on malformed files (a long-running server would grow on
// every bad upload) and a crash in it must not take the caller down. The
// child is started with posix_spawn (no copy of the caller's memory map),
// gets the bytes on its stdin (a memfd), CPU-time and address-space limits
// (prlimit), no other descriptors, and is killed past a wall-clock
// deadline; its rows come back over a pipe and are checked like any
// untrusted input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "carteira/builder.hpp"

namespace imagebank::carteira {

struct XlsChildOptions {
  // The helper's path; empty to look for it (find_xls_helper).
  std::string helper;
  // RLIMIT_CPU of the child.
  unsigned cpu_seconds = 30;
  // RLIMIT_AS of the child; 0 for none (sanitizer builds, whose shadow
  // memory needs terabytes of address space).
  std::uint64_t memory_bytes = 0;
  // The child is killed when it has not finished after this long.
  unsigned wall_seconds = 60;
};

// The default options: memory_bytes of 2 GiB unless built with a sanitizer.
XlsChildOptions default_xls_child_options();

// Where the helper is: $IMAGEBANK_XLS_READER when set; else next to the
// binary holding this code (the Python extension's folder in the wheel,
// the program's folder for the CLI and the server) or in ../libexec/imagebank
// from there; else where `cmake --install` or the build tree put it.
// Empty when none exists; `looked` lists the places tried.
std::string find_xls_helper(std::string* looked = nullptr);

Status read_xls_in_child(std::span<const std::byte> bytes,
                         CarteiraBuilder& builder,
                         const XlsChildOptions& options);

}  // namespace imagebank::carteira
