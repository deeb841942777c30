// Status → exception. The classes are defined in Python (imagebank/errors.py,
// typed and documented there); each carries the name of its error code in
// `code`, which is how a Status finds its class. Also the module's exports:
// the classes join it, and __all__ (the package's too) lists every public
// name.
#include <pybind11/stl.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bindings.hpp"

namespace imagebank::python {
namespace {

// Owned references, kept for the life of the process: exception classes are
// never unloaded.
std::map<ErrorCode, PyObject*>& classes() {
  static auto* table = new std::map<ErrorCode, PyObject*>();
  return *table;
}
PyObject* g_error = nullptr;

}  // namespace

void init_errors(py::module_&) {
  py::module_ errors = py::module_::import("imagebank.errors");
  py::object base = errors.attr("Error");
  g_error = base.inc_ref().ptr();
  static constexpr ErrorCode kCodes[] = {
      ErrorCode::kInvalidArgument, ErrorCode::kNotFound,
      ErrorCode::kCorruptData,     ErrorCode::kUnsupportedFormat,
      ErrorCode::kLimitExceeded,   ErrorCode::kIoError,
      ErrorCode::kUnavailable,     ErrorCode::kConflict,
      ErrorCode::kInternal,        ErrorCode::kDeadlineExceeded,
      ErrorCode::kUnauthenticated, ErrorCode::kPermissionDenied,
      ErrorCode::kRateLimited,     ErrorCode::kQuotaExhausted,
      ErrorCode::kRefused};
  for (const py::handle cls : errors.attr("__dict__").attr("values")()) {
    if (!PyType_Check(cls.ptr()) ||
        !PyObject_IsSubclass(cls.ptr(), base.ptr()) ||
        !py::hasattr(cls, "code")) {
      continue;
    }
    const std::string code = py::str(cls.attr("code"));
    for (ErrorCode c : kCodes) {
      if (code_name(c) == code) classes()[c] = cls.inc_ref().ptr();
    }
  }
  for (ErrorCode c : kCodes) {
    if (!classes().count(c)) {
      throw std::runtime_error("imagebank.errors has no class for code " +
                               std::string(code_name(c)));
    }
  }
}

void init_exports(py::module_& m) {
  const py::module_ errors = py::module_::import("imagebank.errors");
  for (const py::handle name : errors.attr("__all__")) {
    m.attr(name) = errors.attr(name);
  }
  std::vector<std::string> names = {"__version__"};
  for (const py::handle key : m.attr("__dict__")) {
    std::string name = py::str(key);
    if (!name.starts_with('_')) names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  m.attr("__all__") = names;
}

void throw_status(const Status& status) {
  if (status.retry_after()) {
    // The instance carries the delay, so it is made here rather than by
    // PyErr_SetString.
    py::object error = *error_instance(status);
    PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(error.ptr())),
                    error.ptr());
    throw py::error_already_set();
  }
  const auto it = classes().find(status.code());
  PyObject* type = it == classes().end() ? g_error : it->second;
  PyErr_SetString(type, status.message().c_str());
  throw py::error_already_set();
}

bool is_error_instance(PyObject* object) {
  return g_error != nullptr && PyObject_IsInstance(object, g_error) == 1;
}

std::optional<ErrorObject> error_instance(const Status& status) {
  if (status.ok()) return std::nullopt;
  const auto it = classes().find(status.code());
  py::handle type(it == classes().end() ? g_error : it->second);
  auto error =
      py::reinterpret_steal<ErrorObject>(type(status.message()).release());
  if (const auto delay = status.retry_after()) {
    error.attr("retry_after") = static_cast<double>(delay->count()) / 1000.0;
  }
  return error;
}

Status status_of(const ErrorObject& error) {
  const std::string code = py::str(error.attr("code"));
  const std::optional<ErrorCode> known = parse_error_code(code);
  // The base class (code "error") or a code this build lacks: internal.
  Status status(
      known && *known != ErrorCode::kOk ? *known : ErrorCode::kInternal,
      py::str(error));
  const py::object delay = py::getattr(error, "retry_after", py::none());
  if (!delay.is_none()) {
    const double seconds = delay.cast<double>();
    if (seconds >= 0 && seconds < 1e9) {
      status = status.with_retry_after(std::chrono::milliseconds(
          static_cast<std::int64_t>(seconds * 1000.0 + 0.5)));
    }
  }
  return status;
}

}  // namespace imagebank::python
