// Catalog exports: Bank.export (export_catalog of imagebank/bank/export.hpp
// into a file or a binary stream), ExportReport, and the catalog reads an
// export pages through (CatalogStore.images_of_products,
// latest_ai_analyses, photo_views). The export runs with the GIL released
// and stops on Ctrl-C (stoppable.hpp).
#include <pybind11/functional.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bindings.hpp"
#include "catalog_bindings.hpp"
#include "imagebank/bank/bank.hpp"
#include "imagebank/bank/export.hpp"
#include "stoppable.hpp"
#include "type_hints.hpp"

namespace imagebank::python {
namespace {

using ExportOutputArg = Typed<"str | os.PathLike[str] | typing.BinaryIO">;
using ExportProgressArg =
    py::typing::Callable<py::object(const ExportProgress&)>;

ExportReport run_export(Bank& bank, const ExportOutputArg& output,
                        ExportOptions options,
                        const std::optional<ExportProgressArg>& progress) {
  std::atomic<bool> stop{false};
  StopState state;
  state.stop = [&stop] { stop = true; };
  options.stop = &stop;
  if (progress) {
    options.progress = [&](const ExportProgress& p) {
      py::gil_scoped_acquire gil;
      if (state.error) return;
      try {
        (*progress)(p);
      } catch (...) {
        state.fail(std::current_exception());
      }
    };
  }
  const bool stream = py::hasattr(output, "write") &&
                      !py::isinstance<py::str>(output) &&
                      !py::hasattr(output, "__fspath__");
  if (!stream) {
    const std::filesystem::path file =
        py::module_::import("os").attr("fspath")(output).cast<std::string>();
    return run_stoppable<ExportReport>(
        state, [&] { return export_catalog(bank.catalog(), options, file); },
        "export");
  }
  py::object write = output.attr("write");
  ExportSink sink = [&](std::string_view chunk) -> Status {
    py::gil_scoped_acquire gil;
    if (state.error) return unavailable_error("export stopped");
    try {
      write(py::bytes(chunk.data(), chunk.size()));
    } catch (...) {
      state.fail(std::current_exception());
      return io_error("export: the output's write() raised");
    }
    return Status();
  };
  return run_stoppable<ExportReport>(
      state, [&] { return export_catalog(bank.catalog(), options, sink); },
      "export");
}

using Keys = std::vector<std::pair<std::string, std::string>>;

// The options both Bank methods take (format parsed by the caller).
ExportOptions options_from(
    ExportFormat format, std::optional<std::string> collection,
    std::optional<std::string> brand, std::string url_base,
    std::string url_size, const Keys& signing_keys, std::int64_t url_expires,
    std::vector<std::string> required_views, std::vector<std::string> columns,
    const std::string& csv_delimiter, bool bom, std::size_t page_size) {
  ExportOptions o;
  o.format = format;
  o.collection = std::move(collection);
  o.brand = std::move(brand);
  o.url_base = std::move(url_base);
  o.url_size = std::move(url_size);
  for (const auto& [id, secret] : signing_keys) {
    o.signing_keys.push_back({id, secret});
  }
  o.url_expires_unix_s = url_expires;
  o.required_views = std::move(required_views);
  o.columns = std::move(columns);
  if (csv_delimiter == "\t" || csv_delimiter == "tab") {
    o.csv_delimiter = '\t';
  } else if (csv_delimiter.size() == 1) {
    o.csv_delimiter = csv_delimiter[0];
  } else {
    check(invalid_argument_error(
        "csv_delimiter: one of ',', ';' or a tab, not '" + csv_delimiter +
        "'"));
  }
  o.csv_bom = bom;
  o.page_size = page_size;
  return o;
}

}  // namespace

void init_catalog_export(py::module_& m) {
  py::class_<ExportProgress>(m, "ExportProgress",
                             "How far an export is: rows and their images "
                             "written so far.")
      .def_readonly("products", &ExportProgress::products)
      .def_readonly("images", &ExportProgress::images)
      .def_readonly("elapsed_seconds", &ExportProgress::elapsed_seconds);
  py::class_<ExportReport>(m, "ExportReport", "What an export wrote.")
      .def_property_readonly("format",
                             [](const ExportReport& r) {
                               return std::string(export_format_name(r.format));
                             })
      .def_readonly("products", &ExportReport::products)
      .def_readonly("images", &ExportReport::images)
      .def_readonly("analysed", &ExportReport::analysed,
                    "Products whose AI columns are filled.")
      .def_readonly("bytes", &ExportReport::bytes)
      .def_readonly("columns", &ExportReport::columns,
                    "The header of a csv or xlsx export.")
      .def_readonly("elapsed_seconds", &ExportReport::elapsed_seconds)
      .def("__repr__", [](const ExportReport& r) {
        return "ExportReport(format='" +
               std::string(export_format_name(r.format)) +
               "', products=" + std::to_string(r.products) +
               ", images=" + std::to_string(r.images) +
               ", bytes=" + std::to_string(r.bytes) + ")";
      });
  py::class_<PhotoViews>(m, "PhotoViews",
                         "The views the photos of a scope show, by name ('' "
                         "for photos without one), and whether any of them "
                         "has a successful analysis.")
      .def_readonly("views", &PhotoViews::views)
      .def_readonly("analysed", &PhotoViews::analysed)
      .def("__eq__", eq_method<PhotoViews>(), py::arg("other"));

  py::class_<CatalogStore, std::shared_ptr<CatalogStore>> store(
      m.attr("CatalogStore"));
  store
      .def(
          "images_of_products",
          [](CatalogStore& c, const std::vector<RowId>& product_ids) {
            return released<std::vector<ImageRecord>>(
                [&] { return c.images_of_products(product_ids); });
          },
          py::arg("product_ids"),
          "The images linked to these products (1..10000 ids), rejected "
          "ones included, by product id, then view, sequence and image id.")
      .def(
          "latest_ai_analyses",
          [](CatalogStore& c, const std::vector<RowId>& image_ids) {
            return released<std::vector<AiAnalysis>>(
                [&] { return c.latest_ai_analyses(image_ids); });
          },
          py::arg("image_ids"),
          "The newest successful whole-photo analysis of each of these "
          "images that has one (1..10000 ids), by image id.")
      .def(
          "photo_views",
          [](CatalogStore& c, std::optional<RowId> collection_id,
             std::optional<RowId> brand_id) {
            return released<PhotoViews>(
                [&] { return c.photo_views(collection_id, brand_id); });
          },
          py::arg("collection_id") = py::none(),
          py::arg("brand_id") = py::none(),
          "The views of the photos (linked, not rejected) of the products "
          "of a collection and/or brand, and whether any was analysed.");

  py::class_<Bank, std::shared_ptr<Bank>> bank(m.attr("Bank"));
  bank.def(
      "export",
      [](Bank& b, const ExportOutputArg& output,
         std::optional<std::string> format,
         std::optional<std::string> collection,
         std::optional<std::string> brand, std::string url_base,
         std::string url_size,
         const std::vector<std::pair<std::string, std::string>>& signing_keys,
         std::int64_t url_expires, std::vector<std::string> required_views,
         std::vector<std::string> columns, const std::string& csv_delimiter,
         bool bom, std::size_t page_size,
         const std::optional<ExportProgressArg>& progress) {
        std::string name;
        if (format) {
          name = *format;
        } else if (!py::hasattr(output, "write") ||
                   py::hasattr(output, "__fspath__") ||
                   py::isinstance<py::str>(output)) {
          // From the file's suffix.
          const std::filesystem::path file = py::module_::import("os")
                                                 .attr("fspath")(output)
                                                 .cast<std::string>();
          name = file.extension().string();
          if (!name.empty()) name.erase(0, 1);
        }
        if (name.empty()) {
          check(invalid_argument_error(
              "export: say format= (csv, xlsx or jsonl) for a stream or a "
              "file without a suffix"));
        }
        ExportOptions o = options_from(
            unwrap(parse_export_format(name)), std::move(collection),
            std::move(brand), std::move(url_base), std::move(url_size),
            signing_keys, url_expires, std::move(required_views),
            std::move(columns), csv_delimiter, bom, page_size);
        return run_export(b, output, std::move(o), progress);
      },
      py::arg("output"), py::kw_only(), py::arg("format") = py::none(),
      py::arg("collection") = py::none(), py::arg("brand") = py::none(),
      py::arg("url_base") = "", py::arg("url_size") = "original",
      py::arg("signing_keys") =
          std::vector<std::pair<std::string, std::string>>{},
      py::arg("url_expires") = 0,
      py::arg("required_views") = std::vector<std::string>{},
      py::arg("columns") = std::vector<std::string>{},
      py::arg("csv_delimiter") = ",", py::arg("bom") = false,
      py::arg("page_size") = 500, py::arg("progress") = py::none(),
      "Exports one row per product (Carteira fields, photos per view, "
      "coverage, image statuses, AI attributes when analysed, image URLs) "
      "as csv, xlsx or jsonl (format=, else the file's suffix) into a file "
      "(written whole or not at all) or a binary stream, a page of products "
      "at a time. Image URLs are url_base + '/images/<id>?size=<url_size>', "
      "signed with signing_keys [(id, secret)] until url_expires (Unix "
      "seconds) when given. Ctrl-C or a progress callback that raises "
      "stops it.");
  bank.def(
      "validate_export",
      [](Bank& b, const std::string& format,
         std::optional<std::string> collection,
         std::optional<std::string> brand, std::string url_base,
         std::string url_size, const Keys& signing_keys,
         std::int64_t url_expires, std::vector<std::string> required_views,
         std::vector<std::string> columns, const std::string& csv_delimiter,
         std::size_t page_size) {
        ExportOptions o = options_from(
            unwrap(parse_export_format(format)), std::move(collection),
            std::move(brand), std::move(url_base), std::move(url_size),
            signing_keys, url_expires, std::move(required_views),
            std::move(columns), csv_delimiter, false, page_size);
        Status s;
        {
          py::gil_scoped_release release;
          s = validate_export(b.catalog(), o);
        }
        check(s);
      },
      py::kw_only(), py::arg("format") = "csv",
      py::arg("collection") = py::none(), py::arg("brand") = py::none(),
      py::arg("url_base") = "", py::arg("url_size") = "original",
      py::arg("signing_keys") = Keys{}, py::arg("url_expires") = 0,
      py::arg("required_views") = std::vector<std::string>{},
      py::arg("columns") = std::vector<std::string>{},
      py::arg("csv_delimiter") = ",", py::arg("page_size") = 500,
      "Raises what Bank.export would raise before writing (a bad option, an "
      "unknown collection or brand) and writes nothing.");
}

}  // namespace imagebank::python
