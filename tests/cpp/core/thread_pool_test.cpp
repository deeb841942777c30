#include "imagebank/core/thread_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <vector>

namespace imagebank {
namespace {

TEST(ThreadPool, SubmitReturnsResultsAndExceptions) {
  ThreadPool pool(2);
  EXPECT_EQ(pool.size(), 2u);
  auto f = pool.submit([] { return 6 * 7; });
  EXPECT_EQ(f.get(), 42);
  auto g = pool.submit([]() -> int { throw std::runtime_error("boom"); });
  EXPECT_THROW(g.get(), std::runtime_error);
}

TEST(ThreadPool, ParallelForVisitsEveryIndexOnce) {
  ThreadPool pool(3);
  std::vector<std::atomic<int>> hits(1000);
  pool.parallel_for(hits.size(), [&](std::size_t i) { hits[i]++; });
  for (const auto& h : hits) EXPECT_EQ(h.load(), 1);
  pool.parallel_for(0, [](std::size_t) { FAIL(); });
}

TEST(ThreadPool, NestedParallelForDoesNotDeadlock) {
  ThreadPool pool(2);
  std::atomic<int> total{0};
  pool.parallel_for(8, [&](std::size_t) {
    pool.parallel_for(8, [&](std::size_t) { total++; });
  });
  EXPECT_EQ(total.load(), 64);
}

TEST(ThreadPool, ParallelForRethrowsAfterAllFinish) {
  ThreadPool pool(2);
  std::atomic<int> ran{0};
  EXPECT_THROW(pool.parallel_for(50,
                                 [&](std::size_t i) {
                                   ran++;
                                   if (i == 7) throw std::logic_error("x");
                                 }),
               std::logic_error);
  EXPECT_EQ(ran.load(), 50);
}

TEST(ThreadPool, DestructionDrainsTheQueue) {
  std::atomic<int> done{0};
  {
    ThreadPool pool(1);
    for (int i = 0; i < 100; ++i) pool.submit([&] { done++; });
  }
  EXPECT_EQ(done.load(), 100);
}

TEST(ThreadPool, SharedPoolIsSizedToTheMachine) {
  EXPECT_GE(ThreadPool::shared().size(), 1u);
  EXPECT_EQ(&ThreadPool::shared(), &ThreadPool::shared());
}

}  // namespace
}  // namespace imagebank
