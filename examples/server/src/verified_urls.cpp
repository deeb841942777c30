#include "verified_urls.hpp"

#include <utility>

namespace imagebank::server {

std::optional<std::int64_t> VerifiedUrls::find(const std::string& target) {
  std::lock_guard lock(mu_);
  if (const auto it = newer_.find(target); it != newer_.end()) {
    return it->second;
  }
  const auto it = older_.find(target);
  if (it == older_.end()) return std::nullopt;
  const std::int64_t expires = it->second;
  older_.erase(it);
  insert(target, expires);
  return expires;
}

void VerifiedUrls::add(const std::string& target, std::int64_t expires) {
  if (target.size() > kMaxTargetBytes || max_entries_ == 0) return;
  std::lock_guard lock(mu_);
  insert(target, expires);
}

void VerifiedUrls::insert(const std::string& target, std::int64_t expires) {
  if (newer_.size() >= max_entries_) {
    older_ = std::move(newer_);
    newer_.clear();
  }
  newer_.insert_or_assign(target, expires);
}

std::size_t VerifiedUrls::size() const {
  std::lock_guard lock(mu_);
  return newer_.size() + older_.size();
}

}  // namespace imagebank::server
