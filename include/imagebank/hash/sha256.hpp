// SHA-256 of content, for exact duplicates and as the key of every step of an
// upload (DESIGN.md: each step is idempotent, keyed by the content SHA-256).
//
// Threading: Sha256Hasher is a value owned by one thread at a time; the free
// functions are safe to call from any thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "imagebank/core/result.hpp"
#include "imagebank/image/source.hpp"

namespace imagebank {

using Sha256Digest = std::array<std::uint8_t, 32>;

// 64 lowercase hex digits.
std::string to_hex(const Sha256Digest& digest);
// Parses 64 hex digits (either case); invalid_argument otherwise.
Result<Sha256Digest> sha256_from_hex(std::string_view hex);

// Streaming SHA-256: update() any number of times, then finish() once.
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(Sha256Hasher&&) noexcept;
  Sha256Hasher& operator=(Sha256Hasher&&) noexcept;

  void update(std::span<const std::byte> bytes);
  void update(std::string_view bytes);
  // The digest of everything passed to update(); the hasher then starts over.
  Sha256Digest finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

Sha256Digest sha256(std::span<const std::byte> bytes);
// Reads the source in 1 MiB blocks (a file is never held in memory whole).
// io_error if a read fails.
Result<Sha256Digest> sha256(const Source& source);

}  // namespace imagebank
