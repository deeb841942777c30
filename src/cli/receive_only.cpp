#include "cli/receive_only.hpp"

#include <string>

namespace imagebank::cli {

int receive_only(Bank& bank, Ingestor& ingestor, RowId batch_id, Output& out) {
  const std::string what = "batch " + std::to_string(batch_id);
  Result<Batch> received = ingestor.receive(batch_id);
  if (!received.ok()) {
    out.failure(what, received.status());
    if (!out.json()) {
      out.text("go on receiving with: imagebank batch resume --no-work " +
               std::to_string(batch_id));
    }
    return kExitSomeFailed;
  }
  Result<BatchProgress> p = bank.batch(batch_id);
  if (!p.ok()) {
    out.failure(what, p.status());
    return kExitSomeFailed;
  }
  if (out.json()) {
    out.record({{"type", "received"},
                {"batch", batch_id},
                {"state", std::string(batch_state_name(p->batch.state))},
                {"receiving", p->batch.receiving},
                {"jobs", p->counts.total()},
                {"failed", p->counts.failed}});
  } else {
    out.text(what + ": " + std::to_string(p->counts.total()) +
             " files received" +
             (p->batch.receiving ? ", still receiving"
                                 : "; `imagebank worker` processes them"));
  }
  return kExitOk;
}

}  // namespace imagebank::cli
