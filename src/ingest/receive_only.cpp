// Ingestor::receive: the receive step alone, for a machine that holds the
// photos while workers elsewhere process them.
#include <string>

#include "imagebank/core/log.hpp"
#include "ingest/ingest_impl.hpp"

namespace imagebank {

Result<Batch> Ingestor::receive(RowId batch_id) {
  Impl& d = *impl_;
  IMAGEBANK_ASSIGN_OR_RETURN(Batch batch, d.queue->get_batch(batch_id));
  if (is_upload_batch(batch)) {
    return conflict_error("batch " + std::to_string(batch_id) +
                          " is an upload batch: its files come from its "
                          "uploads, not from paths");
  }
  if (!batch.receiving || batch.state == BatchState::kCancelled ||
      batch.state == BatchState::kDone) {
    return batch;
  }
  d.halt_receive = false;
  std::atomic<std::int64_t> found{0};
  const Status received = d.receive(batch, found);
  if (!received.ok()) {
    return received.with_context("batch " + std::to_string(batch_id) +
                                 " stopped receiving (receive it again to "
                                 "go on)");
  }
  return d.queue->get_batch(batch_id);
}

}  // namespace imagebank
