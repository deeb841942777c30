// ThreadPool: a fixed set of worker threads for the library's parallel work
// (resizing large images in stripes, encoding variants side by side).
//
// Threading: submit() and parallel_for() may be called from any thread,
// including from inside a task (parallel_for run from a worker executes the
// nested iterations on the caller too, so nesting cannot deadlock).
// Destruction waits for queued tasks to finish.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace imagebank {

class ThreadPool {
 public:
  // threads == 0 means std::thread::hardware_concurrency() (at least 1).
  explicit ThreadPool(std::size_t threads = 0);
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  ~ThreadPool();

  std::size_t size() const noexcept { return workers_.size(); }

  // Runs `task` on a worker; the future carries its result or exception.
  template <typename F>
  auto submit(F&& task) -> std::future<decltype(task())> {
    using R = decltype(task());
    auto packaged =
        std::make_shared<std::packaged_task<R()>>(std::forward<F>(task));
    std::future<R> future = packaged->get_future();
    enqueue([packaged] { (*packaged)(); });
    return future;
  }

  // Calls fn(i) for every i in [0, n), spread over the workers and the
  // calling thread; returns when all calls have returned. The first
  // exception thrown by fn is rethrown here (after all calls finish).
  void parallel_for(std::size_t n, const std::function<void(std::size_t)>& fn);

  // The library's shared pool, sized to the machine, created on first use.
  static ThreadPool& shared();

 private:
  void enqueue(std::function<void()> task);
  void worker_loop();
  // Runs one queued task on the calling thread if there is one.
  bool run_one();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace imagebank
