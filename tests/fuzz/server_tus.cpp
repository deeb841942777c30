// Fuzz target: the tus headers imagebank-server reads
// (examples/server/src/tus_store.hpp): Upload-Metadata, Upload-Checksum and
// the base64 inside them. The input is both headers' value in turn.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "tus_store.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  namespace server = imagebank::server;
  const std::string_view header = imagebank::fuzz::text_of(data, size);
  const auto metadata = server::parse_upload_metadata(header);
  if (metadata.ok()) {
    for (const auto& [key, value] : *metadata) {
      if (key.empty()) __builtin_trap();
      (void)value;
    }
  }
  const auto checksum = server::parse_upload_checksum(header);
  if (checksum.ok()) {
    const std::size_t want = checksum->algorithm == "sha1" ? 20 : 32;
    if (checksum->digest.size() != want) __builtin_trap();
  }
  const auto decoded = server::base64_decode(header);
  if (decoded.ok() && decoded->size() > header.size()) __builtin_trap();
  return 0;
}
