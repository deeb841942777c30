// Long C++ calls made stoppable from Python (Bank.ingest, resume, work,
// analyze): the call runs on a C++ thread while the calling thread waits
// with the GIL released, waking every 50 ms to run Python's signal
// handlers (Python runs them only on the main thread, never on the library's
// own threads). Ctrl-C (KeyboardInterrupt), any exception a signal handler
// raises, or a callback that raises (StopState::fail) stops the call — the
// work in hand finishes — and that exception is raised once the C++ call has
// returned.
#pragma once

#include <chrono>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "bindings.hpp"

namespace imagebank::python {

// The Python side of one long call. `error` is touched only with the GIL
// held; `stop` may be called from any thread.
struct StopState {
  std::exception_ptr error;    // the first exception; raised after the call
  std::function<void()> stop;  // asks the C++ call to stop

  // Keeps the exception being handled and stops the call.
  void fail(std::exception_ptr e) {
    if (!error) error = std::move(e);
    if (stop) stop();
  }
  // Runs pending signal handlers (a no-op off the main thread).
  void check_signals() {
    if (PyErr_CheckSignals() == 0) return;
    try {
      throw py::error_already_set();
    } catch (...) {
      fail(std::current_exception());
    }
  }
};

// Runs call() on a C++ thread (see the top of the file). Called with the
// GIL held. `what` names the call in an internal error (a C++ exception).
template <typename T>
T run_stoppable(StopState& state, const std::function<Result<T>()>& call,
                const char* what) {
  std::optional<Result<T>> result;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  {
    py::gil_scoped_release release;
    std::thread runner([&] {
      Result<T> r = internal_error("unset");
      try {
        r = call();
      } catch (const std::exception& e) {
        r = internal_error(std::string(what) + ": " + e.what());
      }
      std::lock_guard lock(mu);
      result.emplace(std::move(r));
      done = true;
      cv.notify_all();
    });
    std::unique_lock lock(mu);
    while (!cv.wait_for(lock, std::chrono::milliseconds(50),
                        [&] { return done; })) {
      lock.unlock();
      {
        py::gil_scoped_acquire gil;
        state.check_signals();
      }
      lock.lock();
    }
    lock.unlock();
    runner.join();
  }
  // A signal that came in the last moments is the caller's as well.
  state.check_signals();
  if (state.error) std::rethrow_exception(state.error);
  return unwrap(std::move(*result));
}

}  // namespace imagebank::python
