#include "connections.hpp"

#include <vector>

#include "session.hpp"

namespace imagebank::server {

bool Connections::try_add(const std::shared_ptr<Session>& session,
                          std::size_t max) {
  std::lock_guard lock(mu_);
  if (shutting_down_ || sessions_.size() >= max) return false;
  sessions_.emplace(session.get(), session);
  return true;
}

void Connections::remove(const Session* session) {
  std::function<void()> on_empty;
  {
    std::lock_guard lock(mu_);
    sessions_.erase(session);
    if (shutting_down_ && sessions_.empty()) on_empty = std::move(on_empty_);
  }
  if (on_empty) on_empty();
}

std::size_t Connections::count() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

bool Connections::shutting_down() const { return shutting_down_.load(); }

void Connections::shutdown_all(std::function<void()> on_empty) {
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(mu_);
    shutting_down_ = true;
    if (sessions_.empty()) {
      on_empty_ = nullptr;
    } else {
      on_empty_ = std::move(on_empty);
      on_empty = nullptr;
    }
    for (const auto& [ptr, weak] : sessions_) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (const auto& s : live) s->shutdown();
  if (on_empty) on_empty();
}

}  // namespace imagebank::server
