#include "ingest/catalog_wait.hpp"

#include <algorithm>
#include <random>
#include <string>
#include <thread>

#include "imagebank/core/log.hpp"

namespace imagebank {

bool catalog_unreachable(const Status& status) noexcept {
  return status.code() == ErrorCode::kUnavailable;
}

Status wait_for_catalog(JobQueue& queue, const std::atomic<bool>& stop,
                        std::chrono::milliseconds patience,
                        const Status& first_failure) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point started = Clock::now();
  thread_local std::minstd_rand rng{std::random_device{}()};
  log(LogLevel::kWarning, "the catalog cannot be reached; waiting for it: " +
                              first_failure.to_string());
  Status last = first_failure;
  auto delay = std::chrono::milliseconds(500);
  Clock::time_point next_note = started + std::chrono::minutes(1);
  while (!stop.load()) {
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
        Clock::now() - started);
    if (waited >= patience) {
      return unavailable_error("the catalog could not be reached for " +
                               std::to_string(waited.count() / 1000) +
                               " s; the last failure: " + last.to_string());
    }
    // Jitter spreads the reconnections of many workers over the interval.
    std::uniform_int_distribution<long long> jitter(delay.count() / 2,
                                                    delay.count());
    auto nap = std::chrono::milliseconds(jitter(rng));
    nap = std::min(nap, patience - waited);
    // Sleep in short steps so stop() is honoured promptly.
    const Clock::time_point wake = Clock::now() + nap;
    while (!stop.load() && Clock::now() < wake) {
      std::this_thread::sleep_for(std::min<Clock::duration>(
          std::chrono::milliseconds(100), wake - Clock::now()));
    }
    if (stop.load()) break;
    Result<std::vector<std::string>> probe = queue.lease_holders();
    if (probe.ok()) {
      log(LogLevel::kInfo,
          "the catalog is back after " +
              std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                 Clock::now() - started)
                                 .count()) +
              " s");
      return ok_status();
    }
    last = probe.status();
    if (!catalog_unreachable(last)) return last;
    if (Clock::now() >= next_note) {
      next_note += std::chrono::minutes(1);
      log(LogLevel::kWarning,
          "still waiting for the catalog: " + last.to_string());
    }
    delay = std::min<std::chrono::milliseconds>(delay * 2,
                                                std::chrono::seconds(15));
  }
  return ok_status();
}

}  // namespace imagebank
