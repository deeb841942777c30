// A zip written by the tests: stored (uncompressed) entries under exactly
// the names given, backslashes included, so a test can build the odd
// archives other tools write without a fixture file.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace imagebank::testing {

class ZipWriter {
 public:
  ZipWriter& add(std::string name, std::string data) {
    entries_.emplace_back(std::move(name), std::move(data));
    return *this;
  }

  std::vector<std::byte> bytes() const {
    std::string out;
    std::string central;
    for (const auto& [name, data] : entries_) {
      const std::uint32_t offset = static_cast<std::uint32_t>(out.size());
      const std::uint32_t crc = crc32(data);
      const auto size = static_cast<std::uint32_t>(data.size());
      const auto name_size = static_cast<std::uint16_t>(name.size());
      // Local file header: version 2.0, no flags, stored, a fixed time.
      u32(out, 0x04034b50);
      u16(out, 20);
      u16(out, 0);
      u16(out, 0);
      u16(out, 0);
      u16(out, 0x21);
      u32(out, crc);
      u32(out, size);
      u32(out, size);
      u16(out, name_size);
      u16(out, 0);
      out += name;
      out += data;
      // Its central directory record.
      u32(central, 0x02014b50);
      u16(central, 20);
      u16(central, 20);
      u16(central, 0);
      u16(central, 0);
      u16(central, 0);
      u16(central, 0x21);
      u32(central, crc);
      u32(central, size);
      u32(central, size);
      u16(central, name_size);
      u16(central, 0);
      u16(central, 0);
      u16(central, 0);
      u16(central, 0);
      u32(central, 0);
      u32(central, offset);
      central += name;
    }
    const auto directory_offset = static_cast<std::uint32_t>(out.size());
    out += central;
    u32(out, 0x06054b50);
    u16(out, 0);
    u16(out, 0);
    u16(out, static_cast<std::uint16_t>(entries_.size()));
    u16(out, static_cast<std::uint16_t>(entries_.size()));
    u32(out, static_cast<std::uint32_t>(central.size()));
    u32(out, directory_offset);
    u16(out, 0);
    std::vector<std::byte> bytes(out.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
      bytes[i] = static_cast<std::byte>(out[i]);
    }
    return bytes;
  }

 private:
  static void u16(std::string& out, std::uint16_t v) {
    out += static_cast<char>(v & 0xFF);
    out += static_cast<char>(v >> 8);
  }
  static void u32(std::string& out, std::uint32_t v) {
    u16(out, static_cast<std::uint16_t>(v & 0xFFFF));
    u16(out, static_cast<std::uint16_t>(v >> 16));
  }
  static std::uint32_t crc32(std::string_view data) {
    std::uint32_t crc = 0xFFFFFFFFu;
    for (const char c : data) {
      crc ^= static_cast<std::uint8_t>(c);
      for (int k = 0; k < 8; ++k) {
        crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
      }
    }
    return ~crc;
  }

  std::vector<std::pair<std::string, std::string>> entries_;
};

}  // namespace imagebank::testing
