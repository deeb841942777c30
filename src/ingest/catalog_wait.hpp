// A worker's patience with its catalog: when the database goes away (a
// PostgreSQL restart, a fail-over, a network cut), a worker waits for it to
// come back instead of giving up after a few seconds. Internal to
// src/ingest.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>

#include "imagebank/catalog/job_queue.hpp"
#include "imagebank/core/status.hpp"

namespace imagebank {

// How long a worker waits for an unreachable catalog: a worker that follows
// the queue (a service on its own machine) waits for as long as it takes;
// one that drains the queue and exits gives up after five minutes.
inline constexpr std::chrono::milliseconds kCatalogPatienceDrain{300'000};

// Whether a failure says the catalog could not be reached (as opposed to a
// refusal, a bad row or a full disk): the SQL adapters report lost and
// refused connections as `unavailable`.
bool catalog_unreachable(const Status& status) noexcept;

// Probes `queue` (a cheap read) with exponential backoff and jitter, 0.5 s
// doubling to 15 s, until it answers, `stop` is set, or `patience` has
// passed. OK when the catalog answers (or stop was asked for); otherwise
// `unavailable` naming how long it waited and the last failure. Logs a
// warning when the wait starts and every minute, and an info line when the
// catalog is back. `first_failure` is the failure that started the wait.
Status wait_for_catalog(JobQueue& queue, const std::atomic<bool>& stop,
                        std::chrono::milliseconds patience,
                        const Status& first_failure);

}  // namespace imagebank
