// The integrity check: check_bank and Bank.check (imagebank/bank/check.hpp)
// with CheckReport and CheckProblem, and the catalog reads it merges with the
// store's listings (CatalogStore.image_blobs, job_sha256s, check_database,
// with BlobRef and ImageBlobs). The check runs with the GIL released and
// stops on Ctrl-C or when its progress callback raises (stoppable.hpp).
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <atomic>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "catalog_bindings.hpp"
#include "imagebank/bank/bank.hpp"
#include "imagebank/bank/check.hpp"
#include "stoppable.hpp"

namespace imagebank::python {
namespace {

using CheckProgressArg = py::typing::Callable<py::object(const CheckReport&)>;

CheckReport run_check(CatalogStore& catalog, BlobStore& blobs,
                      bool verify_content, bool database,
                      bool thorough_database, bool delete_orphans, double grace,
                      std::size_t max_named,
                      const std::optional<CheckProgressArg>& progress) {
  if (!std::isfinite(grace) || grace < 0) {
    throw_status(invalid_argument_error(
        "check: grace must be a number of seconds >= 0"));
  }
  CheckOptions options;
  options.verify_content = verify_content;
  options.database = database;
  options.thorough_database = thorough_database;
  options.delete_orphans = delete_orphans;
  options.grace = std::chrono::seconds(std::llround(grace));
  options.max_named = max_named;
  std::atomic<bool> stop{false};
  StopState state;
  state.stop = [&stop] { stop = true; };
  options.stop = &stop;
  if (progress) {
    options.progress = [&](const CheckReport& r) {
      py::gil_scoped_acquire gil;
      if (state.error) return;
      try {
        (*progress)(r);
      } catch (...) {
        state.fail(std::current_exception());
      }
    };
  }
  return run_stoppable<CheckReport>(
      state, [&] { return check_bank(catalog, blobs, options); }, "check");
}

constexpr const char* kCheckDoc =
    "The integrity check: every object the catalog's image rows name (each "
    "original and variant) is in the store at the recorded size, and no "
    "object under originals/ or variants/ is named by no row and no job "
    "(an orphan). One pass in SHA-256 order over the rows and the store's "
    "listing, in bounded memory. verify_content also reads every object "
    "(originals must hash to their SHA-256, variants' headers must give "
    "their width and height); database runs the engine's own check "
    "(SQLite quick_check, integrity_check when thorough_database, and "
    "foreign_key_check); delete_orphans removes the orphans. Unreferenced "
    "objects younger than grace seconds (an ingest may be about to name "
    "them) are counted apart and never deleted: give 0 only when nothing "
    "writes to the bank. progress(report) is called after each 1000 images; "
    "Ctrl-C or a progress callback that raises stops the check.";

}  // namespace

void init_check(py::module_& m) {
  py::class_<BlobRef>(m, "BlobRef",
                      "An object a catalog row names, with the size (and "
                      "for a picture the width and height) it records.")
      .def_readonly("key", &BlobRef::key)
      .def_readonly("bytes", &BlobRef::bytes)
      .def_readonly("width", &BlobRef::width)
      .def_readonly("height", &BlobRef::height)
      .def("__repr__", [](const BlobRef& b) {
        return "BlobRef(" + py::repr(py::str(b.key)).cast<std::string>() +
               ", bytes=" + std::to_string(b.bytes) + ")";
      });
  py::class_<ImageBlobs>(m, "ImageBlobs",
                         "The objects one image row names: its original and "
                         "its variants (in key order).")
      .def_readonly("id", &ImageBlobs::id)
      .def_readonly("sha256", &ImageBlobs::sha256)
      .def_readonly("original", &ImageBlobs::original)
      .def_readonly("variants", &ImageBlobs::variants)
      .def("__repr__", [](const ImageBlobs& b) {
        return "ImageBlobs(id=" + std::to_string(b.id) + ", sha256='" +
               b.sha256 + "', variants=" + std::to_string(b.variants.size()) +
               ")";
      });
  py::class_<CheckProblem>(m, "CheckProblem",
                           "One object the integrity check found wrong.")
      .def_readonly("kind", &CheckProblem::kind,
                    "'missing', 'size_mismatch', 'content_mismatch', "
                    "'unreadable' or 'orphan'.")
      .def_readonly("key", &CheckProblem::key)
      .def_readonly("detail", &CheckProblem::detail)
      .def("__repr__", [](const CheckProblem& p) {
        return "CheckProblem(" + p.kind + " " +
               py::repr(py::str(p.key)).cast<std::string>() + ": " +
               py::repr(py::str(p.detail)).cast<std::string>() + ")";
      });
  py::class_<CheckReport>(m, "CheckReport",
                          "What an integrity check found (counts, the "
                          "engine's findings, the first problems by name).")
      .def_readonly("images", &CheckReport::images)
      .def_readonly("variants", &CheckReport::variants)
      .def_readonly("objects", &CheckReport::objects)
      .def_readonly("missing", &CheckReport::missing)
      .def_readonly("size_mismatches", &CheckReport::size_mismatches)
      .def_readonly("content_mismatches", &CheckReport::content_mismatches)
      .def_readonly("unreadable", &CheckReport::unreadable)
      .def_readonly("orphans", &CheckReport::orphans)
      .def_readonly("orphan_bytes", &CheckReport::orphan_bytes)
      .def_readonly("orphans_deleted", &CheckReport::orphans_deleted)
      .def_readonly("recent_unreferenced", &CheckReport::recent_unreferenced)
      .def_readonly("held_by_jobs", &CheckReport::held_by_jobs)
      .def_readonly("database", &CheckReport::database,
                    "The engine's findings, one line each ([]: consistent); "
                    "None when not run or not available (PostgreSQL).")
      .def_readonly("problems", &CheckReport::problems)
      .def_property_readonly("clean", &CheckReport::clean,
                             "Nothing missing, mismatched or unreadable, no "
                             "database finding, no orphan left.")
      .def("__repr__", [](const CheckReport& r) {
        return "CheckReport(images=" + std::to_string(r.images) +
               ", objects=" + std::to_string(r.objects) +
               ", missing=" + std::to_string(r.missing) +
               ", orphans=" + std::to_string(r.orphans) +
               ", clean=" + (r.clean() ? "True" : "False") + ")";
      });

  py::class_<CatalogStore, std::shared_ptr<CatalogStore>> store(
      m.attr("CatalogStore"));
  store
      .def(
          "image_blobs",
          [](CatalogStore& c, const std::string& after_sha256,
             std::size_t limit) {
            return released<std::vector<ImageBlobs>>(
                [&] { return c.image_blobs(after_sha256, limit); });
          },
          py::arg("after_sha256") = "", py::arg("limit") = 1000,
          "Up to limit (1..10000) images with sha256 > after_sha256, in "
          "sha256 order, each with the keys and sizes of its original and "
          "variants: what the integrity check walks.")
      .def(
          "job_sha256s",
          [](CatalogStore& c, const std::vector<std::string>& sha256s) {
            return released<std::vector<std::string>>(
                [&] { return c.job_sha256s(sha256s); });
          },
          py::arg("sha256s"),
          "Those of sha256s (at most 1000, lowercase hex) that some job "
          "names, in any state, sorted.")
      .def(
          "check_database",
          [](CatalogStore& c, bool thorough) {
            return released<std::optional<std::vector<std::string>>>(
                [&] { return c.check_database(thorough); });
          },
          py::kw_only(), py::arg("thorough") = false,
          "The engine's own consistency check, one line per problem ([]: "
          "consistent): SQLite quick_check (integrity_check when thorough) "
          "and foreign_key_check. None for PostgreSQL.");

  m.def(
      "check_bank",
      [](CatalogStore& catalog, BlobStore& blobs, bool verify_content,
         bool database, bool thorough_database, bool delete_orphans,
         double grace, std::size_t max_named,
         const std::optional<CheckProgressArg>& progress) {
        return run_check(catalog, blobs, verify_content, database,
                         thorough_database, delete_orphans, grace, max_named,
                         progress);
      },
      py::arg("catalog"), py::arg("blobs"), py::kw_only(),
      py::arg("verify_content") = false, py::arg("database") = true,
      py::arg("thorough_database") = false, py::arg("delete_orphans") = false,
      py::arg("grace") = 3600.0, py::arg("max_named") = 1000,
      py::arg("progress") = py::none(), kCheckDoc);

  py::class_<Bank, std::shared_ptr<Bank>> bank(m.attr("Bank"));
  bank.def(
      "check",
      [](Bank& b, bool verify_content, bool database, bool thorough_database,
         bool delete_orphans, double grace, std::size_t max_named,
         const std::optional<CheckProgressArg>& progress) {
        return run_check(b.catalog(), b.blobs(), verify_content, database,
                         thorough_database, delete_orphans, grace, max_named,
                         progress);
      },
      py::kw_only(), py::arg("verify_content") = false,
      py::arg("database") = true, py::arg("thorough_database") = false,
      py::arg("delete_orphans") = false, py::arg("grace") = 3600.0,
      py::arg("max_named") = 1000, py::arg("progress") = py::none(), kCheckDoc);
}

}  // namespace imagebank::python
