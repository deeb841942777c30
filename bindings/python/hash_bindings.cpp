#include <pybind11/stl.h>

#include <array>
#include <cstring>
#include <memory>

#include "bindings.hpp"
#include "imagebank/hash/hamming.hpp"
#include "imagebank/hash/sha256.hpp"

namespace imagebank::python {
namespace {

// A 64-bit or 256-bit hash as an int or its big-endian bytes.
using HashArg = Typed<"int | bytes | bytearray | memoryview">;

// A read-only, C-contiguous view of a buffer-protocol object, released on
// destruction.
class BufferView {
 public:
  explicit BufferView(const py::handle& obj) {
    if (PyObject_GetBuffer(obj.ptr(), &view_, PyBUF_SIMPLE) != 0) {
      PyErr_Clear();
      check(invalid_argument_error(
          "expected bytes, a contiguous buffer or a path, got " +
          std::string(py::str(py::type::handle_of(obj).attr("__name__")))));
    }
  }
  ~BufferView() { PyBuffer_Release(&view_); }
  BufferView(const BufferView&) = delete;
  BufferView& operator=(const BufferView&) = delete;
  std::span<const std::byte> bytes() const {
    return {static_cast<const std::byte*>(view_.buf),
            static_cast<std::size_t>(view_.len)};
  }

 private:
  Py_buffer view_{};
};

bool is_path(const py::object& obj) {
  return py::isinstance<py::str>(obj) || py::hasattr(obj, "__fspath__");
}

// A hash given as int (non-negative, < 2**256) or bytes (8 or 32 bytes,
// big-endian as the hex forms print) as 256 bits.
Hash256 to_hash256(const py::object& h) {
  Hash256 out{};
  if (py::isinstance<py::int_>(h)) {
    if (py::int_(h) < py::int_(0)) {
      check(invalid_argument_error("a hash must be a non-negative int"));
    }
    const int bits = h.attr("bit_length")().cast<int>();
    if (bits > 256) {
      check(invalid_argument_error("a hash has at most 256 bits, got " +
                                   std::to_string(bits)));
    }
    const py::bytes raw = h.attr("to_bytes")(32, "little");
    const std::string s = raw;
    std::memcpy(out.data(), s.data(), 32);  // little-endian host (x86, arm)
    return out;
  }
  BufferView view(h);
  const auto b = view.bytes();
  if (b.size() != 8 && b.size() != 32) {
    check(invalid_argument_error("a hash as bytes has 8 or 32 bytes, got " +
                                 std::to_string(b.size())));
  }
  // Big-endian bytes: the last byte is bits 0-7.
  for (std::size_t i = 0; i < b.size(); ++i) {
    const std::size_t bit = 8 * (b.size() - 1 - i);
    out[bit / 64] |= static_cast<std::uint64_t>(b[i]) << (bit % 64);
  }
  return out;
}

}  // namespace

void with_source(const py::object& src,
                 const std::function<void(const Source&)>& fn) {
  if (is_path(src)) {
    const std::string path =
        py::str(py::module_::import("os").attr("fspath")(src));
    Status open_error;
    {
      py::gil_scoped_release release;
      Result<std::unique_ptr<Source>> source = Source::file(path);
      if (source.ok()) {
        fn(**source);
      } else {
        open_error = source.status();
      }
    }
    check(open_error);
    return;
  }
  BufferView view(src);
  py::gil_scoped_release release;
  const std::unique_ptr<Source> source = Source::memory(view.bytes());
  fn(*source);
}

void init_hash(py::module_& m) {
  m.def(
      "sha256",
      [](const SourceArg& src) {
        Result<Sha256Digest> digest = internal_error("unset");
        with_source(src, [&](const Source& s) { digest = sha256(s); });
        return to_hex(unwrap(std::move(digest)));
      },
      py::arg("src"),
      "SHA-256 of a file (path, read in blocks) or of bytes, as 64 lowercase "
      "hex digits.");

  m.def(
      "hamming",
      [](const HashArg& a, const HashArg& b) {
        return hamming(to_hash256(a), to_hash256(b));
      },
      py::arg("a"), py::arg("b"),
      "Number of differing bits between two hashes: ints (64-bit pHash/dHash/"
      "aHash or 256-bit PDQ) or their bytes (8 or 32, big-endian).");
}

}  // namespace imagebank::python
