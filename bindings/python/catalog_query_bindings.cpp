// The catalog's browsing queries: CatalogStore.query_products (products by
// filters, with their photo counts, a page at a time) and
// CatalogStore.near_duplicates_to_review (the pairs a person has yet to
// decide on, with both photos). Calls release the GIL.
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "catalog_bindings.hpp"
#include "imagebank/catalog/catalog_store.hpp"

namespace imagebank::python {
namespace {

void bind_types(py::module_& m) {
  py::class_<ViewPhotos>(m, "ViewPhotos",
                         "How many photos (linked, not rejected) of one view "
                         "a product has; view is '' for photos without one.")
      .def_readonly("view", &ViewPhotos::view)
      .def_readonly("photos", &ViewPhotos::photos)
      .def("__eq__", eq_method<ViewPhotos>(), py::arg("other"))
      .def("__repr__", [](const ViewPhotos& v) {
        return "ViewPhotos(view=" +
               py::repr(py::str(v.view)).cast<std::string>() +
               ", photos=" + std::to_string(v.photos) + ")";
      });
  py::class_<ProductSummary>(
      m, "ProductSummary",
      "A product with its photo counts: photos (linked, not rejected, any "
      "view) and views (per view, by name).")
      .def_readonly("product", &ProductSummary::product)
      .def_readonly("photos", &ProductSummary::photos)
      .def_readonly("views", &ProductSummary::views)
      .def("__repr__", [](const ProductSummary& s) {
        return "ProductSummary(sku=" +
               py::repr(py::str(s.product.sku)).cast<std::string>() +
               ", photos=" + std::to_string(s.photos) + ")";
      });
  py::class_<NearDuplicatePair>(
      m, "NearDuplicatePair",
      "A near-duplicate pair with both photos as stored: image is "
      "pair.image_id (the newer photo), other is pair.other_image_id.")
      .def_readonly("pair", &NearDuplicatePair::pair)
      .def_readonly("image", &NearDuplicatePair::image)
      .def_readonly("other", &NearDuplicatePair::other)
      .def("__repr__", [](const NearDuplicatePair& p) {
        return "NearDuplicatePair(image_id=" + std::to_string(p.pair.image_id) +
               ", other_image_id=" + std::to_string(p.pair.other_image_id) +
               ", distance=" + std::to_string(p.pair.distance) + ")";
      });
  bind_page_iterator<ProductSummary>(m, "ProductSummaryIterator");
}

}  // namespace

void init_catalog_queries(py::module_& m) {
  bind_types(m);
  py::class_<CatalogStore, std::shared_ptr<CatalogStore>> store(
      m.attr("CatalogStore"));
  store
      .def(
          "query_products",
          [](const std::shared_ptr<CatalogStore>& s,
             std::optional<RowId> collection_id, std::optional<RowId> brand_id,
             std::optional<std::string> sku_prefix,
             std::optional<bool> has_photo,
             std::optional<std::string> missing_view, RowId after_id,
             std::size_t page_size) {
            ProductQuery q;
            q.collection_id = collection_id;
            q.brand_id = brand_id;
            q.sku_prefix = std::move(sku_prefix);
            q.has_photo = has_photo;
            q.missing_view = std::move(missing_view);
            // A bad page size raises here, not at the first next().
            if (page_size == 0 || page_size > 10000) {
              check(invalid_argument_error("page_size must be 1..10000, not " +
                                           std::to_string(page_size)));
            }
            q.limit = page_size;
            return PageIterator<ProductSummary>(
                [s, q](RowId after) mutable {
                  q.after_id = after;
                  return s->query_products(q);
                },
                after_id);
          },
          py::kw_only(), py::arg("collection_id") = py::none(),
          py::arg("brand_id") = py::none(), py::arg("sku_prefix") = py::none(),
          py::arg("has_photo") = py::none(),
          py::arg("missing_view") = py::none(), py::arg("after_id") = 0,
          py::arg("page_size") = 1000,
          "Iterates over the products the filters select (combined with AND; "
          "None = any), in id order, a page at a time, each a ProductSummary "
          "with its photo counts. sku_prefix: SKUs starting with it "
          "(case-sensitive); has_photo: with at least one photo (linked, not "
          "rejected) or none; missing_view: without a photo of that view.")
      .def(
          "near_duplicates_to_review",
          [](CatalogStore& c, std::optional<RowId> collection_id,
             RowId after_image_id, std::size_t limit) {
            return released<std::vector<NearDuplicatePair>>([&] {
              return c.near_duplicates_to_review(collection_id, after_image_id,
                                                 limit);
            });
          },
          py::arg("collection_id") = py::none(), py::arg("after_image_id") = 0,
          py::arg("limit") = 1000,
          "The near-duplicate pairs a person has yet to decide on (neither "
          "photo rejected, not both approved), of one collection (either "
          "photo in it) or all, by image id. A page holds every pair of its "
          "last image: pass that image_id back as after_image_id.");
}

}  // namespace imagebank::python
