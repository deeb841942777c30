// imagebank.JobState and imagebank.BatchState are defined in Python
// (imagebank/states.py, typed and documented there); this finds them, checks
// that their values are the C++ names, and sets the older JOB_* / BATCH_*
// names to their members.
#include "job_states.hpp"

#include <cctype>
#include <stdexcept>
#include <string>

namespace imagebank::python {
namespace {

// Owned references, kept for the life of the process, as the exception
// classes are.
PyObject* g_job_state = nullptr;
PyObject* g_batch_state = nullptr;
PyObject* g_job_kind = nullptr;

// Checks that `cls` has exactly the names of `states` (a member for each,
// no other), and sets <prefix><MEMBER> on `m` for each.
template <typename E, std::size_t N>
void check_and_alias(py::module_& m, const py::object& cls,
                     const E (&states)[N], const char* prefix) {
  if (py::len(cls) != N) {
    throw std::runtime_error("imagebank.states." +
                             py::str(cls.attr("__name__")).cast<std::string>() +
                             " does not have the C++ states");
  }
  for (E state : states) {
    const std::string name(StateEnum<E>::name(state));
    // Raises ValueError (import fails) when a name is missing.
    const py::object member = cls(name);
    std::string key = name;
    for (char& c : key) c = static_cast<char>(std::toupper(c));
    m.attr((prefix + key).c_str()) = member;
  }
}

}  // namespace

void init_job_states(py::module_& m) {
  const py::module_ states = py::module_::import("imagebank.states");
  const py::object job_state = states.attr("JobState");
  const py::object batch_state = states.attr("BatchState");
  const py::object job_kind = states.attr("JobKind");
  static constexpr JobState kJobStates[] = {
      JobState::kReceived,  JobState::kLeased, JobState::kDone,
      JobState::kDuplicate, JobState::kFailed, JobState::kCancelled};
  static constexpr BatchState kBatchStates[] = {
      BatchState::kQueued, BatchState::kRunning, BatchState::kPaused,
      BatchState::kDone, BatchState::kCancelled};
  // Exported from _core too, so the package's one export list has them.
  m.attr("JobState") = job_state;
  m.attr("BatchState") = batch_state;
  m.attr("JobKind") = job_kind;
  check_and_alias(m, job_state, kJobStates, "JOB_");
  check_and_alias(m, batch_state, kBatchStates, "BATCH_");
  static constexpr JobKind kJobKinds[] = {JobKind::kProcess, JobKind::kAnalyze};
  check_and_alias(m, job_kind, kJobKinds, "JOB_KIND_");
  g_job_state = job_state.inc_ref().ptr();
  g_batch_state = batch_state.inc_ref().ptr();
  g_job_kind = job_kind.inc_ref().ptr();
}

py::handle job_state_class() { return g_job_state; }
py::handle batch_state_class() { return g_batch_state; }
py::handle job_kind_class() { return g_job_kind; }

}  // namespace imagebank::python
