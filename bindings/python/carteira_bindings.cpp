// read_carteira and the Carteira, CarteiraRow, CarteiraIssue and
// CarteiraLimits types.
#include <pybind11/stl.h>

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "imagebank/carteira/carteira.hpp"

namespace imagebank::python {
namespace {

// The canonical names as interned str, made once: a 100k-row workbook builds
// 1.5 million dict entries, and a fresh key string for each would double the
// cost of .fields.
const std::array<PyObject*, kFieldCount>& field_keys() {
  static const std::array<PyObject*, kFieldCount> kKeys = [] {
    std::array<PyObject*, kFieldCount> keys{};
    for (Field f : all_fields()) {
      // Leaked on purpose: interned names live as long as the interpreter.
      keys[static_cast<std::size_t>(f)] =
          PyUnicode_InternFromString(std::string(field_name(f)).c_str());
    }
    return keys;
  }();
  return kKeys;
}

// A new reference to the Python value, or nullptr with a Python error set.
// Straight to the C API: this runs 1.5 million times for a 100k-row file.
PyObject* to_python(const FieldValue& value) {
  struct Visitor {
    // Text is UTF-8 already; "replace" keeps a stray byte from raising.
    PyObject* operator()(const std::string& s) const {
      return PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()),
                                  "replace");
    }
    PyObject* operator()(std::int64_t n) const {
      return PyLong_FromLongLong(n);
    }
    PyObject* operator()(double d) const { return PyFloat_FromDouble(d); }
    PyObject* operator()(const Date& d) const {
      const std::string iso = d.iso();
      return PyUnicode_FromStringAndSize(iso.data(),
                                         static_cast<Py_ssize_t>(iso.size()));
    }
    PyObject* operator()(bool b) const { return PyBool_FromLong(b ? 1 : 0); }
  };
  return std::visit(Visitor{}, value);
}

// CarteiraRow.fields: canonical name -> typed value.
using FieldValues = py::typing::Dict<
    py::str, py::typing::Union<py::str, py::int_, py::float_, py::bool_>>;
// The to_dict() forms.
using Dict = py::typing::Dict<py::str, py::object>;

FieldValues fields_dict(const CarteiraRow& row) {
  FieldValues d;
  const auto& keys = field_keys();
  for (const auto& [field, value] : row.fields) {
    PyObject* v = to_python(value);
    if (v == nullptr ||
        PyDict_SetItem(d.ptr(), keys[static_cast<std::size_t>(field)], v) < 0) {
      Py_XDECREF(v);
      throw py::error_already_set();
    }
    Py_DECREF(v);
  }
  return d;
}

py::typing::Dict<py::str, py::str> extra_dict(const CarteiraRow& row) {
  py::typing::Dict<py::str, py::str> d;
  for (const auto& [header, text] : row.extra) d[py::str(header)] = text;
  return d;
}

Dict row_to_dict(const CarteiraRow& row) {
  Dict d;
  d["sheet"] = row.sheet;
  d["row"] = row.row;
  d["fields"] = fields_dict(row);
  d["extra"] = extra_dict(row);
  return d;
}

Dict issue_to_dict(const CarteiraIssue& issue) {
  Dict d;
  d["sheet"] = issue.sheet;
  d["row"] = issue.row;
  d["severity"] = std::string(severity_name(issue.severity));
  d["message"] = issue.message;
  return d;
}

std::string py_repr(const std::string& s) {
  return py::repr(py::str(s)).cast<std::string>();
}

bool is_path(const py::handle& obj) {
  return py::isinstance<py::str>(obj) || py::hasattr(obj, "__fspath__");
}

// A read-only, C-contiguous view of a buffer-protocol object.
class ByteView {
 public:
  explicit ByteView(const py::handle& obj) {
    if (PyObject_GetBuffer(obj.ptr(), &view_, PyBUF_SIMPLE) != 0) {
      PyErr_Clear();
      check(invalid_argument_error(
          "expected bytes, a contiguous buffer or a path, got " +
          std::string(py::str(py::type::handle_of(obj).attr("__name__")))));
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

Carteira read(const py::object& src, const std::optional<std::string>& name,
              const std::optional<std::vector<std::string>>& sheets,
              const std::optional<CarteiraLimits>& limits) {
  CarteiraOptions options;
  if (limits) options.limits = *limits;
  if (sheets) options.sheets = *sheets;
  std::optional<Result<Carteira>> result;
  if (is_path(src)) {
    const py::object fspath = py::module_::import("os").attr("fspath")(src);
    const std::string path = py::isinstance<py::bytes>(fspath)
                                 ? fspath.cast<std::string>()
                                 : py::str(fspath).cast<std::string>();
    py::gil_scoped_release release;
    result.emplace(read_carteira(std::filesystem::path(path), options));
  } else {
    ByteView view(src);
    const std::string label = name.value_or("<memory>");
    py::gil_scoped_release release;
    result.emplace(read_carteira(view.bytes(), label, options));
  }
  return unwrap(std::move(*result));
}

}  // namespace

void init_carteira(py::module_& m) {
  py::class_<CarteiraLimits>(
      m, "CarteiraLimits",
      "How large an untrusted Carteira may be before read_carteira refuses "
      "it (LimitExceededError).")
      .def(py::init([](std::uint64_t max_file_bytes,
                       std::uint64_t max_uncompressed_bytes,
                       std::uint32_t max_compression_ratio,
                       std::uint64_t max_rows, std::uint32_t max_columns,
                       std::uint32_t max_cell_bytes, std::uint32_t max_sheets) {
             CarteiraLimits l;
             l.max_file_bytes = max_file_bytes;
             l.max_uncompressed_bytes = max_uncompressed_bytes;
             l.max_compression_ratio = max_compression_ratio;
             l.max_rows = max_rows;
             l.max_columns = max_columns;
             l.max_cell_bytes = max_cell_bytes;
             l.max_sheets = max_sheets;
             return l;
           }),
           py::kw_only(),
           py::arg("max_file_bytes") = CarteiraLimits{}.max_file_bytes,
           py::arg("max_uncompressed_bytes") =
               CarteiraLimits{}.max_uncompressed_bytes,
           py::arg("max_compression_ratio") =
               CarteiraLimits{}.max_compression_ratio,
           py::arg("max_rows") = CarteiraLimits{}.max_rows,
           py::arg("max_columns") = CarteiraLimits{}.max_columns,
           py::arg("max_cell_bytes") = CarteiraLimits{}.max_cell_bytes,
           py::arg("max_sheets") = CarteiraLimits{}.max_sheets)
      .def_readwrite("max_file_bytes", &CarteiraLimits::max_file_bytes,
                     "Largest file accepted.")
      .def_readwrite("max_uncompressed_bytes",
                     &CarteiraLimits::max_uncompressed_bytes,
                     "Largest total of an .xlsx's parts once inflated.")
      .def_readwrite("max_compression_ratio",
                     &CarteiraLimits::max_compression_ratio,
                     "An .xlsx part inflating more than this many times its "
                     "compressed size (past its first MiB) is a zip bomb.")
      .def_readwrite("max_rows", &CarteiraLimits::max_rows,
                     "Rows read from the whole file.")
      .def_readwrite("max_columns", &CarteiraLimits::max_columns,
                     "Columns of one row.")
      .def_readwrite("max_cell_bytes", &CarteiraLimits::max_cell_bytes,
                     "Bytes of one cell's text.")
      .def_readwrite("max_sheets", &CarteiraLimits::max_sheets)
      .def("__repr__", [](const CarteiraLimits& l) {
        return "CarteiraLimits(max_file_bytes=" +
               std::to_string(l.max_file_bytes) + ", max_uncompressed_bytes=" +
               std::to_string(l.max_uncompressed_bytes) +
               ", max_compression_ratio=" +
               std::to_string(l.max_compression_ratio) +
               ", max_rows=" + std::to_string(l.max_rows) +
               ", max_columns=" + std::to_string(l.max_columns) +
               ", max_cell_bytes=" + std::to_string(l.max_cell_bytes) +
               ", max_sheets=" + std::to_string(l.max_sheets) + ")";
      });

  py::class_<CarteiraIssue>(
      m, "CarteiraIssue",
      "A problem found while reading a Carteira: never silent, never fatal "
      "for the other rows.")
      .def_readonly("sheet", &CarteiraIssue::sheet,
                    "The sheet it is about; '' for the whole file.")
      .def_readonly("row", &CarteiraIssue::row,
                    "1-based spreadsheet row; 0 when not about one row.")
      .def_property_readonly(
          "severity",
          [](const CarteiraIssue& i) {
            return std::string(severity_name(i.severity));
          },
          "'info' (nothing lost), 'warning' (check it) or 'error' (data "
          "lost: a row skipped).")
      .def_readonly("message", &CarteiraIssue::message)
      .def("to_dict", &issue_to_dict,
           "{'sheet', 'row', 'severity', 'message'}, as `imagebank carteira "
           "--json` prints it.")
      .def("__repr__", [](const CarteiraIssue& i) {
        return "CarteiraIssue(severity='" +
               std::string(severity_name(i.severity)) +
               "', sheet=" + py_repr(i.sheet) +
               ", row=" + std::to_string(i.row) +
               ", message=" + py_repr(i.message) + ")";
      });

  py::class_<CarteiraRow>(m, "CarteiraRow", "One product row of a Carteira.")
      .def_readonly("sheet", &CarteiraRow::sheet)
      .def_readonly("row", &CarteiraRow::row,
                    "1-based spreadsheet row (a CSV's record number).")
      .def_property_readonly(
          "sku", [](const CarteiraRow& r) { return r.sku(); },
          "The SKU exactly as written (trimmed; a numeric cell as digits).")
      .def_property_readonly(
          "fields", &fields_dict,
          "Canonical field name -> value, in canonical order, only the "
          "fields with a value: str for text, int for whole quantities, "
          "float for numbers, 'yyyy-mm-dd' for dates, bool for TRUE/FALSE "
          "cells. A numeric or date field that could not be read keeps its "
          "text (and an issue says so).")
      .def_property_readonly(
          "extra", &extra_dict,
          "The other columns: original header -> value as text, in column "
          "order.")
      .def("to_dict", &row_to_dict,
           "{'sheet', 'row', 'fields', 'extra'}, as `imagebank carteira "
           "--json` prints it.")
      .def("__repr__", [](const CarteiraRow& r) {
        return "CarteiraRow(sheet=" + py_repr(r.sheet) +
               ", row=" + std::to_string(r.row) + ", sku=" + py_repr(r.sku()) +
               ")";
      });

  py::class_<Carteira, std::shared_ptr<Carteira>>(
      m, "Carteira",
      "A Carteira de Compras read into typed rows, with the issues found.")
      .def_property_readonly(
          "rows",
          [](const py::object& self) {
            const auto& c = self.cast<const Carteira&>();
            py::typing::List<CarteiraRow> out(c.rows.size());
            for (std::size_t i = 0; i < c.rows.size(); ++i) {
              // Views into the Carteira, which they keep alive.
              out[i] =
                  py::cast(&c.rows[i],
                           py::return_value_policy::reference_internal, self);
            }
            return out;
          },
          "The rows in file order (sheet by sheet), one per SKU.")
      .def_property_readonly(
          "issues",
          [](const py::object& self) {
            const auto& c = self.cast<const Carteira&>();
            py::typing::List<CarteiraIssue> out(c.issues.size());
            for (std::size_t i = 0; i < c.issues.size(); ++i) {
              out[i] =
                  py::cast(&c.issues[i],
                           py::return_value_policy::reference_internal, self);
            }
            return out;
          },
          "Every issue, in the order found.")
      .def_readonly("sheets", &Carteira::sheets,
                    "The sheets read, in workbook order (skipped ones "
                    "included; an issue says why).")
      .def("skus", &Carteira::skus, "The SKUs in row order, each once.")
      .def("__len__", [](const Carteira& c) { return c.rows.size(); })
      .def(
          "to_dict",
          [](const Carteira& c) {
            py::typing::List<Dict> rows, issues;
            for (const CarteiraRow& r : c.rows) rows.append(row_to_dict(r));
            for (const CarteiraIssue& i : c.issues) {
              issues.append(issue_to_dict(i));
            }
            Dict d;
            d["sheets"] = c.sheets;
            d["rows"] = rows;
            d["issues"] = issues;
            return d;
          },
          "{'sheets', 'rows', 'issues'} of plain dicts and lists.")
      .def("__repr__", [](const Carteira& c) {
        std::string sheets;
        for (const std::string& s : c.sheets) {
          sheets += (sheets.empty() ? "" : ", ") + py_repr(s);
        }
        return "Carteira(rows=" + std::to_string(c.rows.size()) +
               ", issues=" + std::to_string(c.issues.size()) + ", sheets=[" +
               sheets + "])";
      });

  m.def(
      "read_carteira",
      [](const SourceArg& src, const std::optional<std::string>& name,
         const std::optional<std::vector<std::string>>& sheets,
         const std::optional<CarteiraLimits>& limits) {
        return std::make_shared<Carteira>(read(src, name, sheets, limits));
      },
      py::arg("src"), py::kw_only(), py::arg("name") = py::none(),
      py::arg("sheets") = py::none(), py::arg("limits") = py::none(),
      "Read a Carteira de Compras (.xlsx/.xlsm, LibreOffice .ods, legacy "
      ".xls, or CSV/TSV text in UTF-8, UTF-16 or Windows-1252 with ',', ';' "
      "or tab) into a Carteira.\n\n"
      "src is a path (str or os.PathLike) or the file's bytes (any "
      "contiguous buffer; name= names it in messages and gives a CSV's "
      "sheet name). The format comes from the content. sheets= reads only "
      "the sheets named (case and accents ignored). Each sheet's header is "
      "the first row among the first 20 with two recognised column names; "
      "see carteira_fields() for the canonical fields.\n\n"
      "Problems in the data are Carteira.issues. A file that cannot be read "
      "raises NotFoundError, IoError, CorruptDataError (truncated zip, "
      "malformed XML, damaged .xls), UnsupportedFormatError (.xlsb, a "
      "password, binary), LimitExceededError (past limits, a zip bomb, XML "
      "entities) or NotFoundError for a sheet that is not there. A legacy "
      ".xls is read by the helper program imagebank-xls-reader installed "
      "with the package, in a child process.");

  m.def(
      "carteira_fields",
      [] {
        std::vector<std::string> names;
        for (Field f : all_fields()) names.emplace_back(field_name(f));
        return names;
      },
      "The canonical field names of a CarteiraRow, in canonical order.");
}

}  // namespace imagebank::python
