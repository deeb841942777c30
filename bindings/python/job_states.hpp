// The casters between the C++ JobState, BatchState and JobKind and their
// Python classes, imagebank.states.JobState, BatchState and JobKind (str
// enums). A member is
// a str equal to its stored name ("done"), so code comparing states with
// strings keeps working; a str is accepted wherever a state is (an unknown
// name raises InvalidArgumentError). Include this header in every file that
// binds a JobState or BatchState.
#pragma once

#include <string>

#include "bindings.hpp"
#include "imagebank/catalog/jobs.hpp"

namespace imagebank::python {

// Finds the classes (init_jobs calls it first: before any cast).
void init_job_states(py::module_& m);
// The Python classes.
py::handle job_state_class();
py::handle batch_state_class();
py::handle job_kind_class();

template <typename E>
struct StateEnum;
template <>
struct StateEnum<JobState> {
  // Any str in, a JobState out.
  static constexpr auto kPyName =
      py::detail::io_name("str", "imagebank.states.JobState");
  static std::string_view name(JobState s) { return job_state_name(s); }
  static Result<JobState> parse(std::string_view s) {
    return parse_job_state(s);
  }
  static py::handle cls() { return job_state_class(); }
};
template <>
struct StateEnum<BatchState> {
  static constexpr auto kPyName =
      py::detail::io_name("str", "imagebank.states.BatchState");
  static std::string_view name(BatchState s) { return batch_state_name(s); }
  static Result<BatchState> parse(std::string_view s) {
    return parse_batch_state(s);
  }
  static py::handle cls() { return batch_state_class(); }
};

template <>
struct StateEnum<JobKind> {
  static constexpr auto kPyName =
      py::detail::io_name("str", "imagebank.states.JobKind");
  static std::string_view name(JobKind k) { return job_kind_name(k); }
  static Result<JobKind> parse(std::string_view s) { return parse_job_kind(s); }
  static py::handle cls() { return job_kind_class(); }
};

template <typename E>
struct StateCaster {
  using Traits = StateEnum<E>;
  PYBIND11_TYPE_CASTER(E, Traits::kPyName);

  bool load(py::handle src, bool) {
    if (!py::isinstance<py::str>(src)) return false;
    value = unwrap(Traits::parse(src.cast<std::string>()));
    return true;
  }
  static py::handle cast(E state, py::return_value_policy, py::handle) {
    return Traits::cls()(std::string(Traits::name(state))).release();
  }
};

}  // namespace imagebank::python

namespace pybind11::detail {
template <>
struct type_caster<imagebank::JobState>
    : imagebank::python::StateCaster<imagebank::JobState> {};
template <>
struct type_caster<imagebank::BatchState>
    : imagebank::python::StateCaster<imagebank::BatchState> {};
template <>
struct type_caster<imagebank::JobKind>
    : imagebank::python::StateCaster<imagebank::JobKind> {};
}  // namespace pybind11::detail
