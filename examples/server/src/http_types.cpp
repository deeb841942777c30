#include "http_types.hpp"

#include <algorithm>
#include <boost/beast/core/string.hpp>
#include <cstdio>
#include <memory>
#include <vector>

namespace imagebank::server {

using boost::beast::iequals;

void Headers::add(std::string name, std::string value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

void Headers::set(std::string_view name, std::string value) {
  remove(name);
  fields_.emplace_back(std::string(name), std::move(value));
}

void Headers::remove(std::string_view name) {
  std::erase_if(fields_,
                [&](const Field& f) { return iequals(f.first, name); });
}

const std::string* Headers::find(std::string_view name) const {
  for (const auto& [n, v] : fields_) {
    if (iequals(n, name)) return &v;
  }
  return nullptr;
}

std::vector<std::string_view> Headers::all(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& [n, v] : fields_) {
    if (iequals(n, name)) out.emplace_back(v);
  }
  return out;
}

void Params::add(std::string name, std::string value) {
  entries_.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string_view> Params::find(std::string_view name) const {
  for (const auto& [n, v] : entries_) {
    if (n == name) return std::string_view(v);
  }
  return std::nullopt;
}

std::vector<std::string_view> Params::all(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& [n, v] : entries_) {
    if (n == name) out.emplace_back(v);
  }
  return out;
}

std::uint64_t BodySpec::limit() const noexcept {
  switch (kind) {
    case BodyKind::kNone:
      return 0;
    case BodyKind::kMemory:
      return max_bytes == 0 ? kMaxMemoryBody
                            : std::min(max_bytes, kMaxMemoryBody);
    case BodyKind::kFile:
      return max_bytes == 0 ? Limits{}.max_file_bytes : max_bytes;
  }
  return 0;
}

const std::string& Request::text_body() const {
  static const std::string kEmpty;
  const auto* text = std::get_if<std::string>(&body);
  return text ? *text : kEmpty;
}

Response Response::text(int status, std::string body,
                        std::string content_type) {
  Response r;
  r.status = status;
  r.headers.set("Content-Type", std::move(content_type));
  r.body = std::move(body);
  return r;
}

Response Response::json(int status, std::string json_text) {
  return text(status, std::move(json_text), "application/json");
}

Response Response::stream(int status, std::optional<std::uint64_t> length,
                          BodyProducer produce, std::string content_type) {
  Response r;
  r.status = status;
  r.headers.set("Content-Type", std::move(content_type));
  r.body = StreamBody{length, std::move(produce)};
  return r;
}

Response Response::file(int status, std::filesystem::path file,
                        std::uint64_t offset, std::uint64_t length,
                        std::string content_type) {
  auto producer = [file = std::move(file), offset,
                   length](const BodySink& sink) -> Status {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(
        std::fopen(file.c_str(), "rb"), &std::fclose);
    if (!f) return io_error(file.string() + ": cannot open");
    if (std::fseek(f.get(), static_cast<long>(offset), SEEK_SET) != 0) {
      return io_error(file.string() + ": cannot seek");
    }
    constexpr std::size_t kChunk = 64 * 1024;
    std::vector<std::byte> buffer(kChunk);
    std::uint64_t left = length;
    while (left > 0) {
      const std::size_t want =
          static_cast<std::size_t>(std::min<std::uint64_t>(left, kChunk));
      const std::size_t got = std::fread(buffer.data(), 1, want, f.get());
      if (got == 0) return io_error(file.string() + ": shorter than expected");
      Status st = sink(std::span<const std::byte>(buffer.data(), got));
      if (!st.ok()) return st;
      left -= got;
    }
    return ok_status();
  };
  return stream(status, length, std::move(producer), std::move(content_type));
}

}  // namespace imagebank::server
