// Where a command finds its bank: --bank DIR (bank.db + files/ inside), or
// --db URI and --storage URI, or ./imagebank-data when nothing is given.
#pragma once

#include <memory>
#include <string>

#include "imagebank/bank/bank.hpp"

namespace CLI {
class App;
}

namespace imagebank::cli {

struct BankLocation {
  std::string dir;
  std::string db;
  std::string storage;
};

void add_bank_options(CLI::App& command, BankLocation& location);
Result<std::unique_ptr<Bank>> open_bank(const BankLocation& location);
// open_bank, retried with backoff (1 s doubling to 30 s) while the catalog
// or the store is unreachable (`unavailable`), each failure on stderr; any
// other error at once. SIGINT / SIGTERM end the wait as usual.
Result<std::unique_ptr<Bank>> open_bank_patiently(const BankLocation& location);

}  // namespace imagebank::cli
