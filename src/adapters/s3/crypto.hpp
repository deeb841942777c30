// SHA-256 and HMAC-SHA256 over OpenSSL, for request signing and payload
// hashes. Kept inside the adapter (rather than linking imagebank::hash) so
// the S3 adapter depends only on catalog and its own libraries.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "imagebank/adapters/http/body.hpp"
#include "imagebank/core/result.hpp"

namespace imagebank::s3 {

using Digest = std::array<std::uint8_t, 32>;

std::string hex_lower(std::span<const std::uint8_t> bytes);

Digest sha256_digest(std::span<const std::byte> bytes);
// 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);
std::string sha256_hex(std::span<const std::byte> bytes);

Digest hmac_sha256(std::span<const std::uint8_t> key, std::string_view data);

// Incremental SHA-256 (payload hashes computed while reading a file).
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;

  void update(std::span<const std::byte> bytes);
  std::string finish_hex();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Hex SHA-256 of a whole request body (rewound before and after).
Result<std::string> sha256_of(http::BodySource& body);

}  // namespace imagebank::s3
