// Connections: the open sessions, counted for --max-connections and reached
// at shutdown.
//
// Threading: every method from any thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace imagebank::server {

class Session;

class Connections {
 public:
  // false when `max` are open (the caller refuses the connection).
  bool try_add(const std::shared_ptr<Session>& session, std::size_t max);
  void remove(const Session* session);
  std::size_t count() const;

  // Asks every session to finish its request and close; `on_empty` runs
  // (on the thread that closed the last one, or here) once none is left.
  void shutdown_all(std::function<void()> on_empty);
  bool shutting_down() const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<const Session*, std::weak_ptr<Session>> sessions_;
  // Written under mu_; read without it by every response (shutting_down).
  std::atomic<bool> shutting_down_{false};
  std::function<void()> on_empty_;
};

}  // namespace imagebank::server
