// Fuzz target: multipart/form-data bodies (examples/server/src/multipart.hpp).
// The first line is the Content-Type, the rest the body. Parts are checked
// as they arrive: begin/data/end in order, data only inside a part, every
// part closed on success.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "fuzz_support.hpp"
#include "multipart.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  namespace server = imagebank::server;
  const std::string_view input = imagebank::fuzz::text_of(data, size);
  const std::size_t line_end = input.find('\n');
  if (line_end == std::string_view::npos) return 0;
  const auto boundary = server::multipart_boundary(input.substr(0, line_end));
  if (!boundary.ok()) return 0;
  if (boundary->empty() || boundary->size() > 70) __builtin_trap();
  bool in_part = false;
  server::MultipartHandler handler;
  handler.begin = [&](const server::MultipartPart& part) {
    // `name=""` is a name (HTML forms never send one; the routes refuse
    // a field they do not know).
    if (in_part) __builtin_trap();
    (void)part;
    in_part = true;
    return imagebank::ok_status();
  };
  handler.data = [&](std::span<const std::byte>) {
    if (!in_part) __builtin_trap();
    return imagebank::ok_status();
  };
  handler.end = [&] {
    if (!in_part) __builtin_trap();
    in_part = false;
    return imagebank::ok_status();
  };
  const auto status = server::parse_multipart_bytes(input.substr(line_end + 1),
                                                    *boundary, handler);
  if (status.ok() && in_part)
    __builtin_trap();  // a whole body closes its parts
  return 0;
}
