// Key rules and the key builders shared by every BlobStore adapter, and the
// non-virtual convenience get_bytes().
#include "imagebank/catalog/blob_store.hpp"

#include <algorithm>
#include <string>
#include <utility>

namespace imagebank {

namespace {

constexpr std::size_t kMaxKeyBytes = 1024;
// get_bytes() reserves at most this much up front: a range length comes from
// the caller and may be absurd, the object itself decides the real size.
constexpr std::uint64_t kMaxReserve = 64u << 20;

bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' || c == '/';
}

Status bad_key(std::string_view key, std::string_view reason) {
  return invalid_argument_error("blob key " + quote_blob_key(key) + ": " +
                                std::string(reason));
}

bool is_lower_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

Status check_sha256(std::string_view sha256_hex) {
  if (sha256_hex.size() != 64 || !is_lower_hex(sha256_hex)) {
    return invalid_argument_error("sha256 " + quote_blob_key(sha256_hex) +
                                  ": expected 64 lowercase hexadecimal digits");
  }
  return ok_status();
}

// Extensions are lowercase so that one content has exactly one key.
Status check_extension(std::string_view ext) {
  const bool ok = !ext.empty() && ext.size() <= 16 &&
                  std::all_of(ext.begin(), ext.end(), [](char c) {
                    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
                  });
  if (!ok) {
    return invalid_argument_error(
        "extension " + quote_blob_key(ext) +
        ": expected 1-16 lowercase letters or digits, without the dot");
  }
  return ok_status();
}

// No '.' in a preset name: "<preset>.<ext>" must split one way only.
}  // namespace

// Keys reach messages and logs: show them quoted, with bytes outside
// printable ASCII escaped and very long ones shortened.
std::string quote_blob_key(std::string_view key) {
  std::string out = "\"";
  const std::size_t shown = std::min<std::size_t>(key.size(), 200);
  for (std::size_t i = 0; i < shown; ++i) {
    const auto c = static_cast<unsigned char>(key[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  if (shown < key.size()) out += "...";
  out += "\"";
  return out;
}

Result<ResolvedRange> resolve_range(std::string_view key, std::uint64_t size,
                                    const ByteRange& range) {
  if (range.offset > size) {
    return invalid_argument_error(
        "blob " + quote_blob_key(key) + ": range offset " +
        std::to_string(range.offset) + " is past the end of the object (" +
        std::to_string(size) + " bytes)");
  }
  const std::uint64_t available = size - range.offset;
  return ResolvedRange{range.offset, range.length
                                         ? std::min(*range.length, available)
                                         : available};
}

Status validate_blob_key(std::string_view key) {
  if (key.empty()) return bad_key(key, "empty");
  if (key.size() > kMaxKeyBytes) {
    return bad_key(
        key, "longer than 1024 bytes (" + std::to_string(key.size()) + ")");
  }
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (!is_key_char(key[i])) {
      return bad_key(
          key, "byte " + std::to_string(i) + " is not one of [A-Za-z0-9._-/]");
    }
  }
  if (key.front() == '/') return bad_key(key, "starts with '/'");
  if (key.back() == '/') return bad_key(key, "ends with '/'");
  std::size_t start = 0;
  while (start <= key.size()) {
    std::size_t end = key.find('/', start);
    if (end == std::string_view::npos) end = key.size();
    const std::string_view segment = key.substr(start, end - start);
    if (segment.empty()) return bad_key(key, "has an empty segment ('//')");
    if (segment == "." || segment == "..") {
      return bad_key(key, "has a '" + std::string(segment) + "' segment");
    }
    start = end + 1;
  }
  return ok_status();
}

Result<std::string> original_blob_key(std::string_view sha256_hex,
                                      std::string_view extension) {
  IMAGEBANK_RETURN_IF_ERROR(check_sha256(sha256_hex));
  IMAGEBANK_RETURN_IF_ERROR(check_extension(extension));
  std::string key = "originals/";
  key.append(sha256_hex.substr(0, 2));
  key.push_back('/');
  key.append(sha256_hex.substr(2, 2));
  key.push_back('/');
  key.append(sha256_hex);
  key.push_back('.');
  key.append(extension);
  return key;
}

Result<std::vector<std::byte>> BlobStore::get_bytes(std::string_view key,
                                                    ByteRange range) {
  std::vector<std::byte> out;
  if (range.length) out.reserve(std::min(*range.length, kMaxReserve));
  IMAGEBANK_RETURN_IF_ERROR(get(
      key,
      [&out](std::span<const std::byte> chunk) {
        out.insert(out.end(), chunk.begin(), chunk.end());
        return ok_status();
      },
      range));
  return out;
}

}  // namespace imagebank
