#include "worker_pool.hpp"

#include <utility>

namespace imagebank::server {

WorkerPool::WorkerPool(std::size_t threads, std::size_t max_queued)
    : capacity_(threads + max_queued), pool_(threads == 0 ? 1 : threads) {}

bool WorkerPool::try_submit(std::function<void()> task) {
  std::size_t now = pending_.load();
  do {
    if (now >= capacity_) return false;
  } while (!pending_.compare_exchange_weak(now, now + 1));
  // The future is dropped: completion is reported by the task itself.
  (void)pool_.submit([this, task = std::move(task)] {
    try {
      task();
    } catch (...) {
    }
    pending_.fetch_sub(1);
  });
  return true;
}

}  // namespace imagebank::server
