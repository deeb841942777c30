#include "carteira/read_ahead.hpp"

#include <algorithm>
#include <cstring>

namespace imagebank::carteira {
namespace {

constexpr std::size_t kChunkBytes = 256 * 1024;
constexpr std::size_t kChunksAhead = 8;

}  // namespace

ReadAhead::ReadAhead(ZipEntryReader& reader)
    : worker_([this, &reader] { run(reader); }) {}

ReadAhead::~ReadAhead() {
  {
    std::unique_lock lock(mutex_);
    stopping_ = true;
    changed_.notify_all();
  }
  worker_.join();
}

void ReadAhead::run(ZipEntryReader& reader) {
  while (true) {
    std::string chunk(kChunkBytes, '\0');
    std::size_t filled = 0;
    Status error;
    while (filled < chunk.size()) {
      Result<std::size_t> got =
          reader.read(chunk.data() + filled, chunk.size() - filled);
      if (!got.ok()) {
        error = got.status();
        break;
      }
      if (*got == 0) break;
      filled += *got;
    }
    chunk.resize(filled);
    std::unique_lock lock(mutex_);
    changed_.wait(lock,
                  [&] { return stopping_ || chunks_.size() < kChunksAhead; });
    if (stopping_) return;
    const bool last = filled < kChunkBytes || !error.ok();
    if (filled > 0) chunks_.push_back(std::move(chunk));
    if (last) {
      error_ = std::move(error);
      done_ = true;
    }
    changed_.notify_all();
    if (last) return;
  }
}

Result<std::size_t> ReadAhead::read(char* buffer, std::size_t capacity) {
  if (position_ == current_.size()) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return done_ || !chunks_.empty(); });
    if (chunks_.empty()) {
      if (!error_.ok()) return error_;
      return std::size_t{0};
    }
    current_ = std::move(chunks_.front());
    chunks_.pop_front();
    position_ = 0;
    changed_.notify_all();
  }
  const std::size_t n = std::min(capacity, current_.size() - position_);
  std::memcpy(buffer, current_.data() + position_, n);
  position_ += n;
  return n;
}

}  // namespace imagebank::carteira
