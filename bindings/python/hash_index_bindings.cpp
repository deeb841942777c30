// imagebank.HashIndex: near-duplicate search over perceptual hashes.
//
// Hashes are ints (or their big-endian bytes, as imagebank.hamming takes
// them); batches are numpy uint64 arrays read in place through the buffer
// protocol. The GIL is released while the index works (add_many, query,
// knn, save, open), so Python threads can query in parallel.
#include <pybind11/numpy.h>

#include <cstring>
#include <string>
#include <utility>

#include "bindings.hpp"
#include "imagebank/hash/hash_index.hpp"

namespace imagebank::python {
namespace {

// Ids: ints or anything with __index__ (numpy integers). Hashes: the same,
// or big-endian bytes. Batches: uint64 arrays.
using IdArg = Typed<"typing.SupportsIndex">;
using HashArg = Typed<"typing.SupportsIndex | bytes | bytearray | memoryview">;
using U64ArrayArg = Typed<"numpy.typing.NDArray[numpy.uint64]">;
// (ids, distances) as numpy arrays.
using Matches =
    py::typing::Tuple<py::array_t<std::uint64_t>, py::array_t<std::int32_t>>;

// An int from a Python int or anything with __index__ (numpy integers).
py::int_ as_int(const py::handle& obj, const char* what) {
  if (py::isinstance<py::bool_>(obj) ||
      !(py::isinstance<py::int_>(obj) || PyIndex_Check(obj.ptr()))) {
    check(invalid_argument_error(
        std::string(what) + " must be an int, got " +
        std::string(py::str(py::type::handle_of(obj).attr("__name__")))));
  }
  return py::reinterpret_steal<py::int_>(PyNumber_Index(obj.ptr()));
}

// A plain int in range converts without a Python-level call: a query's
// argument conversion is a visible part of a 10-microsecond query.
bool fast_u64(const py::handle& obj, std::uint64_t& out) {
  if (!PyLong_CheckExact(obj.ptr())) return false;
  const unsigned long long v = PyLong_AsUnsignedLongLong(obj.ptr());
  if (v == static_cast<unsigned long long>(-1) && PyErr_Occurred()) {
    PyErr_Clear();  // negative or too large: the slow path explains
    return false;
  }
  out = v;
  return true;
}

std::uint64_t to_id(const py::handle& obj) {
  std::uint64_t fast = 0;
  if (fast_u64(obj, fast)) return fast;
  const py::int_ v = as_int(obj, "an id");
  if (v < py::int_(0) || v.attr("bit_length")().cast<int>() > 64) {
    check(invalid_argument_error("an id must be in [0, 2**64), got " +
                                 std::string(py::str(v))));
  }
  return PyLong_AsUnsignedLongLong(v.ptr());
}

// A hash for an index of `bits` bits: an int in [0, 2**bits) (word 0 holds
// bits 0-63), or bits/8 bytes, big-endian (the last byte holds bits 0-7).
Hash256 to_hash(const py::handle& obj, int bits) {
  Hash256 out{};
  if (bits == 64 && fast_u64(obj, out[0])) return out;
  const bool is_bytes = py::isinstance<py::bytes>(obj) ||
                        py::isinstance<py::bytearray>(obj) ||
                        py::isinstance<py::memoryview>(obj);
  if (!is_bytes) {
    const py::int_ v = as_int(obj, "a hash");
    const int len = v.attr("bit_length")().cast<int>();
    if (v < py::int_(0) || len > bits) {
      check(invalid_argument_error("a hash for a " + std::to_string(bits) +
                                   "-bit HashIndex must be an int in [0, 2**" +
                                   std::to_string(bits) + "), got one of " +
                                   std::to_string(len) + " bits" +
                                   (v < py::int_(0) ? " (negative)" : "")));
    }
    const std::string raw = py::bytes(v.attr("to_bytes")(32, "little"));
    std::memcpy(out.data(), raw.data(), 32);  // little-endian hosts only
    return out;
  }
  Py_buffer view;
  if (PyObject_GetBuffer(obj.ptr(), &view, PyBUF_SIMPLE) != 0) {
    PyErr_Clear();
    check(invalid_argument_error("a hash must be an int or bytes"));
  }
  const auto len = static_cast<std::size_t>(view.len);
  const auto* b = static_cast<const unsigned char*>(view.buf);
  if (len != static_cast<std::size_t>(bits / 8)) {
    PyBuffer_Release(&view);
    check(invalid_argument_error("a hash as bytes for a " +
                                 std::to_string(bits) + "-bit HashIndex has " +
                                 std::to_string(bits / 8) + " bytes, got " +
                                 std::to_string(len)));
  }
  for (std::size_t i = 0; i < len; ++i) {
    const std::size_t bit = 8 * (len - 1 - i);
    out[bit / 64] |= static_cast<std::uint64_t>(b[i]) << (bit % 64);
  }
  PyBuffer_Release(&view);
  return out;
}

std::string dtype_name(const py::handle& obj, const Py_buffer& view) {
  if (py::hasattr(obj, "dtype")) return py::str(obj.attr("dtype"));
  return std::string("buffer format '") + (view.format ? view.format : "B") +
         "'";
}

// A C-contiguous uint64 array borrowed from a Python object for the life of
// this view: no copy.
class U64Array {
 public:
  U64Array(const py::handle& obj, const char* what) {
    if (PyObject_GetBuffer(obj.ptr(), &view_,
                           PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) != 0) {
      PyErr_Clear();
      const bool buffer = PyObject_CheckBuffer(obj.ptr()) != 0;
      check(invalid_argument_error(
          std::string(what) +
          (buffer ? " must be C-contiguous (numpy.ascontiguousarray)"
                  : " must be a numpy uint64 array, got " +
                        std::string(py::str(
                            py::type::handle_of(obj).attr("__name__")))) +
          "; e.g. numpy.asarray(x, dtype=numpy.uint64)"));
    }
    std::string format = view_.format ? view_.format : "B";
    if (!format.empty() &&
        (format[0] == '<' || format[0] == '=' || format[0] == '@')) {
      format.erase(0, 1);
    }
    if (view_.itemsize != 8 || (format != "Q" && format != "L")) {
      const std::string got = dtype_name(obj, view_);
      PyBuffer_Release(&view_);
      check(invalid_argument_error(std::string(what) +
                                   " must have dtype uint64, got " + got +
                                   "; e.g. x.astype(numpy.uint64)"));
    }
    held_ = true;
  }
  ~U64Array() {
    if (held_) PyBuffer_Release(&view_);
  }
  U64Array(const U64Array&) = delete;
  U64Array& operator=(const U64Array&) = delete;

  int ndim() const { return view_.ndim; }
  std::size_t dim(int i) const {
    return static_cast<std::size_t>(view_.shape[i]);
  }
  std::string shape() const {
    std::string s = "(";
    for (int i = 0; i < view_.ndim; ++i) {
      s += std::to_string(view_.shape[i]) + (view_.ndim == 1 ? "," : "");
      if (i + 1 < view_.ndim) s += ", ";
    }
    return s + ")";
  }
  std::span<const std::uint64_t> span() const {
    return {static_cast<const std::uint64_t*>(view_.buf),
            static_cast<std::size_t>(view_.len) / 8};
  }

 private:
  Py_buffer view_{};
  bool held_ = false;
};

Matches to_arrays(const std::vector<HashIndex::Match>& matches) {
  py::array_t<std::uint64_t> ids(static_cast<py::ssize_t>(matches.size()));
  py::array_t<std::int32_t> distances(static_cast<py::ssize_t>(matches.size()));
  std::uint64_t* pi = ids.mutable_data();
  std::int32_t* pd = distances.mutable_data();
  for (std::size_t i = 0; i < matches.size(); ++i) {
    pi[i] = matches[i].id;
    pd[i] = matches[i].distance;
  }
  return py::make_tuple(std::move(ids), std::move(distances));
}

std::string fspath(const py::object& path) {
  return py::str(py::module_::import("os").attr("fspath")(path));
}

}  // namespace

void init_hash_index(py::module_& m) {
  py::class_<HashIndex>(m, "HashIndex", R"doc(
Exact near-duplicate search over perceptual hashes (multi-index hashing).

HashIndex(bits=64) holds 64-bit hashes (phash, dhash, ahash); bits=256 holds
PDQ hashes. Ids are ints in [0, 2**64) chosen by the caller; adding an id
that is already present replaces its hash. query() and knn() return exactly
what a brute-force scan would, as (ids, distances) numpy arrays (uint64,
int32) ordered by distance, then id.

Hashes are ints (or big-endian bytes: 8 for 64 bits, 32 for 256); add_many
takes numpy uint64 arrays, hashes of shape (n,) for 64 bits or (n, 4) for 256
bits (row = the four 64-bit words, word 0 holding bits 0-63).

Thread-safe: queries run in parallel (the GIL is released), writes are
serialized and never expose a half-done state. save() writes one file
atomically; HashIndex.open() maps it, read-only by default, so several
processes can share one index file.
)doc")
      .def(py::init([](int bits, int substrings, int expected_radius) {
             HashIndex::Options options;
             options.bits = bits;
             options.substrings = substrings;
             options.expected_radius = expected_radius;
             return unwrap(HashIndex::create(options));
           }),
           py::kw_only(), py::arg("bits") = 64, py::arg("substrings") = 0,
           py::arg("expected_radius") = -1,
           "A new empty index. substrings=0 and expected_radius=-1 let the "
           "index choose its tables (radius 5 for 64 bits, 31 for 256).")
      .def_static(
          "open",
          [](const StrPathArg& path, bool read_only) {
            const std::string p = fspath(path);
            Result<HashIndex> opened = internal_error("unset");
            {
              py::gil_scoped_release release;
              opened = HashIndex::open(p, read_only);
            }
            return unwrap(std::move(opened));
          },
          py::arg("path"), py::kw_only(), py::arg("read_only") = true,
          "Maps an index file written by save(). read_only=True refuses "
          "add/add_many/remove (ConflictError); read_only=False keeps "
          "changes in memory until the next save(). CorruptDataError for a "
          "damaged or truncated file.")
      .def(
          "save",
          [](const HashIndex& self, const StrPathArg& path) {
            const std::string p = fspath(path);
            Status status;
            {
              py::gil_scoped_release release;
              status = self.save(p);
            }
            check(status);
          },
          py::arg("path"),
          "Writes the index to path atomically (temporary file + rename).")
      .def(
          "add",
          [](HashIndex& self, const IdArg& id, const HashArg& hash) {
            const std::uint64_t key = to_id(id);
            const Hash256 h = to_hash(hash, self.bits());
            Status status;
            {
              py::gil_scoped_release release;
              status = self.add(key, h);
            }
            check(status);
          },
          py::arg("id"), py::arg("hash"),
          "Adds a hash, or replaces the hash of an id already present.")
      .def(
          "add_many",
          [](HashIndex& self, const U64ArrayArg& ids,
             const U64ArrayArg& hashes) {
            const U64Array id_array(ids, "ids");
            const U64Array hash_array(hashes, "hashes");
            if (id_array.ndim() != 1) {
              check(invalid_argument_error(
                  "ids must be one-dimensional, got shape " +
                  id_array.shape()));
            }
            const std::size_t n = id_array.dim(0);
            const bool wide = self.bits() == 256;
            const bool shape_ok =
                wide ? hash_array.ndim() == 2 && hash_array.dim(0) == n &&
                           hash_array.dim(1) == 4
                     : hash_array.ndim() == 1 && hash_array.dim(0) == n;
            if (!shape_ok) {
              check(invalid_argument_error(
                  "hashes for " + std::to_string(n) + " ids in a " +
                  std::to_string(self.bits()) +
                  "-bit HashIndex must have shape (" + std::to_string(n) +
                  (wide ? ", 4)" : ",)") + ", got " + hash_array.shape()));
            }
            Status status;
            {
              py::gil_scoped_release release;
              status = self.add_many(id_array.span(), hash_array.span());
            }
            check(status);
          },
          py::arg("ids"), py::arg("hashes"),
          "Adds or replaces many hashes: ids a uint64 array of shape (n,), "
          "hashes uint64 of shape (n,) (64 bits) or (n, 4) (256 bits). Read "
          "in place, without a copy. An id repeated in the batch keeps its "
          "last hash.")
      .def(
          "remove",
          [](HashIndex& self, const IdArg& id) {
            const std::uint64_t key = to_id(id);
            Status status;
            {
              py::gil_scoped_release release;
              status = self.remove(key);
            }
            check(status);
          },
          py::arg("id"), "Removes an id; NotFoundError if absent.")
      .def(
          "query",
          [](const HashIndex& self, const HashArg& hash, int radius) {
            const Hash256 h = to_hash(hash, self.bits());
            Result<std::vector<HashIndex::Match>> found =
                internal_error("unset");
            {
              py::gil_scoped_release release;
              found = self.query(h, radius);
            }
            return to_arrays(unwrap(std::move(found)));
          },
          py::arg("hash"), py::arg("radius"),
          "Every hash within radius (0-10 for 64 bits, 0-32 for 256) as "
          "(ids, distances), by distance then id.")
      .def(
          "knn",
          [](const HashIndex& self, const HashArg& hash, long long k) {
            const Hash256 h = to_hash(hash, self.bits());
            if (k < 0) {
              check(invalid_argument_error("k must be >= 0, got " +
                                           std::to_string(k)));
            }
            Result<std::vector<HashIndex::Match>> found =
                internal_error("unset");
            {
              py::gil_scoped_release release;
              found = self.knn(h, static_cast<std::size_t>(k));
            }
            return to_arrays(unwrap(std::move(found)));
          },
          py::arg("hash"), py::arg("k"),
          "The k nearest hashes as (ids, distances), by distance then id "
          "(ties at the k-th distance go to the smaller ids).")
      .def("__len__", &HashIndex::size)
      .def_property_readonly("bits", &HashIndex::bits)
      .def_property_readonly("read_only", &HashIndex::read_only)
      .def(
          "stats",
          [](const HashIndex& self) {
            const HashIndex::Stats st = self.stats();
            py::typing::Dict<py::str, int> d;
            d["size"] = st.size;
            d["segments"] = st.segments;
            d["tail"] = st.tail;
            d["dead"] = st.dead;
            d["substrings"] = st.substrings;
            d["substring_bits"] = st.substring_bits;
            d["memory_bytes"] = st.memory_bytes;
            d["read_only"] = st.read_only;
            d["mapped"] = st.mapped;
            return d;
          },
          "Shape and memory of the index: size, segments, tail, dead, "
          "substrings, substring_bits, memory_bytes, read_only, mapped.")
      .def("__repr__", [](const HashIndex& self) {
        return "<imagebank.HashIndex bits=" + std::to_string(self.bits()) +
               " size=" + std::to_string(self.size()) +
               (self.read_only() ? " read-only>" : ">");
      });
}

}  // namespace imagebank::python
