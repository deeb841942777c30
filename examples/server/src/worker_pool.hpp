// WorkerPool: the bounded pool that runs blocking handlers (catalog,
// storage, disk) off the io threads, so a slow database never stalls the
// sockets.
//
// Bounded twice: `threads` run at once and at most `max_queued` more wait;
// beyond that try_submit refuses and the session answers 503 with
// Retry-After instead of letting a queue (and its memory) grow without end.
//
// Threading: try_submit from any thread. Destruction waits for queued and
// running tasks.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>

#include "imagebank/core/thread_pool.hpp"

namespace imagebank::server {

class WorkerPool {
 public:
  WorkerPool(std::size_t threads, std::size_t max_queued);
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // false (and `task` dropped) when the pool is full. A task's exceptions
  // are its own business: they are swallowed here.
  bool try_submit(std::function<void()> task);

  // Tasks running or waiting.
  std::size_t pending() const noexcept { return pending_.load(); }
  std::size_t capacity() const noexcept { return capacity_; }

 private:
  const std::size_t capacity_;
  std::atomic<std::size_t> pending_{0};
  ThreadPool pool_;  // last: destroyed (joined) before the counter
};

}  // namespace imagebank::server
