// Cross-SKU conflicts in Python: ConflictFinding (what ingest hands the
// store with a job), SkuConflict and ConflictResolved, the CatalogStore's
// list_conflicts / get_conflict / resolve_conflict and the Bank's conflicts
// / resolve_conflict. Kinds and states are their stored names as str
// ("exact", "near"; "open", "relinked", "discarded", "dismissed"); an action
// is named by its verb ("relink", "discard", "dismiss"). Registered after
// init_bank (it adds methods to the CatalogStore and Bank classes); the
// types are registered by init_conflict_types before init_jobs, whose
// JobOutcome and JobInsert hold ConflictFindings. Calls
// release the GIL.
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "catalog_bindings.hpp"
#include "imagebank/bank/bank.hpp"

namespace imagebank::python {
namespace {

ConflictKind kind_from(const std::string& name) {
  return unwrap(parse_conflict_kind(name));
}

ConflictResolution resolution_of(const std::string& action,
                                 const std::string& sku,
                                 std::optional<RowId> image,
                                 const std::string& reviewer) {
  ConflictResolution r;
  if (action == "relink") {
    r.action = ConflictState::kRelinked;
  } else if (action == "discard") {
    r.action = ConflictState::kDiscarded;
  } else if (action == "dismiss") {
    r.action = ConflictState::kDismissed;
  } else {
    check(invalid_argument_error("action '" + action +
                                 "' is not relink, discard or dismiss"));
  }
  r.sku = sku;
  r.discard_image_id = image;
  r.actor = reviewer;
  return r;
}

}  // namespace

void init_conflict_types(py::module_& m) {
  py::class_<ConflictFinding>(
      m, "ConflictFinding",
      "What ingest found for one file before the store knows its ids: the "
      "file (named `sku`) is (kind 'exact') or looks like (kind 'near', at "
      "pHash `distance`) the stored image image_id, filed under another SKU.")
      .def(py::init([](const std::string& kind, RowId image_id, std::string sku,
                       int distance) {
             return ConflictFinding{kind_from(kind), image_id, std::move(sku),
                                    distance};
           }),
           py::arg("kind"), py::arg("image_id"), py::arg("sku"),
           py::arg("distance") = 0)
      .def_property(
          "kind",
          [](const ConflictFinding& f) {
            return std::string(conflict_kind_name(f.kind));
          },
          [](ConflictFinding& f, const std::string& k) {
            f.kind = kind_from(k);
          })
      .def_readwrite("image_id", &ConflictFinding::image_id)
      .def_readwrite("sku", &ConflictFinding::sku)
      .def_readwrite("distance", &ConflictFinding::distance)
      .def("__eq__", eq_method<ConflictFinding>(), py::arg("other"));

  py::class_<SkuConflict>(
      m, "SkuConflict",
      "A photo filed under two SKUs. image_* is the photo already in the "
      "bank (image_id None once discarded); other_* the file that arrived "
      "later (other_image_id None for an exact conflict: its bytes were not "
      "stored again). kind: 'exact' or 'near'; state: 'open', 'relinked', "
      "'discarded' or 'dismissed'.")
      .def_readonly("id", &SkuConflict::id)
      .def_property_readonly("kind",
                             [](const SkuConflict& c) {
                               return std::string(conflict_kind_name(c.kind));
                             })
      .def_readonly("image_id", &SkuConflict::image_id)
      .def_readonly("image_name", &SkuConflict::image_name)
      .def_readonly("image_sku", &SkuConflict::image_sku)
      .def_readonly("other_image_id", &SkuConflict::other_image_id)
      .def_readonly("other_name", &SkuConflict::other_name)
      .def_readonly("other_sku", &SkuConflict::other_sku)
      .def_readonly("batch_id", &SkuConflict::batch_id)
      .def_readonly("job_id", &SkuConflict::job_id)
      .def_readonly("collection_id", &SkuConflict::collection_id)
      .def_readonly("distance", &SkuConflict::distance)
      .def_property_readonly("state",
                             [](const SkuConflict& c) {
                               return std::string(conflict_state_name(c.state));
                             })
      .def_readonly("resolved_by", &SkuConflict::resolved_by)
      .def_readonly("resolved_sku", &SkuConflict::resolved_sku)
      .def_readonly("resolved_ms", &SkuConflict::resolved_ms)
      .def_readonly("created_ms", &SkuConflict::created_ms)
      .def("__eq__", eq_method<SkuConflict>(), py::arg("other"))
      .def("__repr__", [](const SkuConflict& c) {
        return "SkuConflict(id=" + std::to_string(c.id) + ", kind='" +
               std::string(conflict_kind_name(c.kind)) + "', " +
               py::repr(py::str(c.other_name)).cast<std::string>() + " (" +
               py::repr(py::str(c.other_sku)).cast<std::string>() + ") vs " +
               py::repr(py::str(c.image_name)).cast<std::string>() + " (" +
               py::repr(py::str(c.image_sku)).cast<std::string>() +
               "), state='" + std::string(conflict_state_name(c.state)) + "')";
      });

  py::class_<ConflictResolved>(
      m, "ConflictResolved",
      "What resolving did: the conflict as it now stands; for a discard, "
      "the removed image and its objects' keys.")
      .def_readonly("conflict", &ConflictResolved::conflict)
      .def_readonly("discarded", &ConflictResolved::discarded)
      .def_readonly("discarded_blob_keys",
                    &ConflictResolved::discarded_blob_keys);
  bind_page_iterator<SkuConflict>(m, "SkuConflictIterator");
}

namespace {

#define IMAGEBANK_RESOLVE_DOC                                               \
  "Ends an open conflict. action 'relink': every stored photo of it moves " \
  "to `sku` (linked to that product of its collection); 'discard': the "    \
  "wrongly filed photo is removed (`image_id`, or the later photo); "       \
  "'dismiss': a legitimate shared photo, nothing moves. Raises "            \
  "NotFoundError, ConflictError (not open) or InvalidArgumentError."

}  // namespace

void init_conflicts(py::module_& m) {
  py::class_<CatalogStore, std::shared_ptr<CatalogStore>> store(
      m.attr("CatalogStore"));
  store
      .def(
          "list_conflicts",
          [](CatalogStore& c, bool open_only,
             std::optional<RowId> collection_id, std::optional<RowId> batch_id,
             RowId after_id, std::size_t limit) {
            ConflictQuery q;
            q.open_only = open_only;
            q.collection_id = collection_id;
            q.batch_id = batch_id;
            q.after_id = after_id;
            q.limit = limit;
            auto page = released<Page<SkuConflict>>(
                [&] { return c.list_conflicts(q); });
            return py::make_tuple(std::move(page.items), page.next_after);
          },
          py::kw_only(), py::arg("open_only") = true,
          py::arg("collection_id") = py::none(),
          py::arg("batch_id") = py::none(), py::arg("after_id") = 0,
          py::arg("limit") = 100,
          "One page of cross-SKU conflicts by id: (conflicts, next_after); "
          "next_after 0 on the last page.")
      .def(
          "get_conflict",
          [](CatalogStore& c, RowId id) {
            return released<SkuConflict>([&] { return c.get_conflict(id); });
          },
          py::arg("id"))
      .def(
          "resolve_conflict",
          [](CatalogStore& c, RowId id, const std::string& action,
             const std::string& sku, std::optional<RowId> image_id,
             const std::string& reviewer) {
            const ConflictResolution r =
                resolution_of(action, sku, image_id, reviewer);
            return released<ConflictResolved>(
                [&] { return c.resolve_conflict(id, r); });
          },
          py::arg("id"), py::arg("action"), py::kw_only(), py::arg("sku") = "",
          py::arg("image_id") = py::none(), py::arg("reviewer"),
          IMAGEBANK_RESOLVE_DOC
          " The store removes rows only: Bank.resolve_conflict also deletes "
          "the objects.");

  py::class_<Bank, std::shared_ptr<Bank>> bank(m.attr("Bank"));
  bank.def(
          "conflicts",
          [](const std::shared_ptr<Bank>& b, bool open_only,
             std::optional<std::string> collection,
             std::optional<RowId> batch_id, std::size_t page_size) {
            if (page_size == 0 || page_size > 10000) {
              check(invalid_argument_error("page_size must be 1..10000, not " +
                                           std::to_string(page_size)));
            }
            ConflictListOptions o;
            o.open_only = open_only;
            o.collection = std::move(collection);
            o.batch_id = batch_id;
            o.limit = page_size;
            // An unknown collection raises here, not at the first next().
            released<Page<SkuConflict>>([&] {
              ConflictListOptions probe = o;
              probe.limit = 1;
              return b->conflicts(probe);
            });
            return PageIterator<SkuConflict>([b, o](RowId after) mutable {
              o.after_id = after;
              return b->conflicts(o);
            });
          },
          py::kw_only(), py::arg("open_only") = true,
          py::arg("collection") = py::none(), py::arg("batch_id") = py::none(),
          py::arg("page_size") = 1000,
          "Iterates over the cross-SKU conflicts (a photo filed under two "
          "SKUs) by id: the open ones, or all; of one collection (by name) or "
          "batch.")
      .def(
          "resolve_conflict",
          [](Bank& b, RowId id, const std::string& action,
             const std::string& sku, std::optional<RowId> image_id,
             const std::string& reviewer) {
            const ConflictResolution r =
                resolution_of(action, sku, image_id, reviewer);
            return released<ConflictResolved>(
                [&] { return b.resolve_conflict(id, r); });
          },
          py::arg("id"), py::arg("action"), py::kw_only(), py::arg("sku") = "",
          py::arg("image_id") = py::none(), py::arg("reviewer"),
          IMAGEBANK_RESOLVE_DOC
          " A discard also deletes the photo's objects from the blob "
          "store.");
}

}  // namespace imagebank::python
