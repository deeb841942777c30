// ByteCache: the bytes of recently served blobs, least recently used out
// first, bounded in bytes. Only for content-addressed keys (variants): a
// key's bytes never change, so an entry is never stale.
//
// Threading: every method may be called from any thread.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace imagebank::server {

class ByteCache {
 public:
  explicit ByteCache(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  // nullptr when absent.
  std::shared_ptr<const std::string> get(const std::string& key);
  // Keeps `bytes` under `key` unless it alone exceeds an eighth of the
  // budget; evicts the least recently used entries to make room.
  void put(const std::string& key, std::shared_ptr<const std::string> bytes);

  std::size_t bytes() const;
  std::size_t entries() const;

 private:
  struct Entry {
    std::shared_ptr<const std::string> bytes;
    std::list<std::string>::iterator order;
  };
  const std::size_t max_bytes_;
  mutable std::mutex mu_;
  std::list<std::string> order_;  // most recently used first
  std::unordered_map<std::string, Entry> entries_;
  std::size_t bytes_ = 0;
};

}  // namespace imagebank::server
