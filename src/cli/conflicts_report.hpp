// `imagebank report conflicts`: the cross-SKU conflicts listed (written in
// conflicts_command.cpp beside the review command that resolves them).
#pragma once

#include <string>

#include "cli/output.hpp"
#include "imagebank/bank/bank.hpp"

namespace imagebank::cli {

struct ConflictsReportOptions {
  bool all = false;  // resolved ones too
  std::string collection;
  RowId batch = 0;  // 0: every batch
};

int run_conflicts_report(Bank& bank, const ConflictsReportOptions& options,
                         Output& out);

}  // namespace imagebank::cli
