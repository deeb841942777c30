// Lists of image URLs (ingest/url_list.hpp): UrlRow, UrlList,
// read_url_list, check_url_row, is_url_batch; and the outbound fetcher's
// address classifier (adapters/http/address_policy.hpp): classify_address,
// check_allow_host. Bank.ingest_urls / enqueue_urls are ingest_bindings.cpp's.
// Registered before init_ingest (whose signatures name UrlRow).
#include <pybind11/stl.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "bindings.hpp"
#include "imagebank/adapters/http/address_policy.hpp"
#include "imagebank/ingest/ingest.hpp"
#include "imagebank/ingest/url_list.hpp"

namespace imagebank::python {
namespace {

std::string py_repr(const std::string& s) {
  return py::repr(py::str(s)).cast<std::string>();
}

bool is_path(const py::handle& obj) {
  return py::isinstance<py::str>(obj) || py::hasattr(obj, "__fspath__");
}

// A read-only, C-contiguous view of a buffer-protocol object.
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

UrlList read_list(const SourceArg& src,
                  const std::optional<std::string>& name) {
  std::optional<Result<UrlList>> result;
  if (is_path(src)) {
    const py::object fspath = py::module_::import("os").attr("fspath")(src);
    const std::string path = py::isinstance<py::bytes>(fspath)
                                 ? fspath.cast<std::string>()
                                 : py::str(fspath).cast<std::string>();
    py::gil_scoped_release release;
    result.emplace(read_url_list(std::filesystem::path(path)));
  } else {
    BufferView view(src);
    const std::string label = name.value_or("<memory>");
    py::gil_scoped_release release;
    result.emplace(read_url_list(view.bytes(), label));
  }
  return unwrap(std::move(*result));
}

}  // namespace

void init_urls(py::module_& m) {
  py::class_<UrlRow>(m, "UrlRow",
                     "One row of an image URL list: the URL, the SKU it "
                     "files under ('' = read from the name by the SKU "
                     "grammar) and the file name the grammar parses ('' = "
                     "the URL path's last segment, filled in by "
                     "check_url_row).")
      .def(py::init([](std::string url, std::string sku, std::string name,
                       std::int64_t line) {
             return UrlRow{std::move(url), std::move(sku), std::move(name),
                           line};
           }),
           py::arg("url"), py::arg("sku") = "", py::arg("name") = "",
           py::arg("line") = 0)
      .def_readwrite("url", &UrlRow::url)
      .def_readwrite("sku", &UrlRow::sku)
      .def_readwrite("name", &UrlRow::name)
      .def_readwrite("line", &UrlRow::line,
                     "The row's record number in its file (0: made here).")
      .def("__eq__", eq_method<UrlRow>(), py::arg("other"))
      .def("__repr__", [](const UrlRow& r) {
        return "UrlRow(url=" + py_repr(r.url) + ", sku=" + py_repr(r.sku) +
               ", name=" + py_repr(r.name) +
               ", line=" + std::to_string(r.line) + ")";
      });
  py::class_<UrlList>(m, "UrlList",
                      "A URL list as read: its good rows, one problem per "
                      "skipped row ('<file>: row <n>: <reason>'), and the "
                      "headers found ('' when the list had no header row).")
      .def_readonly("rows", &UrlList::rows)
      .def_readonly("problems", &UrlList::problems)
      .def_readonly("url_header", &UrlList::url_header)
      .def_readonly("sku_header", &UrlList::sku_header)
      .def_readonly("name_header", &UrlList::name_header)
      .def("__repr__", [](const UrlList& l) {
        return "UrlList(rows=" + std::to_string(l.rows.size()) +
               ", problems=" + std::to_string(l.problems.size()) + ")";
      });

  m.def("read_url_list", &read_list, py::arg("src"), py::kw_only(),
        py::arg("name") = py::none(),
        "Reads a CSV/TSV list of image URLs (url[, sku][, name]; UTF-8, "
        "UTF-16 or Windows-1252, delimiter detected, RFC 4180 quoting) into "
        "a UrlList. src is a path (str or os.PathLike) or the file's bytes "
        "(name= names them in messages). The header row is the first of "
        "the first 20 with a URL column ('url', 'URL da imagem', 'link', "
        "'imagem', 'foto', 'image', 'photo'; SKU: 'sku', 'referência', "
        "'ref', 'código'; name: 'nome', 'arquivo', 'name', 'file', "
        "'filename'); without one every row is data. Bad rows (no URL, not "
        "http/https, over 2,048 bytes, a control character, a SKU over 64 "
        "bytes, a bad name, a URL listed twice) are skipped and reported in "
        "problems. Raises NotFoundError / IoError (cannot be read), "
        "UnsupportedFormatError (binary), LimitExceededError (over 64 MiB or "
        "1,000,000 rows), InvalidArgumentError (no row has a URL).");
  m.def(
      "check_url_row",
      [](UrlRow row) { return unwrap(check_url_row(std::move(row))); },
      py::arg("row"),
      "The row as a URL list keeps it: the URL checked (http or https, at "
      "most 2,048 bytes, no spaces at its ends or control characters), the "
      "name made from the URL path when empty and cleaned as an upload's "
      "name, the SKU trimmed. InvalidArgumentError with the reason "
      "otherwise.");
  m.def(
      "is_url_batch", [](const Batch& b) { return is_url_batch(b); },
      py::arg("batch"),
      "Whether the batch's files are fetched from URLs (a URL list's part: "
      "its source starts with 'urls:').");

  m.def(
      "classify_address",
      [](const std::string& address) {
        const http::IpAddress ip = unwrap(http::parse_ip_address(address));
        return std::string(
            http::address_class_name(http::classify_address(ip)));
      },
      py::arg("address"),
      "The class of an IP address as the URL fetcher's policy sees it: "
      "'public', 'loopback', 'private', 'link-local' (169.254.169.254, the "
      "cloud metadata service), 'multicast', 'unspecified' or 'reserved'. "
      "An IPv6 address that carries an IPv4 one (::ffff:a.b.c.d, "
      "::a.b.c.d, 64:ff9b::/96, 2002::/16) is classed by the IPv4 "
      "address. Only the public class is fetched from a host not in "
      "allow_hosts. InvalidArgumentError for anything but an IPv4 or IPv6 "
      "literal (no brackets, no zone).");
  m.def(
      "check_allow_host",
      [](const std::string& entry) { check(http::validate_allow_host(entry)); },
      py::arg("entry"),
      "Checks an allow_hosts entry: 'host' (any port) or 'host:port' "
      "('[::1]:8080' for IPv6), the host as URLs spell it. "
      "InvalidArgumentError for anything else.");
}

}  // namespace imagebank::python
