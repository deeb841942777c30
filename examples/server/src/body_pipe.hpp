// BodyPipe: hands a streamed response body from the worker thread that
// produces it (a synchronous BlobStore::get sink, a file read) to the
// session that writes it on an io thread.
//
// At most `capacity` bytes wait in the pipe: the producer's write() blocks
// while it is full, so a slow client slows the producer down instead of
// growing memory. That keeps a 50 MB original at about 2 x capacity per
// response (the pipe and the chunk being written).
//
// Threading: write()/finish() on the producer's thread, the rest on the
// consumer's; cancel() from anywhere.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <span>
#include <string>

#include "imagebank/core/status.hpp"

namespace imagebank::server {

class BodyPipe {
 public:
  explicit BodyPipe(std::size_t capacity = 256 * 1024);
  BodyPipe(const BodyPipe&) = delete;
  BodyPipe& operator=(const BodyPipe&) = delete;

  // Producer: appends `data`, blocking while the pipe is full. After
  // cancel(), `unavailable` (the producer should stop). An empty `data`
  // only asks whether the consumer is still there.
  Status write(std::span<const std::byte> data);
  // Producer: no more data; `status` is the producer's outcome.
  void finish(Status status);

  // Consumer: `ready` is called once, when there is data or the producer
  // finished (immediately, on this thread, if that is already so; else on
  // the producer's thread: post it to your executor).
  void on_ready(std::function<void()> ready);
  // Consumer: moves the waiting bytes into `out` (replacing its contents).
  // `done` is set once everything was taken and the producer finished;
  // then `result` is the producer's status.
  void take(std::string& out, bool& done, Status& result);
  // Consumer: the client is gone; unblocks and fails the producer.
  void cancel();

 private:
  const std::size_t capacity_;
  std::mutex mu_;
  std::condition_variable space_;
  std::string data_;
  bool finished_ = false;
  bool cancelled_ = false;
  Status result_;
  std::function<void()> ready_;
};

}  // namespace imagebank::server
