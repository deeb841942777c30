#include "body_pipe.hpp"

#include <algorithm>
#include <utility>

namespace imagebank::server {

BodyPipe::BodyPipe(std::size_t capacity) : capacity_(capacity) {}

Status BodyPipe::write(std::span<const std::byte> data) {
  if (data.empty()) {  // a probe: is anyone still reading?
    std::lock_guard lock(mu_);
    if (cancelled_) return unavailable_error("the client went away");
    return ok_status();
  }
  while (!data.empty()) {
    std::function<void()> ready;
    {
      std::unique_lock lock(mu_);
      space_.wait(lock, [&] { return cancelled_ || data_.size() < capacity_; });
      if (cancelled_) return unavailable_error("the client went away");
      const std::size_t n = std::min(data.size(), capacity_ - data_.size());
      data_.append(reinterpret_cast<const char*>(data.data()), n);
      data = data.subspan(n);
      ready = std::exchange(ready_, nullptr);
    }
    if (ready) ready();
  }
  return ok_status();
}

void BodyPipe::finish(Status status) {
  std::function<void()> ready;
  {
    std::lock_guard lock(mu_);
    finished_ = true;
    result_ = std::move(status);
    ready = std::exchange(ready_, nullptr);
  }
  if (ready) ready();
}

void BodyPipe::on_ready(std::function<void()> ready) {
  {
    std::lock_guard lock(mu_);
    if (data_.empty() && !finished_ && !cancelled_) {
      ready_ = std::move(ready);
      return;
    }
  }
  ready();
}

void BodyPipe::take(std::string& out, bool& done, Status& result) {
  {
    std::lock_guard lock(mu_);
    out.clear();
    out.swap(data_);
    done = finished_ && out.empty();
    if (done) result = result_;
  }
  space_.notify_all();
}

void BodyPipe::cancel() {
  std::function<void()> ready;
  {
    std::lock_guard lock(mu_);
    cancelled_ = true;
    // Dropped, not called: it holds the session, which is going away.
    ready = std::exchange(ready_, nullptr);
  }
  space_.notify_all();
}

}  // namespace imagebank::server
