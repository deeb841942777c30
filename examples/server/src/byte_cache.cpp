#include "byte_cache.hpp"

namespace imagebank::server {

std::shared_ptr<const std::string> ByteCache::get(const std::string& key) {
  std::lock_guard lock(mu_);
  const auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  order_.splice(order_.begin(), order_, it->second.order);
  return it->second.bytes;
}

void ByteCache::put(const std::string& key,
                    std::shared_ptr<const std::string> bytes) {
  if (!bytes || bytes->size() > max_bytes_ / 8) return;
  std::lock_guard lock(mu_);
  if (entries_.count(key) != 0) return;
  while (!order_.empty() && bytes_ + bytes->size() > max_bytes_) {
    const auto last = entries_.find(order_.back());
    bytes_ -= last->second.bytes->size();
    entries_.erase(last);
    order_.pop_back();
  }
  order_.push_front(key);
  bytes_ += bytes->size();
  entries_.emplace(key, Entry{std::move(bytes), order_.begin()});
}

std::size_t ByteCache::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

std::size_t ByteCache::entries() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace imagebank::server
