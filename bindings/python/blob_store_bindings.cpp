// imagebank.BlobStore: where originals and variants are kept (local disk or
// memory here; the bank hands out its own store through the same class).
//
// Every call that touches the store releases the GIL, so Python threads can
// put and get in parallel; errors raise the imagebank.Error subclass of
// their code. Stores are held by std::shared_ptr: a BlobStore obtained from
// a Bank keeps living while Python holds it.
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "bindings.hpp"
#include "imagebank/adapters/fs_blob_store.hpp"
#include "imagebank/catalog/blob_store.hpp"

namespace imagebank::python {
namespace {

// A read-only view of any C-contiguous bytes-like object (bytes, bytearray,
// memoryview, numpy arrays), released on destruction (with the GIL held).
class ByteView {
 public:
  explicit ByteView(const py::handle& obj) {
    if (PyUnicode_Check(obj.ptr())) {
      check(invalid_argument_error(
          "data must be bytes-like (bytes, bytearray, memoryview), not str; "
          "encode it first"));
    }
    if (!PyObject_CheckBuffer(obj.ptr())) {
      throw py::type_error(
          "data must be bytes-like (bytes, bytearray, memoryview), not " +
          std::string(py::str(py::type::handle_of(obj).attr("__name__"))));
    }
    if (PyObject_GetBuffer(obj.ptr(), &view_, PyBUF_SIMPLE) != 0) {
      PyErr_Clear();
      check(invalid_argument_error(
          "data must be a contiguous buffer (e.g. bytes(x) or a C-contiguous "
          "array copy)"));
    }
  }
  ~ByteView() { PyBuffer_Release(&view_); }
  ByteView(const ByteView&) = delete;
  ByteView& operator=(const ByteView&) = delete;

  std::span<const std::byte> bytes() const {
    return {static_cast<const std::byte*>(view_.buf),
            static_cast<std::size_t>(view_.len)};
  }

 private:
  Py_buffer view_{};
};

py::bytes to_bytes(const std::vector<std::byte>& data) {
  return py::bytes(reinterpret_cast<const char*>(data.data()), data.size());
}

std::string repr_info(const BlobInfo& info) {
  return "BlobInfo(key=" + std::string(py::repr(py::str(info.key))) +
         ", size=" + std::to_string(info.size) +
         ", modified_ms=" + std::to_string(info.modified_ms) + ")";
}

// Walks every page of a listing; the GIL is released while a page loads.
class BlobIterator {
 public:
  BlobIterator(std::shared_ptr<BlobStore> store, std::string prefix,
               std::size_t page_size)
      : store_(std::move(store)),
        prefix_(std::move(prefix)),
        page_size_(page_size) {}

  BlobInfo next() {
    while (index_ == page_.blobs.size()) {
      if (done_) throw py::stop_iteration();
      Result<BlobListPage> page = [&] {
        py::gil_scoped_release release;
        return store_->list(prefix_, start_after_, page_size_);
      }();
      page_ = unwrap(std::move(page));
      index_ = 0;
      start_after_ = page_.next_start_after;
      done_ = start_after_.empty();
    }
    return page_.blobs[index_++];
  }

 private:
  std::shared_ptr<BlobStore> store_;
  std::string prefix_;
  std::size_t page_size_;
  std::string start_after_;
  BlobListPage page_;
  std::size_t index_ = 0;
  bool done_ = false;
};

// Seconds from Python (int or float) to a duration; absurdly large values
// saturate instead of overflowing.
std::chrono::seconds to_seconds(double value, const char* name) {
  if (!(value >= 0)) {
    check(invalid_argument_error(std::string(name) +
                                 " must be a number of seconds >= 0"));
  }
  return std::chrono::seconds(static_cast<long long>(std::min(value, 1e15)));
}

std::shared_ptr<BlobStore> open_fs(
    const FsPath& root, bool create_root,
    std::optional<double> sweep_temp_files_older_than,
    std::size_t read_chunk_bytes) {
  FsBlobStoreOptions options;
  options.create_root = create_root;
  options.read_chunk_bytes = read_chunk_bytes;
  if (sweep_temp_files_older_than) {
    options.sweep_temp_files_older_than =
        to_seconds(*sweep_temp_files_older_than, "sweep_temp_files_older_than");
  }
  Result<std::unique_ptr<BlobStore>> store = [&] {
    py::gil_scoped_release release;
    return open_fs_blob_store(root, options);
  }();
  return std::shared_ptr<BlobStore>(unwrap(std::move(store)));
}

}  // namespace

void init_blob_store(py::module_& m) {
  py::class_<BlobInfo>(m, "BlobInfo",
                       "An object's key, size in bytes and modification time "
                       "(ms since the Unix epoch; 0 when unknown).")
      .def_readonly("key", &BlobInfo::key)
      .def_readonly("size", &BlobInfo::size)
      .def_readonly("modified_ms", &BlobInfo::modified_ms)
      .def("__repr__", &repr_info)
      .def("__eq__",
           eq_method<BlobInfo>([](const BlobInfo& a, const BlobInfo& b) {
             return a.key == b.key && a.size == b.size &&
                    a.modified_ms == b.modified_ms;
           }),
           py::arg("other"));

  py::class_<BlobListPage>(m, "BlobListPage",
                           "One page of BlobStore.list(): blobs in bytewise "
                           "key order; next_start_after is '' on the last "
                           "page.")
      .def_readonly("blobs", &BlobListPage::blobs)
      .def_readonly("next_start_after", &BlobListPage::next_start_after)
      .def("__len__", [](const BlobListPage& p) { return p.blobs.size(); })
      .def("__repr__", [](const BlobListPage& p) {
        return "BlobListPage(" + std::to_string(p.blobs.size()) +
               " blobs, next_start_after=" +
               std::string(py::repr(py::str(p.next_start_after))) + ")";
      });

  py::class_<BlobIterator>(m, "_BlobIterator")
      .def("__iter__", [](BlobIterator& it) -> BlobIterator& { return it; })
      .def("__next__", &BlobIterator::next);

  py::class_<FsSweepReport>(m, "FsSweepReport")
      .def_readonly("removed", &FsSweepReport::removed)
      .def_readonly("kept", &FsSweepReport::kept)
      .def_readonly("removed_bytes", &FsSweepReport::removed_bytes)
      .def("__repr__", [](const FsSweepReport& r) {
        return "FsSweepReport(removed=" + std::to_string(r.removed) +
               ", kept=" + std::to_string(r.kept) +
               ", removed_bytes=" + std::to_string(r.removed_bytes) + ")";
      });

  py::class_<BlobStore, std::shared_ptr<BlobStore>>(
      m, "BlobStore",
      "Keys to immutable byte strings (local disk, S3 or memory). put is "
      "atomic; get/head of a missing key raise NotFound; remove of a missing "
      "key is fine. Thread-safe; the GIL is released during I/O.")
      .def(
          "put",
          [](BlobStore& store, const std::string& key,
             const Typed<"bytes | bytearray | memoryview">& data) {
            const ByteView view(data);
            Status status;
            {
              py::gil_scoped_release release;
              status = store.put(key, view.bytes());
            }
            check(status);
          },
          py::arg("key"), py::arg("data"),
          "Stores bytes-like `data` under `key`, atomically and durably.")
      .def(
          "put_file",
          [](BlobStore& store, const std::string& key, const FsPath& path) {
            Status status;
            {
              py::gil_scoped_release release;
              status = store.put_file(key, path);
            }
            check(status);
          },
          py::arg("key"), py::arg("path"),
          "Stores the contents of a local file, streamed.")
      .def(
          "get",
          [](BlobStore& store, const std::string& key, std::uint64_t offset,
             std::optional<std::uint64_t> length) {
            Result<std::vector<std::byte>> data = [&] {
              py::gil_scoped_release release;
              return store.get_bytes(key, ByteRange{offset, length});
            }();
            return to_bytes(unwrap(std::move(data)));
          },
          py::arg("key"), py::kw_only(), py::arg("offset") = 0,
          py::arg("length") = py::none(),
          "The object's bytes, or `length` bytes from `offset` (clipped at "
          "the end; an offset past the end raises InvalidArgument).")
      .def(
          "head",
          [](BlobStore& store, const std::string& key) {
            Result<BlobInfo> info = [&] {
              py::gil_scoped_release release;
              return store.head(key);
            }();
            return unwrap(std::move(info));
          },
          py::arg("key"))
      .def(
          "exists",
          [](BlobStore& store, const std::string& key) {
            Result<BlobInfo> info = [&] {
              py::gil_scoped_release release;
              return store.head(key);
            }();
            if (info.ok()) return true;
            if (info.status().code() == ErrorCode::kNotFound) return false;
            check(info.status());
            return false;
          },
          py::arg("key"), "head() without NotFound: True or False.")
      .def(
          "remove",
          [](BlobStore& store, const std::string& key) {
            Status status;
            {
              py::gil_scoped_release release;
              status = store.remove(key);
            }
            check(status);
          },
          py::arg("key"), "Deletes `key`; a missing key is not an error.")
      .def(
          "list",
          [](BlobStore& store, const std::string& prefix,
             const std::string& start_after, std::size_t max_keys) {
            Result<BlobListPage> page = [&] {
              py::gil_scoped_release release;
              return store.list(prefix, start_after, max_keys);
            }();
            return unwrap(std::move(page));
          },
          py::arg("prefix") = "", py::arg("start_after") = "",
          py::arg("max_keys") = 1000,
          "One page of the objects whose key starts with `prefix` and sorts "
          "after `start_after`.")
      .def(
          "iter_blobs",
          [](const std::shared_ptr<BlobStore>& store, const std::string& prefix,
             std::size_t page_size) {
            return BlobIterator(store, prefix, page_size);
          },
          py::arg("prefix") = "", py::arg("page_size") = 1000,
          "Every object whose key starts with `prefix`, in key order, "
          "fetched a page at a time.")
      .def_property_readonly("uri", &BlobStore::uri)
      .def("__repr__", [](const BlobStore& store) {
        return "<BlobStore " + std::string(py::repr(py::str(store.uri()))) +
               ">";
      });

  m.def(
      "validate_blob_key",
      [](const std::string& key) { check(validate_blob_key(key)); },
      py::arg("key"),
      "Raises InvalidArgument (naming the reason) unless `key` is a valid "
      "blob key.");
  m.def(
      "original_blob_key",
      [](const std::string& sha256, const std::string& extension) {
        return unwrap(original_blob_key(sha256, extension));
      },
      py::arg("sha256"), py::arg("extension"),
      "'originals/ab/cd/<sha256>.<extension>'.");
  m.def(
      "resolve_range",
      [](const std::string& key, std::uint64_t size, std::uint64_t offset,
         std::optional<std::uint64_t> length) {
        const ResolvedRange r =
            unwrap(resolve_range(key, size, ByteRange{offset, length}));
        return std::pair<std::uint64_t, std::uint64_t>(r.offset, r.length);
      },
      py::arg("key"), py::arg("size"), py::kw_only(), py::arg("offset") = 0,
      py::arg("length") = py::none(),
      "(offset, length) of the bytes a range selects in an object of `size` "
      "bytes: a length past the end is clipped; InvalidArgumentError for an "
      "offset past the end.");
  m.def(
      "quote_blob_key",
      [](const std::string& key) { return quote_blob_key(key); },
      py::arg("key"),
      "A key quoted for a message: non-printable bytes escaped, long keys "
      "cut.");
  m.def("open_fs_blob_store", &open_fs, py::arg("root"), py::kw_only(),
        py::arg("create_root") = true,
        py::arg("sweep_temp_files_older_than") = py::none(),
        py::arg("read_chunk_bytes") = FsBlobStoreOptions{}.read_chunk_bytes,
        "The local-disk store rooted at `root` (created when missing unless "
        "create_root=False). sweep_temp_files_older_than: seconds; when given, "
        "temporary files left by crashed writers older than that are deleted "
        "first.");
  m.def(
      "sweep_fs_blob_store_temp_files",
      [](const FsPath& root, double older_than) {
        const auto cutoff = to_seconds(older_than, "older_than");
        Result<FsSweepReport> report = [&] {
          py::gil_scoped_release release;
          return sweep_fs_blob_store_temp_files(root, cutoff);
        }();
        return unwrap(std::move(report));
      },
      py::arg("root"), py::arg("older_than"),
      "Deletes temporary files left under `root` by crashed writers whose "
      "last change is more than `older_than` seconds old.");
  m.def(
      "make_memory_blob_store",
      []() { return std::shared_ptr<BlobStore>(make_memory_blob_store()); },
      "A fresh in-memory store (uri 'memory:').");
}

}  // namespace imagebank::python
