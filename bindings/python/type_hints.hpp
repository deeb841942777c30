// Python objects that the bindings take or return as they are (a source that
// may be a path or bytes, a hash that may be an int or bytes, ...), with the
// type their signatures show. pybind11 names a plain py::object `object`,
// which the generated stub (python/imagebank/_core.pyi) turns into
// typing.Any; a Typed<"..."> parameter is the same py::object at run time
// and its hint in the signature, in help() and in the stub that mypy reads.
//
// A hint names classes of the module unqualified ("Image") and everything
// else by module ("os.PathLike[str]"), as it would be written in the stub;
// any object is "builtins.object" (stubgen makes a bare "object"
// typing.Any).
#pragma once

#include <pybind11/pybind11.h>
#include <pybind11/stl/filesystem.h>
#include <pybind11/typing.h>

#include <filesystem>

namespace imagebank::python {

namespace py = pybind11;

// Typed's default check: every object passes, and the function itself says
// what it accepts and raises for the rest.
inline int any_object(PyObject* /*obj*/) { return 1; }

template <py::typing::StringLiteral Hint, int (*Check)(PyObject*) = &any_object>
class Typed : public py::object {
  PYBIND11_OBJECT_DEFAULT(Typed, py::object, Check)
};

// Checks for Typed parameters whose wrong types are TypeErrors, raised by
// pybind11 when no overload accepts the arguments.
inline int is_path_or_buffer(PyObject* obj) {
  return PyUnicode_Check(obj) || PyObject_CheckBuffer(obj) ||
         PyObject_HasAttrString(obj, "__fspath__");
}

// An encoded image or file: a path, or its bytes.
using SourceArg =
    Typed<"str | os.PathLike[str] | bytes | bytearray | memoryview">;
// probe's: the same, with TypeError for other types.
using CheckedSourceArg =
    Typed<"str | os.PathLike[str] | bytes | bytearray | memoryview",
          &is_path_or_buffer>;
// The hash functions also take decoded pixels.
using ImageSourceArg =
    Typed<"Image | str | os.PathLike[str] | bytes | bytearray | memoryview">;
// A path given to os.fspath().
using StrPathArg = Typed<"str | os.PathLike[str]">;
// Text read as UTF-8 (str) or as given, UTF-8 or else Windows-1252 (bytes).
using TextArg = Typed<"str | bytes">;

// A file-system path parameter, converted as pybind11 converts a
// std::filesystem::path; that caster's hint, "os.PathLike | str | bytes",
// leaves out os.PathLike's type argument, which mypy --strict refuses.
struct FsPath : std::filesystem::path {
  using std::filesystem::path::path;
  FsPath() = default;
};

}  // namespace imagebank::python

namespace pybind11::detail {

template <>
struct type_caster<imagebank::python::FsPath>
    : path_caster<imagebank::python::FsPath> {
  static constexpr auto name = io_name(
      "str | bytes | os.PathLike[str] | os.PathLike[bytes]", "pathlib.Path");
};

template <pybind11::typing::StringLiteral Hint, int (*Check)(PyObject*)>
struct handle_type_name<imagebank::python::Typed<Hint, Check>> {
  static constexpr auto name = const_name(Hint.name);
};

}  // namespace pybind11::detail
