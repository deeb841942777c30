// Internal to the Python module: registration functions and the translation
// of imagebank Status into Python exceptions.
#pragma once

#include <pybind11/pybind11.h>

#include "imagebank/core/result.hpp"

namespace imagebank::python {

namespace py = pybind11;

void init_errors(py::module_& m);
void init_core(py::module_& m);
void init_image(py::module_& m);

// Raises the exception class of status.code() with status.message(). Must be
// called with the GIL held; never returns.
[[noreturn]] void throw_status(const Status& status);

template <typename T>
T unwrap(Result<T>&& result) {
  if (!result.ok()) throw_status(result.status());
  return std::move(result).value();
}

inline void check(const Status& status) {
  if (!status.ok()) throw_status(status);
}

}  // namespace imagebank::python
