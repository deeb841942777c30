// VerifiedUrls: signed image URLs whose signature was found good, by their
// exact request-target, with their expiry. The same URL asked again (every
// <img> of a page, every client of a CDN edge) is then allowed after one
// lookup instead of an HMAC. Only good signatures are kept; the expiry is
// still checked on every request, by the caller.
//
// Bounded: two generations of at most `max_entries` each; when the newer
// one fills, the older is dropped (a URL found there moves to the newer).
// Targets longer than kMaxTargetBytes are not kept.
//
// Threading: every method may be called from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace imagebank::server {

class VerifiedUrls {
 public:
  static constexpr std::size_t kMaxTargetBytes = 512;

  explicit VerifiedUrls(std::size_t max_entries) : max_entries_(max_entries) {}
  VerifiedUrls(const VerifiedUrls&) = delete;
  VerifiedUrls& operator=(const VerifiedUrls&) = delete;

  // The expiry (Unix seconds) `target` was verified with; nullopt when it
  // was not (or was forgotten).
  std::optional<std::int64_t> find(const std::string& target);
  // `target`'s signature is good and it expires at `expires`.
  void add(const std::string& target, std::int64_t expires);

  std::size_t size() const;

 private:
  void insert(const std::string& target, std::int64_t expires);  // mu_ held

  const std::size_t max_entries_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::int64_t> newer_;
  std::unordered_map<std::string, std::int64_t> older_;
};

}  // namespace imagebank::server
