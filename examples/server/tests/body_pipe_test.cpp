#include "body_pipe.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace imagebank::server {
namespace {

std::span<const std::byte> bytes(std::string_view s) {
  return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

TEST(BodyPipe, DeliversInOrderWithinCapacity) {
  BodyPipe pipe(4);
  std::string produced(1000, '\0');
  for (std::size_t i = 0; i < produced.size(); ++i) {
    produced[i] = static_cast<char>('a' + i % 26);
  }
  std::thread producer([&] {
    for (std::size_t i = 0; i < produced.size(); i += 7) {
      ASSERT_TRUE(
          pipe.write(bytes(std::string_view(produced).substr(i, 7))).ok());
    }
    pipe.finish(ok_status());
  });
  std::string received, chunk;
  for (;;) {
    std::atomic<bool> ready{false};
    pipe.on_ready([&] { ready = true; });
    while (!ready) std::this_thread::yield();
    bool done = false;
    Status result;
    pipe.take(chunk, done, result);
    EXPECT_LE(chunk.size(), 4u);
    received += chunk;
    if (done) {
      EXPECT_TRUE(result.ok());
      break;
    }
  }
  producer.join();
  EXPECT_EQ(received, produced);
}

TEST(BodyPipe, CancelUnblocksTheProducer) {
  BodyPipe pipe(4);
  Status last;
  std::thread producer([&] {
    for (;;) {
      last = pipe.write(bytes("abcdef"));
      if (!last.ok()) return;
    }
  });
  pipe.cancel();
  producer.join();
  EXPECT_EQ(last.code(), ErrorCode::kUnavailable);
}

TEST(BodyPipe, AnEmptyWriteProbesForTheConsumer) {
  BodyPipe pipe;
  EXPECT_TRUE(pipe.write({}).ok());
  std::string out;
  bool done = true;
  Status result;
  pipe.take(out, done, result);
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(done);
  pipe.cancel();
  EXPECT_EQ(pipe.write({}).code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace imagebank::server
