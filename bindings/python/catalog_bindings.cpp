// The catalog's domain types, imagebank.CatalogStore, and the classes of
// the SQL databases (CatalogDatabase: a CatalogStore and a JobQueue, whose
// methods jobs_bindings.cpp adds). Statuses are the strings of the C++
// names ("pending", "approved", ...). Every call to a store releases the
// GIL.
#include "catalog_bindings.hpp"

#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "imagebank/adapters/sql_catalog_store.hpp"
#include "imagebank/catalog/catalog_database.hpp"
#include "imagebank/catalog/catalog_store.hpp"

namespace imagebank::python {

ImageStatus status_from_str(const std::string& name) {
  return unwrap(parse_image_status(name));
}

std::optional<ImageStatus> status_from_optional(
    const std::optional<std::string>& name) {
  if (!name) return std::nullopt;
  return status_from_str(*name);
}

namespace {

void bind_types(py::module_& m) {
  py::class_<Brand>(m, "Brand", "A brand (created on first use).")
      .def_readonly("id", &Brand::id)
      .def_readonly("name", &Brand::name)
      .def_readonly("created_ms", &Brand::created_ms)
      .def("__repr__", [](const Brand& b) {
        return "Brand(id=" + std::to_string(b.id) +
               ", name=" + py::repr(py::str(b.name)).cast<std::string>() + ")";
      });
  py::class_<Collection>(m, "Collection", "A season's collection of one brand.")
      .def_readonly("id", &Collection::id)
      .def_readonly("brand_id", &Collection::brand_id)
      .def_readonly("name", &Collection::name)
      .def_readonly("season", &Collection::season)
      .def_readonly("created_ms", &Collection::created_ms)
      .def("__repr__", [](const Collection& c) {
        return "Collection(id=" + std::to_string(c.id) +
               ", name=" + py::repr(py::str(c.name)).cast<std::string>() + ")";
      });
  py::class_<CarteiraFields> fields(
      m, "CarteiraFields", "A product's Carteira fields, as imported text.");
  fields.def(py::init<>());
  for (const CarteiraFieldMember& f : kCarteiraFieldTable) {
    fields.def_readwrite(std::string(f.name).c_str(), f.member);
  }
  fields.def("__eq__", eq_method<CarteiraFields>(), py::arg("other"));
  py::class_<Product>(m, "Product", "One SKU of a collection.")
      .def_readonly("id", &Product::id)
      .def_readonly("collection_id", &Product::collection_id)
      .def_readonly("sku", &Product::sku)
      .def_readonly("sku_base", &Product::sku_base)
      .def_readonly("fields", &Product::fields)
      .def_readonly("extra", &Product::extra)
      .def_readonly("carteira_import_id", &Product::carteira_import_id)
      .def_readonly("created_ms", &Product::created_ms)
      .def_readonly("updated_ms", &Product::updated_ms)
      .def("__repr__", [](const Product& p) {
        return "Product(id=" + std::to_string(p.id) +
               ", sku=" + py::repr(py::str(p.sku)).cast<std::string>() + ")";
      });
  py::class_<ImageRecord>(m, "ImageRecord",
                          "An image of the catalog (its row, not its pixels).")
      .def(py::init<>())
      .def_readwrite("id", &ImageRecord::id)
      .def_readwrite("sha256", &ImageRecord::sha256)
      .def_readwrite("phash", &ImageRecord::phash)
      .def_readwrite("dhash", &ImageRecord::dhash)
      .def_property(
          "pdq",
          [](const ImageRecord& r) {
            return py::bytes(reinterpret_cast<const char*>(r.pdq.data()),
                             r.pdq.size());
          },
          [](ImageRecord& r, const py::bytes& b) {
            const std::string s = b;
            if (s.size() != r.pdq.size()) {
              check(invalid_argument_error("pdq must be 32 bytes"));
            }
            std::copy(s.begin(), s.end(), r.pdq.begin());
          })
      .def_readwrite("pdq_quality", &ImageRecord::pdq_quality)
      .def_readwrite("decode_tolerance", &ImageRecord::decode_tolerance,
                     "What the decoding policy let through in the original "
                     "(e.g. 'jpeg_extraneous_bytes'); empty for a clean file.")
      .def_readwrite("width", &ImageRecord::width)
      .def_readwrite("height", &ImageRecord::height)
      .def_readwrite("format", &ImageRecord::format)
      .def_readwrite("bytes", &ImageRecord::bytes)
      .def_readwrite("original_name", &ImageRecord::original_name)
      .def_readwrite("sku_base", &ImageRecord::sku_base)
      .def_readwrite("sequence", &ImageRecord::sequence)
      .def_readwrite("view", &ImageRecord::view)
      .def_readwrite("product_id", &ImageRecord::product_id)
      .def_readwrite("collection_id", &ImageRecord::collection_id)
      .def_readwrite("batch_id", &ImageRecord::batch_id)
      .def_readwrite("blob_key", &ImageRecord::blob_key)
      .def_property(
          "status",
          [](const ImageRecord& r) {
            return std::string(image_status_name(r.status));
          },
          [](ImageRecord& r, const std::string& s) {
            r.status = status_from_str(s);
          })
      .def_readonly("created_ms", &ImageRecord::created_ms)
      .def_readonly("updated_ms", &ImageRecord::updated_ms)
      .def("__repr__", [](const ImageRecord& r) {
        return "ImageRecord(id=" + std::to_string(r.id) + ", sha256='" +
               r.sha256.substr(0, 12) + "...', status='" +
               std::string(image_status_name(r.status)) + "')";
      });
  py::class_<VariantRecord>(m, "VariantRecord",
                            "A stored rendition of an image.")
      .def(py::init([](const std::string& preset, const std::string& format,
                       std::uint32_t width, std::uint32_t height,
                       std::uint64_t bytes, const std::string& blob_key) {
             return VariantRecord{0,      preset, format,  width,
                                  height, bytes,  blob_key};
           }),
           py::arg("preset"), py::arg("format"), py::arg("width"),
           py::arg("height"), py::arg("bytes"), py::arg("blob_key"))
      .def_readonly("image_id", &VariantRecord::image_id)
      .def_readonly("preset", &VariantRecord::preset)
      .def_readonly("format", &VariantRecord::format)
      .def_readonly("width", &VariantRecord::width)
      .def_readonly("height", &VariantRecord::height)
      .def_readonly("bytes", &VariantRecord::bytes)
      .def_readonly("blob_key", &VariantRecord::blob_key);
  py::class_<ImageItem>(m, "ImageItem",
                        "One of up to 4 pieces detected in a photo.")
      .def(py::init<>())
      .def_readonly("id", &ImageItem::id)
      .def_readonly("image_id", &ImageItem::image_id)
      .def_readwrite("position", &ImageItem::position)
      .def_readwrite("label", &ImageItem::label)
      .def_readwrite("box", &ImageItem::box)
      .def_readwrite("attributes", &ImageItem::attributes);
  py::class_<VisionColor>(m, "VisionColor",
                          "A colour: its pt-BR name, hex and share.")
      .def(py::init([](std::string name, std::string hex, double share) {
             return VisionColor{std::move(name), std::move(hex), share};
           }),
           py::arg("name"), py::arg("hex") = "", py::arg("share") = 0.0)
      .def_readwrite("name", &VisionColor::name)
      .def_readwrite("hex", &VisionColor::hex)
      .def_readwrite("share", &VisionColor::share)
      .def("__eq__", eq_method<VisionColor>())
      .def("__repr__", [](const VisionColor& c) {
        return "VisionColor(" + c.name + ", " + c.hex + ", " +
               std::to_string(c.share) + ")";
      });

  py::class_<PhotoQuality>(m, "PhotoQuality",
                           "What a pixel analyzer measured of the photo.")
      .def(py::init<>())
      .def_readwrite("background_hex", &PhotoQuality::background_hex)
      .def_readwrite("white_border_share", &PhotoQuality::white_border_share)
      .def_readwrite("border_uniformity", &PhotoQuality::border_uniformity)
      .def_readwrite("white_background", &PhotoQuality::white_background)
      .def_readwrite("foreground_share", &PhotoQuality::foreground_share)
      .def_readwrite("sharpness", &PhotoQuality::sharpness)
      .def_readwrite("clipped_highlights", &PhotoQuality::clipped_highlights)
      .def_readwrite("clipped_shadows", &PhotoQuality::clipped_shadows)
      .def("__eq__", eq_method<PhotoQuality>());

  py::class_<AiAnalysis>(
      m, "AiAnalysis",
      "What a vision service said; kept apart from Carteira fields.")
      .def(py::init<>())
      .def_readonly("id", &AiAnalysis::id)
      .def_readwrite("image_id", &AiAnalysis::image_id)
      .def_readwrite("item_position", &AiAnalysis::item_position)
      .def_readwrite("description", &AiAnalysis::description)
      .def_readwrite("tags", &AiAnalysis::tags)
      .def_readwrite("color", &AiAnalysis::color)
      .def_readwrite("material", &AiAnalysis::material)
      .def_readwrite("confidence", &AiAnalysis::confidence)
      .def_readwrite("provider", &AiAnalysis::provider)
      .def_readwrite("model", &AiAnalysis::model)
      .def_readwrite("raw_json", &AiAnalysis::raw_json)
      .def_readonly("created_ms", &AiAnalysis::created_ms)
      .def_readwrite("sha256", &AiAnalysis::sha256)
      .def_readwrite("schema_version", &AiAnalysis::schema_version)
      .def_readwrite("garment_type", &AiAnalysis::garment_type)
      .def_readwrite("style", &AiAnalysis::style)
      .def_readwrite("colors", &AiAnalysis::colors)
      .def_readwrite("input_tokens", &AiAnalysis::input_tokens)
      .def_readwrite("output_tokens", &AiAnalysis::output_tokens)
      .def_readwrite("quality", &AiAnalysis::quality)
      .def_readwrite("blurhash", &AiAnalysis::blurhash)
      .def_property(
          "error", [](const AiAnalysis& a) { return error_instance(a.error); },
          [](AiAnalysis& a, const std::optional<ErrorObject>& e) {
            a.error = e ? status_of(*e) : Status();
          },
          "None for an answer; the failure (an imagebank.Error) for a failed "
          "attempt.");
  py::class_<AnalysisKey>(m, "AnalysisKey",
                          "Whose analysis: provider, model, schema version.")
      .def(py::init(
               [](std::string provider, std::string model, int schema_version) {
                 return AnalysisKey{std::move(provider), std::move(model),
                                    schema_version};
               }),
           py::arg("provider"), py::arg("model"), py::arg("schema_version"))
      .def_readwrite("provider", &AnalysisKey::provider)
      .def_readwrite("model", &AnalysisKey::model)
      .def_readwrite("schema_version", &AnalysisKey::schema_version)
      .def("__eq__", eq_method<AnalysisKey>());
  py::class_<SkuHistory>(m, "SkuHistory",
                         "One SKU change of an image or product.")
      .def_property_readonly("subject",
                             [](const SkuHistory& h) {
                               return std::string(sku_subject_name(h.subject));
                             })
      .def_readonly("subject_id", &SkuHistory::subject_id)
      .def_readonly("old_sku", &SkuHistory::old_sku)
      .def_readonly("new_sku", &SkuHistory::new_sku)
      .def_readonly("actor", &SkuHistory::actor)
      .def_readonly("reason", &SkuHistory::reason)
      .def_readonly("at_ms", &SkuHistory::at_ms);
  py::class_<CarteiraImport>(m, "CarteiraImport",
                             "A Carteira import, as recorded.")
      .def_readonly("id", &CarteiraImport::id)
      .def_readonly("collection_id", &CarteiraImport::collection_id)
      .def_readonly("file", &CarteiraImport::file)
      .def_readonly("sheets", &CarteiraImport::sheets)
      .def_readonly("rows", &CarteiraImport::rows)
      .def_readonly("issues", &CarteiraImport::issues)
      .def_readonly("products_created", &CarteiraImport::products_created)
      .def_readonly("products_updated", &CarteiraImport::products_updated)
      .def_readonly("imported_ms", &CarteiraImport::imported_ms);
  py::class_<ViewCoverage>(m, "ViewCoverage")
      .def_readonly("view", &ViewCoverage::view)
      .def_readonly("products_with_view", &ViewCoverage::products_with_view);
  py::class_<Coverage>(m, "Coverage", "Photo coverage of one collection.")
      .def_readonly("collection_id", &Coverage::collection_id)
      .def_readonly("brand", &Coverage::brand)
      .def_readonly("collection", &Coverage::collection)
      .def_readonly("products", &Coverage::products)
      .def_readonly("products_with_photo", &Coverage::products_with_photo)
      .def_readonly("views", &Coverage::views);
  py::class_<ImageCount>(m, "ImageCount",
                         "Images of one brand/collection/status.")
      .def_readonly("brand", &ImageCount::brand)
      .def_readonly("collection", &ImageCount::collection)
      .def_property_readonly("status",
                             [](const ImageCount& c) {
                               return std::string(image_status_name(c.status));
                             })
      .def_readonly("images", &ImageCount::images);
  py::class_<ImageInsert>(m, "ImageInsert")
      .def_readonly("image", &ImageInsert::image)
      .def_readonly("duplicate", &ImageInsert::duplicate);
  py::class_<ProductUpsert>(m, "ProductUpsert",
                            "One product of a Carteira import.")
      .def(py::init([](const std::string& sku, const std::string& sku_base,
                       const CarteiraFields& fields,
                       const std::map<std::string, std::string>& extra) {
             return ProductUpsert{sku, sku_base, fields, extra};
           }),
           py::arg("sku"), py::arg("sku_base") = "",
           py::arg_v("fields", CarteiraFields(), "CarteiraFields()"),
           py::arg("extra") = std::map<std::string, std::string>())
      .def_readwrite("sku", &ProductUpsert::sku)
      .def_readwrite("sku_base", &ProductUpsert::sku_base)
      .def_readwrite("fields", &ProductUpsert::fields)
      .def_readwrite("extra", &ProductUpsert::extra);
}

}  // namespace

void init_catalog(py::module_& m) {
  bind_types(m);
  // Before the methods that return them, so that their signatures name
  // them (Bank's use them too).
  bind_page_iterator<ImageRecord>(m, "ImageIterator");
  bind_page_iterator<Product>(m, "ProductIterator");
  m.def(
      "is_allowed_transition",
      [](const std::string& from, const std::string& to) {
        return is_allowed_transition(status_from_str(from),
                                     status_from_str(to));
      },
      py::arg("from_status"), py::arg("to_status"),
      "Whether the review workflow allows going from one status to another.");
  m.def("latest_catalog_schema_version", &latest_catalog_schema_version);

  py::class_<CatalogStore, std::shared_ptr<CatalogStore>> store(
      m, "CatalogStore",
      "The catalog's rows, in SQLite or PostgreSQL. Thread-safe; every call "
      "is one transaction and releases the GIL.");
  py::class_<JobQueue, std::shared_ptr<JobQueue>>(
      m, "JobQueue",
      "The ingest queue: batches, their jobs and the leases workers hold. "
      "Thread-safe; every call is one transaction and releases the GIL.");
  py::class_<CatalogDatabase, CatalogStore, JobQueue,
             std::shared_ptr<CatalogDatabase>>(
      m, "CatalogDatabase",
      "A SQL database holding both the catalog (CatalogStore) and its ingest "
      "queue (JobQueue): what open_sqlite_catalog and open_postgresql_catalog "
      "return.");
  store.def_property_readonly("uri", &CatalogStore::uri)
      .def("schema_version",
           [](CatalogStore& s) {
             return released<int>([&] { return s.schema_version(); });
           })
      .def(
          "upsert_brand",
          [](CatalogStore& s, const std::string& name) {
            return released<Brand>([&] { return s.upsert_brand(name); });
          },
          py::arg("name"))
      .def(
          "upsert_collection",
          [](CatalogStore& s, RowId brand_id, const std::string& name,
             const std::string& season) {
            return released<Collection>(
                [&] { return s.upsert_collection(brand_id, name, season); });
          },
          py::arg("brand_id"), py::arg("name"), py::arg("season") = "")
      .def("brands",
           [](CatalogStore& s) {
             return released<std::vector<Brand>>([&] { return s.brands(); });
           })
      .def(
          "list_collections",
          [](CatalogStore& s, std::optional<RowId> brand_id) {
            return released<std::vector<Collection>>(
                [&] { return s.collections(brand_id); });
          },
          py::arg("brand_id") = py::none())
      .def(
          "find_collection",
          [](CatalogStore& s, const std::string& name) {
            return released<Collection>(
                [&] { return s.find_collection(name); });
          },
          py::arg("name"))
      .def(
          "import_products",
          [](CatalogStore& s, RowId collection_id,
             std::vector<ProductUpsert> products, const std::string& file,
             const std::string& actor) {
            CarteiraImportRequest request;
            request.collection_id = collection_id;
            request.file = file;
            request.rows = static_cast<std::int64_t>(products.size());
            request.products = std::move(products);
            request.actor = actor;
            return released<CarteiraImport>(
                [&] { return s.import_products(request); });
          },
          py::arg("collection_id"), py::arg("products"), py::arg("file") = "",
          py::arg("actor") = "carteira-import")
      .def(
          "get_product",
          [](CatalogStore& s, RowId id) {
            return released<Product>([&] { return s.get_product(id); });
          },
          py::arg("id"))
      .def(
          "find_product",
          [](CatalogStore& s, RowId collection_id, const std::string& sku) {
            return released<Product>(
                [&] { return s.find_product(collection_id, sku); });
          },
          py::arg("collection_id"), py::arg("sku"))
      .def(
          "products_by_sku_base",
          [](CatalogStore& s, RowId collection_id,
             const std::string& sku_base) {
            return released<std::vector<Product>>([&] {
              return s.products_by_sku_base(collection_id, sku_base);
            });
          },
          py::arg("collection_id"), py::arg("sku_base"))
      .def(
          "carteira_imports",
          [](CatalogStore& s, RowId collection_id) {
            return released<std::vector<CarteiraImport>>(
                [&] { return s.carteira_imports(collection_id); });
          },
          py::arg("collection_id"))
      .def(
          "products_without_photos",
          [](const std::shared_ptr<CatalogStore>& s,
             std::optional<RowId> collection_id, std::size_t page_size) {
            return missing_photo_iterator(s, collection_id, page_size);
          },
          py::arg("collection_id") = py::none(), py::arg("page_size") = 1000,
          "Iterates over the products without a photo (no linked image that is "
          "not rejected).")
      .def(
          "rename_product",
          [](CatalogStore& s, RowId id, const std::string& sku,
             const std::string& actor, const std::string& reason) {
            return released<Product>(
                [&] { return s.rename_product(id, sku, actor, reason); });
          },
          py::arg("product_id"), py::arg("new_sku"), py::arg("actor"),
          py::arg("reason") = "")
      .def(
          "insert_image",
          [](CatalogStore& s, const ImageRecord& image) {
            return released<ImageInsert>([&] { return s.insert_image(image); });
          },
          py::arg("image"))
      .def(
          "insert_images",
          [](CatalogStore& s, const std::vector<ImageRecord>& images) {
            return released<std::vector<ImageInsert>>(
                [&] { return s.insert_images(images); });
          },
          py::arg("images"))
      .def(
          "get_image",
          [](CatalogStore& s, RowId id) {
            return released<ImageRecord>([&] { return s.get_image(id); });
          },
          py::arg("id"))
      .def(
          "find_image_by_sha256",
          [](CatalogStore& s, const std::string& sha) {
            return released<ImageRecord>(
                [&] { return s.find_image_by_sha256(sha); });
          },
          py::arg("sha256"))
      .def(
          "link_image",
          [](CatalogStore& s, RowId image_id, std::optional<RowId> product_id,
             const std::string& actor, const std::string& reason) {
            return released<ImageRecord>([&] {
              return s.link_image(image_id, product_id, actor, reason);
            });
          },
          py::arg("image_id"), py::arg("product_id"), py::arg("actor"),
          py::arg("reason") = "")
      .def(
          "set_image_status",
          [](CatalogStore& s, RowId image_id, const std::string& status) {
            const ImageStatus to = status_from_str(status);
            return released<ImageRecord>(
                [&] { return s.set_image_status(image_id, to); });
          },
          py::arg("image_id"), py::arg("status"))
      .def(
          "list_images",
          [](const std::shared_ptr<CatalogStore>& s,
             std::optional<std::string> sku_base,
             std::optional<RowId> collection_id,
             std::optional<RowId> product_id, std::optional<std::string> status,
             std::optional<RowId> batch_id, std::optional<bool> linked,
             std::optional<RowId> brand_id, std::optional<bool> near_duplicate,
             std::optional<AnalysisKey> missing_analysis,
             std::size_t page_size) {
            ImageQuery q;
            q.sku_base = std::move(sku_base);
            q.collection_id = collection_id;
            q.product_id = product_id;
            q.status = status_from_optional(status);
            q.batch_id = batch_id;
            q.linked = linked;
            q.brand_id = brand_id;
            q.near_duplicate = near_duplicate;
            q.missing_analysis = std::move(missing_analysis);
            q.limit = page_size;
            return image_iterator(s, q);
          },
          py::kw_only(), py::arg("sku_base") = py::none(),
          py::arg("collection_id") = py::none(),
          py::arg("product_id") = py::none(), py::arg("status") = py::none(),
          py::arg("batch_id") = py::none(), py::arg("linked") = py::none(),
          py::arg("brand_id") = py::none(),
          py::arg("near_duplicate") = py::none(),
          py::arg("missing_analysis") = py::none(), py::arg("page_size") = 1000,
          "Iterates over the matching images in id order, a page at a time. "
          "linked: True = only images linked to a product, False = only "
          "unlinked ones (waiting for reconciliation). brand_id: images of "
          "the brand's collections. near_duplicate: True = images in a "
          "near-duplicate pair (either side), False = in none. "
          "missing_analysis: images with no successful whole-photo analysis "
          "by that AnalysisKey.")
      .def(
          "put_variants",
          [](CatalogStore& s, RowId image_id,
             const std::vector<VariantRecord>& v) {
            Status status;
            {
              py::gil_scoped_release release;
              status = s.put_variants(image_id, v);
            }
            check(status);
          },
          py::arg("image_id"), py::arg("variants"))
      .def(
          "variants",
          [](CatalogStore& s, RowId image_id) {
            return released<std::vector<VariantRecord>>(
                [&] { return s.variants(image_id); });
          },
          py::arg("image_id"))
      .def(
          "put_image_items",
          [](CatalogStore& s, RowId image_id,
             const std::vector<ImageItem>& items) {
            return released<std::vector<ImageItem>>(
                [&] { return s.put_image_items(image_id, items); });
          },
          py::arg("image_id"), py::arg("items"))
      .def(
          "image_items",
          [](CatalogStore& s, RowId image_id) {
            return released<std::vector<ImageItem>>(
                [&] { return s.image_items(image_id); });
          },
          py::arg("image_id"))
      .def(
          "add_ai_analysis",
          [](CatalogStore& s, const AiAnalysis& a) {
            return released<AiAnalysis>([&] { return s.add_ai_analysis(a); });
          },
          py::arg("analysis"))
      .def(
          "ai_analyses",
          [](CatalogStore& s, RowId image_id) {
            return released<std::vector<AiAnalysis>>(
                [&] { return s.ai_analyses(image_id); });
          },
          py::arg("image_id"))
      .def(
          "find_ai_analysis",
          [](CatalogStore& s, const std::string& sha256,
             const AnalysisKey& key) {
            return released<std::optional<AiAnalysis>>(
                [&] { return s.find_ai_analysis(sha256, key); });
          },
          py::arg("sha256"), py::arg("key"),
          "The newest successful whole-photo analysis of this content by "
          "`key`, or None (the analysis cache).")
      .def(
          "sku_history",
          [](CatalogStore& s, const std::string& subject, RowId id) {
            if (subject != "image" && subject != "product") {
              check(invalid_argument_error(
                  "subject must be 'image' or 'product'"));
            }
            const SkuSubject which =
                subject == "image" ? SkuSubject::kImage : SkuSubject::kProduct;
            return released<std::vector<SkuHistory>>(
                [&] { return s.sku_history(which, id); });
          },
          py::arg("subject"), py::arg("subject_id"))
      .def(
          "coverage",
          [](CatalogStore& s, std::optional<RowId> collection_id,
             const std::vector<std::string>& views) {
            return released<std::vector<Coverage>>(
                [&] { return s.coverage(collection_id, views); });
          },
          py::arg("collection_id") = py::none(),
          py::arg("required_views") =
              std::vector<std::string>{"front", "back", "detail"})
      .def(
          "image_counts",
          [](CatalogStore& s, std::optional<RowId> collection_id) {
            return released<std::vector<ImageCount>>(
                [&] { return s.image_counts(collection_id); });
          },
          py::arg("collection_id") = py::none());

  m.def(
      "open_sqlite_catalog",
      [](const FsPath& path, std::size_t pool_size) {
        SqlStoreOptions o;
        o.pool_size = pool_size;
        return std::shared_ptr<CatalogDatabase>(
            released<std::unique_ptr<CatalogDatabase>>(
                [&] { return open_sqlite_catalog(path, o); }));
      },
      py::arg("path"), py::kw_only(), py::arg("pool_size") = 4,
      "Opens (creating and migrating) a SQLite catalog.");
  m.def(
      "open_postgresql_catalog",
      [](const std::string& uri, std::size_t pool_size, int connect_attempts) {
        SqlStoreOptions o;
        o.pool_size = pool_size;
        o.connect_attempts = connect_attempts;
        return std::shared_ptr<CatalogDatabase>(
            released<std::unique_ptr<CatalogDatabase>>(
                [&] { return open_postgresql_catalog(uri, o); }));
      },
      py::arg("uri"), py::kw_only(), py::arg("pool_size") = 4,
      py::arg("connect_attempts") = 3,
      "Opens (migrating) a PostgreSQL catalog: "
      "postgresql://user@host:port/db.");
}

}  // namespace imagebank::python
