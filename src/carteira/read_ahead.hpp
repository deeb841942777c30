// Inflating a large sheet on its own thread, ahead of the XML parser: with
// row assembly on a third, the three stages of a big .xlsx overlap.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "carteira/zip_archive.hpp"

namespace imagebank::carteira {

class ReadAhead {
 public:
  // Starts reading `reader` (which must outlive this object and is used by
  // the worker thread only).
  explicit ReadAhead(ZipEntryReader& reader);
  // Stops the worker (it may be blocked on a full queue) and joins it.
  ~ReadAhead();
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  // As ZipEntryReader::read: up to `capacity` bytes, 0 at the end, or the
  // reader's error once the bytes before it are consumed.
  Result<std::size_t> read(char* buffer, std::size_t capacity);

 private:
  void run(ZipEntryReader& reader);

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> chunks_;
  bool done_ = false;
  bool stopping_ = false;
  Status error_;
  std::string current_;
  std::size_t position_ = 0;
  std::thread worker_;
};

}  // namespace imagebank::carteira
