// `imagebank ingest --no-work` and `imagebank batch resume --no-work`: the
// machine that holds the photos receives them; workers process them.
#pragma once

#include "cli/output.hpp"
#include "imagebank/bank/bank.hpp"

namespace imagebank::cli {

// Receives the batch's files and prints what was received and how to go
// on; the exit status (1 when receiving stopped on a failure).
int receive_only(Bank& bank, Ingestor& ingestor, RowId batch_id, Output& out);

}  // namespace imagebank::cli
