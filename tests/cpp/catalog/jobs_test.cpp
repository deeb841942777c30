// The queue's state names: each enum value round-trips through its name,
// which is what the database stores and Python compares with.
#include "imagebank/catalog/jobs.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace imagebank {
namespace {

TEST(JobState, EveryStateRoundTripsThroughItsName) {
  const JobState all[] = {JobState::kReceived, JobState::kLeased,
                          JobState::kDone,     JobState::kDuplicate,
                          JobState::kFailed,   JobState::kCancelled};
  std::set<std::string> names;
  for (JobState s : all) {
    const std::string name(job_state_name(s));
    names.insert(name);
    auto parsed = parse_job_state(name);
    ASSERT_TRUE(parsed.ok()) << name << ": " << parsed.status();
    EXPECT_EQ(*parsed, s) << name;
  }
  EXPECT_EQ(names, (std::set<std::string>{"received", "leased", "done",
                                          "duplicate", "failed", "cancelled"}));
  for (const char* bad : {"", "Done", "lost", "done "}) {
    auto parsed = parse_job_state(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidArgument);
  }
}

TEST(BatchState, EveryStateRoundTripsThroughItsName) {
  const BatchState all[] = {BatchState::kQueued, BatchState::kRunning,
                            BatchState::kPaused, BatchState::kDone,
                            BatchState::kCancelled};
  std::set<std::string> names;
  for (BatchState s : all) {
    const std::string name(batch_state_name(s));
    names.insert(name);
    auto parsed = parse_batch_state(name);
    ASSERT_TRUE(parsed.ok()) << name << ": " << parsed.status();
    EXPECT_EQ(*parsed, s) << name;
  }
  EXPECT_EQ(names, (std::set<std::string>{"queued", "running", "paused", "done",
                                          "cancelled"}));
  auto finished = parse_batch_state("finished");
  ASSERT_FALSE(finished.ok());
  EXPECT_EQ(finished.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(finished.status().message().find("finished"), std::string::npos);
}

TEST(Job, AFailureIsItsCodeAndMessage) {
  Job a, b;
  EXPECT_TRUE(a.error.ok());
  a.error = io_error("/u/a.jpg: disk full");
  b.error = unavailable_error("/u/a.jpg: disk full");
  EXPECT_NE(a, b) << "same message, another code";
  b.error = io_error("/u/a.jpg: disk full");
  EXPECT_EQ(a, b);
}

}  // namespace
}  // namespace imagebank
