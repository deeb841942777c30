#include "bindings.hpp"
#include "imagebank/version.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "imagebank compiled core; import it through the imagebank package";
  m.attr("__version__") = imagebank::kVersion;
  imagebank::python::init_errors(m);
  imagebank::python::init_core(m);
  imagebank::python::init_image(m);
  imagebank::python::init_codecs(m);
  imagebank::python::init_grey(m);
  imagebank::python::init_variants(m);
  imagebank::python::init_hash(m);
  imagebank::python::init_perceptual(m);
  imagebank::python::init_pdq(m);
  imagebank::python::init_hash_index(m);
  imagebank::python::init_text(m);
  imagebank::python::init_sku(m);
  imagebank::python::init_carteira(m);
  imagebank::python::init_blob_store(m);
  imagebank::python::init_s3(m);
  imagebank::python::init_catalog(m);
  imagebank::python::init_conflict_types(m);
  imagebank::python::init_jobs(m);
  imagebank::python::init_catalog_queries(m);
  imagebank::python::init_serve(m);
  imagebank::python::init_bank(m);
  imagebank::python::init_catalog_export(m);
  imagebank::python::init_conflicts(m);
  imagebank::python::init_check(m);
  // Vision first: ingest's options take VisionAnalyzer plug-ins.
  imagebank::python::init_vision(m);
  imagebank::python::init_urls(m);
  imagebank::python::init_fetch(m);
  imagebank::python::init_ingest(m);
  imagebank::python::init_analysis(m);
  imagebank::python::init_exports(m);
}
