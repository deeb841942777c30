#include "carteira/row_pipe.hpp"

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace imagebank::carteira {
namespace {

// Rows in one block: cells with their text copied into one buffer, so a
// batch is a handful of allocations, reused once consumed.
struct Batch {
  std::vector<Cell> cells;
  std::vector<std::size_t> text_offsets;  // per cell, into text
  std::vector<std::size_t> row_ends;      // per row, into cells
  std::vector<std::int64_t> numbers;      // per row
  std::string text;

  void clear() {
    cells.clear();
    text_offsets.clear();
    row_ends.clear();
    numbers.clear();
    text.clear();
  }
  std::size_t rows() const { return numbers.size(); }
};

constexpr std::size_t kRowsPerBatch = 1024;
constexpr std::size_t kBatchesInFlight = 4;

class Channel {
 public:
  // Producer side.
  std::unique_ptr<Batch> take_empty() {
    std::unique_lock lock(mutex_);
    if (free_.empty()) return std::make_unique<Batch>();
    std::unique_ptr<Batch> b = std::move(free_.back());
    free_.pop_back();
    return b;
  }
  // false when the consumer gave up.
  bool send(std::unique_ptr<Batch> batch) {
    std::unique_lock lock(mutex_);
    changed_.wait(
        lock, [&] { return cancelled_ || full_.size() < kBatchesInFlight; });
    if (cancelled_) return false;
    full_.push_back(std::move(batch));
    changed_.notify_all();
    return true;
  }
  void finish(Status status) {
    std::unique_lock lock(mutex_);
    done_ = true;
    status_ = std::move(status);
    changed_.notify_all();
  }

  // Consumer side: the next batch, or nullptr once the producer finished
  // and everything it sent was received.
  std::unique_ptr<Batch> receive() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return done_ || !full_.empty(); });
    if (full_.empty()) return nullptr;
    std::unique_ptr<Batch> b = std::move(full_.front());
    full_.pop_front();
    changed_.notify_all();
    return b;
  }
  void recycle(std::unique_ptr<Batch> batch) {
    batch->clear();
    std::unique_lock lock(mutex_);
    free_.push_back(std::move(batch));
  }
  void cancel() {
    std::unique_lock lock(mutex_);
    cancelled_ = true;
    changed_.notify_all();
  }
  Status status() {
    std::unique_lock lock(mutex_);
    return status_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::unique_ptr<Batch>> full_;
  std::vector<std::unique_ptr<Batch>> free_;
  bool done_ = false;
  bool cancelled_ = false;
  Status status_;
};

class BatchingSink final : public RowSink {
 public:
  explicit BatchingSink(Channel& channel) : channel_(channel) {}

  Status row(std::int64_t number, std::span<const Cell> cells) override {
    if (!batch_) batch_ = channel_.take_empty();
    for (const Cell& cell : cells) {
      batch_->text_offsets.push_back(batch_->text.size());
      batch_->text.append(cell.text);
      batch_->cells.push_back(cell);
    }
    batch_->row_ends.push_back(batch_->cells.size());
    batch_->numbers.push_back(number);
    if (batch_->rows() >= kRowsPerBatch) return flush();
    return ok_status();
  }

  Status flush() {
    if (!batch_ || batch_->rows() == 0) return ok_status();
    if (!channel_.send(std::move(batch_))) {
      return internal_error("row assembly stopped");
    }
    return ok_status();
  }

 private:
  Channel& channel_;
  std::unique_ptr<Batch> batch_;
};

Status consume(Batch& batch, RowSink& consumer) {
  std::size_t begin = 0;
  for (std::size_t r = 0; r < batch.rows(); ++r) {
    const std::size_t end = batch.row_ends[r];
    for (std::size_t i = begin; i < end; ++i) {
      // The text buffer stopped growing: views into it are stable now.
      Cell& cell = batch.cells[i];
      cell.text = std::string_view(batch.text)
                      .substr(batch.text_offsets[i], cell.text.size());
    }
    IMAGEBANK_RETURN_IF_ERROR(consumer.row(
        batch.numbers[r],
        std::span<const Cell>(batch.cells.data() + begin, end - begin)));
    begin = end;
  }
  return ok_status();
}

}  // namespace

Status pipe_rows(const std::function<Status(RowSink&)>& produce,
                 RowSink& consumer) {
  Channel channel;
  std::thread worker([&] {
    BatchingSink sink(channel);
    Status status = produce(sink);
    Status flushed = sink.flush();
    channel.finish(status.ok() ? std::move(flushed) : std::move(status));
  });
  Status consumer_status;
  while (std::unique_ptr<Batch> batch = channel.receive()) {
    if (consumer_status.ok()) {
      consumer_status = consume(*batch, consumer);
      if (!consumer_status.ok()) channel.cancel();
    }
    channel.recycle(std::move(batch));
  }
  worker.join();
  if (!consumer_status.ok()) return consumer_status;
  return channel.status();
}

}  // namespace imagebank::carteira
