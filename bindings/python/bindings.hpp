// Internal to the Python module: registration functions and the translation
// of imagebank Status into Python exceptions.
#pragma once

#include <pybind11/pybind11.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "imagebank/core/result.hpp"
#include "imagebank/image/format.hpp"
#include "imagebank/image/resize.hpp"
#include "imagebank/image/source.hpp"
#include "type_hints.hpp"

namespace imagebank::python {

namespace py = pybind11;

void init_errors(py::module_& m);
void init_core(py::module_& m);
void init_image(py::module_& m);
void init_codecs(py::module_& m);
void init_grey(py::module_& m);
void init_variants(py::module_& m);
void init_hash(py::module_& m);
void init_perceptual(py::module_& m);
void init_pdq(py::module_& m);
void init_hash_index(py::module_& m);
void init_text(py::module_& m);
void init_sku(py::module_& m);
void init_carteira(py::module_& m);
void init_blob_store(py::module_& m);
void init_s3(py::module_& m);
void init_catalog(py::module_& m);
void init_conflict_types(py::module_& m);   // after init_catalog
void init_conflicts(py::module_& m);        // after init_bank
void init_check(py::module_& m);            // after init_bank
void init_jobs(py::module_& m);             // after init_catalog
void init_catalog_queries(py::module_& m);  // after init_jobs
void init_serve(py::module_& m);            // after init_catalog
void init_bank(py::module_& m);
void init_catalog_export(py::module_& m);  // after init_bank
void init_urls(py::module_& m);            // after init_jobs
void init_fetch(py::module_& m);           // after init_urls
void init_ingest(py::module_& m);          // after init_bank, init_urls
void init_vision(py::module_& m);
void init_analysis(py::module_& m);
// Last: the exception classes join the module and __all__ lists every
// public name; the package re-exports exactly that list.
void init_exports(py::module_& m);

// Calls fn on a Source over `src` (a str/os.PathLike path, or bytes or any
// contiguous buffer) with the GIL released. A path that cannot be opened
// raises; fn's own errors are for the caller to raise after it returns.
void with_source(const py::object& src,
                 const std::function<void(const Source&)>& fn);

// Shared argument parsing (codec_bindings.cpp): invalid_argument errors for
// unknown names.
Format parse_format_name(const std::string& name);
Geometry make_geometry(std::uint32_t width, std::uint32_t height,
                       const std::string& fit, const std::string& crop,
                       bool upscale, const std::vector<int>& background);

// Raises the exception class of status.code() with status.message(). Must be
// called with the GIL held; never returns.
[[noreturn]] void throw_status(const Status& status);

// An instance of imagebank.Error (a subclass per code), as the value of a
// failure that is stored, not raised: a Job's error. Typed so in the stubs.
bool is_error_instance(PyObject* object);
class ErrorObject : public py::object {
 public:
  PYBIND11_OBJECT_DEFAULT(ErrorObject, py::object, is_error_instance)
};
// The exception for a failed status, not raised; nullopt (None) when OK.
std::optional<ErrorObject> error_instance(const Status& status);
// The status an exception stands for: its class's code and its message.
Status status_of(const ErrorObject& error);

template <typename T>
T unwrap(Result<T>&& result) {
  if (!result.ok()) throw_status(result.status());
  return std::move(result).value();
}

inline void check(const Status& status) {
  if (!status.ok()) throw_status(status);
}

// An __eq__ method as Python's data model has it: `other` may be any
// object, and one of another type gives NotImplemented (so == is False,
// unless the other object says otherwise). `eq` compares two T.
template <typename T, typename Eq = std::equal_to<T>>
auto eq_method(Eq eq = {}) {
  return [eq](const T& self,
              const Typed<"builtins.object">& other) -> Typed<"bool"> {
    if (!py::isinstance<T>(other)) {
      return py::reinterpret_borrow<py::object>(Py_NotImplemented);
    }
    return py::bool_(eq(self, other.cast<const T&>()));
  };
}

}  // namespace imagebank::python

namespace pybind11::detail {
template <>
struct handle_type_name<imagebank::python::ErrorObject> {
  static constexpr auto name = const_name("imagebank.errors.Error");
};
}  // namespace pybind11::detail
