// Reconciliation: photos kept unmatched (their SKU was not in the Carteira
// when they arrived) are matched again against the collection's products,
// after a new Carteira import. Only the product link changes (with its
// SkuHistory row); AI analyses and review status are left alone.
#include "imagebank/core/log.hpp"
#include "ingest/ingest_impl.hpp"

namespace imagebank {

Result<ReconcileReport> Ingestor::reconcile(
    std::optional<RowId> collection_id) {
  Impl& d = *impl_;
  std::vector<RowId> collections;
  if (collection_id) {
    collections.push_back(*collection_id);
  } else {
    IMAGEBANK_ASSIGN_OR_RETURN(std::vector<Collection> all,
                               d.catalog->collections());
    for (const Collection& c : all) collections.push_back(c.id);
  }
  ReconcileReport report;
  for (const RowId cid : collections) {
    IMAGEBANK_ASSIGN_OR_RETURN(std::shared_ptr<const CollectionSkus> skus,
                               d.collection_skus(cid, true));
    ImageQuery query;
    query.collection_id = cid;
    query.linked = false;
    query.limit = 1000;
    for (;;) {
      IMAGEBANK_ASSIGN_OR_RETURN(Page<ImageRecord> page,
                                 d.catalog->list_images(query));
      for (const ImageRecord& image : page.items) {
        if (d.stop.load()) return report;
        ++report.examined;
        std::optional<RowId> product;
        Result<SkuParse> parse =
            d.parser.parse(image.original_name, &skus->known);
        if (parse.ok() && !parse->sku_base.empty()) {
          const std::optional<std::size_t> k =
              skus->known.find(parse->sku_base);
          if (k && skus->product_ids[*k] != 0) product = skus->product_ids[*k];
        }
        if (!product) {
          ++report.still_unmatched;
          continue;
        }
        IMAGEBANK_RETURN_IF_ERROR(
            d.catalog
                ->link_image(image.id, product, "reconcile",
                             "matched to the Carteira by its file name " +
                                 image.original_name)
                .status());
        ++report.linked;
      }
      if (page.next_after == 0) break;
      query.after_id = page.next_after;
    }
  }
  log(LogLevel::kInfo, "reconcile: " + std::to_string(report.linked) + " of " +
                           std::to_string(report.examined) +
                           " unmatched photos linked");
  return report;
}

}  // namespace imagebank
