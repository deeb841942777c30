// Limits, logging and the whole-file helpers of the file layer.
#include <pybind11/chrono.h>
#include <pybind11/functional.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "imagebank/core/file.hpp"
#include "imagebank/core/limits.hpp"
#include "imagebank/core/log.hpp"
#include "imagebank/core/memory.hpp"
#include "type_hints.hpp"

namespace imagebank::python {
namespace {

bool interpreter_alive() {
#if PY_VERSION_HEX >= 0x030D0000
  return Py_IsInitialized() && !Py_IsFinalizing();
#else
  return Py_IsInitialized() && !_Py_IsFinalizing();
#endif
}

LogLevel parse_level(const std::string& name) {
  for (LogLevel level : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarning,
                         LogLevel::kError}) {
    if (log_level_name(level) == name) return level;
  }
  check(invalid_argument_error("unknown log level '" + name +
                               "' (use debug, info, warning or error)"));
  return LogLevel::kInfo;
}

// Forwards records to a Python callable(level: str, message: str). Records
// may come from any thread; the GIL is taken for the call.
class PythonLogSink final : public LogSink {
 public:
  explicit PythonLogSink(py::function fn) : fn_(std::move(fn)) {}

  ~PythonLogSink() override {
    // The callable must be released with the GIL held; at interpreter exit
    // it is leaked instead (there is nothing left to release it to).
    if (interpreter_alive()) {
      py::gil_scoped_acquire gil;
      fn_ = py::function();
    } else {
      fn_.release();
    }
  }

  void write(const LogRecord& record) noexcept override {
    if (!interpreter_alive()) return;
    py::gil_scoped_acquire gil;
    try {
      fn_(std::string(log_level_name(record.level)),
          std::string(record.message));
    } catch (py::error_already_set& e) {
      // A failing handler must not take down the caller; Python's own
      // logging swallows handler errors the same way.
      e.discard_as_unraisable("imagebank log sink");
    } catch (...) {
    }
  }

 private:
  py::function fn_;
};

// A read-only, C-contiguous view of a buffer-protocol object, held (and the
// object with it) until destruction, so the bytes stay valid without the GIL.
class ReadOnlyBuffer {
 public:
  explicit ReadOnlyBuffer(const py::handle& obj) {
    if (PyObject_GetBuffer(obj.ptr(), &view_, PyBUF_SIMPLE) != 0) {
      PyErr_Clear();
      check(invalid_argument_error(
          "expected a contiguous buffer, got a non-contiguous " +
          std::string(py::str(py::type::handle_of(obj).attr("__name__")))));
    }
  }
  ~ReadOnlyBuffer() { PyBuffer_Release(&view_); }
  ReadOnlyBuffer(const ReadOnlyBuffer&) = delete;
  ReadOnlyBuffer& operator=(const ReadOnlyBuffer&) = delete;
  std::span<const std::byte> bytes() const {
    return {static_cast<const std::byte*>(view_.buf),
            static_cast<std::size_t>(view_.len)};
  }

 private:
  Py_buffer view_{};
};

void init_files(py::module_& m) {
  m.def(
      "read_file",
      [](const FsPath& path, std::uint64_t max_bytes) {
        Result<std::vector<std::byte>> read = [&] {
          py::gil_scoped_release release;
          return read_file(path, max_bytes);
        }();
        const std::vector<std::byte> bytes = unwrap(std::move(read));
        return py::bytes(reinterpret_cast<const char*>(bytes.data()),
                         bytes.size());
      },
      py::arg("path"), py::arg("max_bytes"),
      "The whole content of the regular file at path. LimitExceededError "
      "(naming the file) when it holds more than max_bytes, also if it grows "
      "past them while being read; NotFoundError if it does not exist; "
      "InvalidArgumentError for a directory, a FIFO or a device (never "
      "waited on); IoError if it cannot be read.");
  m.def(
      "write_file_atomic",
      [](const FsPath& path, const py::buffer& data) {
        const ReadOnlyBuffer buffer(data);
        Status status;
        {
          py::gil_scoped_release release;
          status = write_file_atomic(path, buffer.bytes());
        }
        check(status);
      },
      py::arg("path"), py::arg("data"),
      "Replace the file at path with data (bytes or any contiguous buffer), "
      "atomically and durably: a temporary file next to it is written, "
      "fsynced and renamed over path, then the directory is fsynced. Readers "
      "see the old content or the new; on failure (IoError naming the file) "
      "path is left as it was and no temporary file remains.");
}

FailOn parse_fail_on(const std::string& name) {
  const std::optional<FailOn> level = fail_on_from_name(name);
  if (!level) {
    check(invalid_argument_error(
        "fail_on must be 'none', 'truncated', 'error' or 'warning', got '" +
        name + "'"));
  }
  return *level;
}

}  // namespace

void init_core(py::module_& m) {
  py::class_<Limits>(m, "Limits",
                     "How large an untrusted input may be before imagebank "
                     "refuses it. Defaults suit catalog photography.")
      .def(py::init([](std::uint64_t max_pixels, std::uint32_t max_dimension,
                       std::uint64_t max_file_bytes,
                       std::uint32_t jpeg_max_scans, const std::string& fail_on,
                       std::uint64_t max_metadata_bytes,
                       std::uint32_t max_frames, double decode_deadline) {
             if (decode_deadline <= 0) {
               check(invalid_argument_error(
                   "decode_deadline must be positive (seconds)"));
             }
             Limits l;
             l.max_pixels = max_pixels;
             l.max_dimension = max_dimension;
             l.max_file_bytes = max_file_bytes;
             l.jpeg_max_scans = jpeg_max_scans;
             l.fail_on = parse_fail_on(fail_on);
             l.max_metadata_bytes = max_metadata_bytes;
             l.max_frames = max_frames;
             l.decode_deadline = std::chrono::milliseconds(
                 static_cast<std::int64_t>(decode_deadline * 1000));
             return l;
           }),
           py::kw_only(), py::arg("max_pixels") = Limits{}.max_pixels,
           py::arg("max_dimension") = Limits{}.max_dimension,
           py::arg("max_file_bytes") = Limits{}.max_file_bytes,
           py::arg("jpeg_max_scans") = Limits{}.jpeg_max_scans,
           py::arg("fail_on") = std::string(fail_on_name(Limits{}.fail_on)),
           py::arg("max_metadata_bytes") = Limits{}.max_metadata_bytes,
           py::arg("max_frames") = Limits{}.max_frames,
           py::arg("decode_deadline") =
               Limits{}.decode_deadline.count() / 1000.0)
      .def_readwrite("max_pixels", &Limits::max_pixels)
      .def_readwrite("max_dimension", &Limits::max_dimension)
      .def_readwrite("max_file_bytes", &Limits::max_file_bytes)
      .def_readwrite("jpeg_max_scans", &Limits::jpeg_max_scans)
      .def_property(
          "fail_on",
          [](const Limits& l) { return std::string(fail_on_name(l.fail_on)); },
          [](Limits& l, const std::string& name) {
            l.fail_on = parse_fail_on(name);
          },
          "What damage a decode tolerates: 'none', 'truncated', 'error' "
          "(default: benign JPEG warnings and bad ancillary PNG CRCs pass, "
          "truncated or corrupt data is refused) or 'warning' (refuse every "
          "warning). What passed is in ImageInfo.tolerated.")
      .def_readwrite("max_metadata_bytes", &Limits::max_metadata_bytes)
      .def_readwrite("max_frames", &Limits::max_frames)
      .def_property(
          "decode_deadline",
          [](const Limits& l) { return l.decode_deadline.count() / 1000.0; },
          [](Limits& l, double seconds) {
            if (seconds <= 0) {
              check(invalid_argument_error(
                  "decode_deadline must be positive (seconds)"));
            }
            l.decode_deadline = std::chrono::milliseconds(
                static_cast<std::int64_t>(seconds * 1000));
          },
          "Wall-clock budget of one decode, in seconds.")
      .def("__repr__", [](const Limits& l) {
        return "Limits(max_pixels=" + std::to_string(l.max_pixels) +
               ", max_dimension=" + std::to_string(l.max_dimension) +
               ", max_file_bytes=" + std::to_string(l.max_file_bytes) +
               ", jpeg_max_scans=" + std::to_string(l.jpeg_max_scans) +
               ", fail_on='" + std::string(fail_on_name(l.fail_on)) + "'" +
               ", max_metadata_bytes=" + std::to_string(l.max_metadata_bytes) +
               ", max_frames=" + std::to_string(l.max_frames) +
               ", decode_deadline=" +
               std::to_string(l.decode_deadline.count() / 1000.0) + ")";
      });

  m.def(
      "set_log_sink",
      [](std::optional<py::typing::Callable<py::object(const std::string&,
                                                       const std::string&)>>
             fn) {
        if (fn) {
          set_log_sink(std::make_shared<PythonLogSink>(std::move(*fn)));
        } else {
          set_log_sink(nullptr);
        }
      },
      py::arg("sink"),
      "Route imagebank's log records to sink(level, message); None restores "
      "the stderr sink. The imagebank package installs a sink that forwards "
      "to the 'imagebank' logger of the logging module.");
  m.def(
      "set_log_level",
      [](const std::string& level) { set_log_level(parse_level(level)); },
      py::arg("level"),
      "Drop records below level: 'debug', 'info', 'warning' or 'error'.");
  m.def(
      "log_level", [] { return std::string(log_level_name(log_level())); },
      "The current minimum level.");
  // Private: a test hook for the sink (the library writes its own records).
  m.def(
      "_log",
      [](const std::string& level, const std::string& message) {
        const LogLevel parsed = parse_level(level);
        py::gil_scoped_release release;
        log(parsed, message);
      },
      py::arg("level"), py::arg("message"),
      "Write a record through imagebank's sink (as the library itself does).");

  m.def(
      "malloc_arenas_for_address_limit",
      [](std::uint64_t limit_bytes, unsigned cores) {
        return malloc_arenas_for_address_limit(limit_bytes, cores);
      },
      py::arg("limit_bytes"), py::arg("cores"),
      "How many malloc arenas a process limited to limit_bytes of address "
      "space should allow on cores cores so that the arenas' 64 MiB "
      "reservations take at most a quarter of the limit (at least 1), or 0 "
      "when glibc's default (8 per core) fits.");
  m.def("fit_malloc_to_address_limit", &fit_malloc_to_address_limit,
        "Cap glibc's malloc arenas to fit this process' RLIMIT_AS (ulimit "
        "-v), as malloc_arenas_for_address_limit() says. Returns the cap set, "
        "or 0 when nothing changed: no or a loose limit, not glibc, or "
        "MALLOC_ARENA_MAX / glibc.malloc.arena_max chosen by the user. The "
        "library never calls it; a program that runs under an address-space "
        "limit calls it before starting threads.");

  init_files(m);
}

}  // namespace imagebank::python
