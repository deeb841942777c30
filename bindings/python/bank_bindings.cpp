// imagebank.Bank: the facade (a catalog database — its CatalogStore and
// JobQueue — and a BlobStore opened from URIs), its reports as lists and
// iterators (a batch's review among them), and the URI openers.
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "catalog_bindings.hpp"
#include "imagebank/bank/bank.hpp"

namespace imagebank::python {
namespace {

using ImagePages = PageIterator<ImageRecord>;
using ProductPages = PageIterator<Product>;

}  // namespace

ImagePages image_iterator(std::shared_ptr<CatalogStore> store,
                          ImageQuery query) {
  if (query.limit == 0 || query.limit > 10000) {
    check(invalid_argument_error("page_size must be 1..10000"));
  }
  return ImagePages([store = std::move(store), query](RowId after) mutable {
    query.after_id = after;
    return store->list_images(query);
  });
}

ProductPages missing_photo_iterator(std::shared_ptr<CatalogStore> store,
                                    std::optional<RowId> collection_id,
                                    std::size_t page_size) {
  if (page_size == 0 || page_size > 100000) {
    check(invalid_argument_error("page_size must be 1..100000"));
  }
  return ProductPages(
      [store = std::move(store), collection_id, page_size](RowId after) {
        return store->products_without_photos(collection_id, after, page_size);
      });
}

void init_bank(py::module_& m) {
  py::class_<NamedNearDuplicate>(
      m, "NamedNearDuplicate",
      "A near duplicate of a batch's photo with the names of both photos.")
      .def_readonly("pair", &NamedNearDuplicate::pair,
                    "pair.image_id is the batch's photo.")
      .def_readonly("image_name", &NamedNearDuplicate::image_name)
      .def_readonly("other_name", &NamedNearDuplicate::other_name,
                    "The photo it looks like.")
      .def("__repr__", [](const NamedNearDuplicate& n) {
        return "NamedNearDuplicate(" +
               py::repr(py::str(n.image_name)).cast<std::string>() + " ~ " +
               py::repr(py::str(n.other_name)).cast<std::string>() +
               ", distance=" + std::to_string(n.pair.distance) + ")";
      });
  py::class_<BatchReview>(m, "BatchReview",
                          "What needs a person's eye after a batch.")
      .def_readonly("batch_id", &BatchReview::batch_id)
      .def_readonly("unmatched", &BatchReview::unmatched,
                    "Photos of the batch matched to no product.")
      .def_readonly("near_duplicate_count", &BatchReview::near_duplicate_count,
                    "Near duplicates flagged for the batch's photos.")
      .def_readonly("near_duplicates", &BatchReview::near_duplicates,
                    "The first max_named of them, by image id.")
      .def_readonly("conflict_count", &BatchReview::conflict_count,
                    "Cross-SKU conflicts the batch's files brought.")
      .def_readonly("conflicts", &BatchReview::conflicts,
                    "The first max_named of them (SkuConflict), by id.")
      .def_readonly("failed_count", &BatchReview::failed_count,
                    "How many jobs of the batch failed (files and analyses).")
      .def_readonly("failed", &BatchReview::failed,
                    "The first max_named failed jobs, by id, each with its "
                    "error (jobs.list_jobs pages through the rest).")
      .def("__repr__", [](const BatchReview& r) {
        return "BatchReview(batch_id=" + std::to_string(r.batch_id) +
               ", unmatched=" + std::to_string(r.unmatched) +
               ", near_duplicate_count=" +
               std::to_string(r.near_duplicate_count) +
               ", failed=" + std::to_string(r.failed.size()) + ")";
      });

  m.def(
      "open_catalog_store",
      [](const std::string& uri) {
        return std::shared_ptr<CatalogDatabase>(
            released<std::unique_ptr<CatalogDatabase>>(
                [&] { return open_catalog_store(uri); }));
      },
      py::arg("uri"),
      "Opens sqlite:///abs/path.db or postgresql://user@host:port/db.");
  m.def(
      "open_blob_store",
      [](const std::string& uri) {
        return std::shared_ptr<BlobStore>(released<std::unique_ptr<BlobStore>>(
            [&] { return open_blob_store(uri); }));
      },
      py::arg("uri"),
      "Opens file:///abs/path, s3://bucket/prefix?... or memory:.");
  m.def("default_required_views", &default_required_views);

  py::class_<Bank, std::shared_ptr<Bank>>(
      m, "Bank",
      "An image bank: its catalog (SQLite or PostgreSQL) and its files (local "
      "disk or S3). Thread-safe; calls release the GIL.")
      .def_static(
          "open",
          [](std::optional<std::string> db, std::optional<std::string> storage,
             const FsPath& dir, std::size_t pool_size) {
            BankOptions options;
            options.sql.pool_size = pool_size;
            return std::shared_ptr<Bank>(released<std::unique_ptr<Bank>>([&] {
              return Bank::open(db.value_or(""), storage.value_or(""), options,
                                dir);
            }));
          },
          py::arg("db") = py::none(), py::arg("storage") = py::none(),
          py::kw_only(),
          py::arg_v("dir", FsPath(kDefaultBankDir), "'imagebank-data'"),
          py::arg("pool_size") = SqlStoreOptions{}.pool_size,
          "Opens a bank. With no URI, the defaults inside `dir`: bank.db "
          "(SQLite) "
          "and files/ (local disk).")
      .def_property_readonly("catalog", &Bank::catalog_ptr)
      .def_property_readonly("jobs", &Bank::jobs_ptr,
                             "The ingest queue: batches, jobs, leases.")
      .def_property_readonly("blobs", &Bank::blobs_ptr)
      .def_property_readonly("api_keys", &Bank::api_keys_ptr,
                             "The server's API keys (stored in the catalog).")
      .def(
          "import_carteira",
          [](Bank& b, const FsPath& file, const std::string& brand,
             const std::string& collection, const std::string& season,
             const std::vector<std::string>& sheets) {
            CarteiraImportOptions o;
            o.brand = brand;
            o.collection = collection;
            o.season = season;
            o.read.sheets = sheets;
            return released<CarteiraImportResult>(
                       [&] { return b.import_carteira(file, o); })
                .record;
          },
          py::arg("file"), py::kw_only(), py::arg("brand"),
          py::arg("collection"), py::arg("season") = "",
          py::arg("sheets") = std::vector<std::string>{},
          "Reads a Carteira file and upserts its products into the collection.")
      .def(
          "collection",
          [](Bank& b, const std::string& name) {
            return released<Collection>([&] { return b.collection(name); });
          },
          py::arg("name"))
      .def(
          "list_collections",
          [](Bank& b) {
            return released<std::vector<Collection>>(
                [&] { return b.collections(); });
          },
          "Every collection, by id.")
      .def(
          "review",
          [](Bank& b, RowId batch_id, std::size_t max_named) {
            return released<BatchReview>(
                [&] { return b.review(batch_id, max_named); });
          },
          py::arg("batch_id"), py::arg("max_named") = 1000,
          "What needs a person's eye after a batch: photos matched to no "
          "product, near duplicates (the first max_named with the names of "
          "both photos), cross-SKU conflicts and failed jobs (each counted, "
          "the first max_named listed).")
      .def(
          "coverage",
          [](Bank& b, std::optional<std::string> collection,
             std::optional<std::vector<std::string>> views) {
            return released<std::vector<Coverage>>([&] {
              return b.coverage(collection,
                                views.value_or(default_required_views()));
            });
          },
          py::arg("collection") = py::none(),
          py::arg("required_views") = py::none())
      .def(
          "missing_photos",
          [](const std::shared_ptr<Bank>& b,
             std::optional<std::string> collection, std::size_t page_size) {
            std::optional<RowId> id;
            if (collection) {
              id = released<Collection>([&] {
                     return b->collection(*collection);
                   }).id;
            }
            return missing_photo_iterator(b->catalog_ptr(), id, page_size);
          },
          py::arg("collection") = py::none(), py::arg("page_size") = 1000,
          "Iterates over the products without a photo (SKUs sem foto).")
      .def(
          "status_counts",
          [](Bank& b, std::optional<std::string> collection) {
            return released<std::vector<ImageCount>>(
                [&] { return b.status_counts(collection); });
          },
          py::arg("collection") = py::none())
      .def(
          "images",
          [](const std::shared_ptr<Bank>& b,
             std::optional<std::string> sku_base,
             std::optional<std::string> collection,
             std::optional<std::string> status, std::optional<RowId> batch_id,
             std::optional<bool> linked, std::size_t page_size) {
            ImageQuery q;
            q.sku_base = std::move(sku_base);
            if (collection) {
              q.collection_id = released<Collection>([&] {
                                  return b->collection(*collection);
                                }).id;
            }
            q.status = status_from_optional(status);
            q.batch_id = batch_id;
            q.linked = linked;
            q.limit = page_size;
            return image_iterator(b->catalog_ptr(), q);
          },
          py::kw_only(), py::arg("sku_base") = py::none(),
          py::arg("collection") = py::none(), py::arg("status") = py::none(),
          py::arg("batch_id") = py::none(), py::arg("linked") = py::none(),
          py::arg("page_size") = 1000,
          "Iterates over the matching images in id order. linked: True = only "
          "images linked to a product, False = only unlinked ones.");
}

}  // namespace imagebank::python
