#include "cli/bank_options.hpp"

#include <CLI/CLI.hpp>

namespace imagebank::cli {

void add_bank_options(CLI::App& command, BankLocation& location) {
  auto* dir =
      command.add_option("--bank", location.dir,
                         "Bank directory (bank.db and files/; default ./" +
                             std::string(kDefaultBankDir) + ")");
  auto* db =
      command.add_option("--db", location.db,
                         "Catalog database URI (sqlite:///abs/path.db or "
                         "postgresql://user@host:port/db)");
  auto* storage = command.add_option(
      "--storage", location.storage,
      "Blob storage URI (file:///abs/path or s3://bucket/prefix?endpoint=...)");
  dir->excludes(db);
  dir->excludes(storage);
}

Result<std::unique_ptr<Bank>> open_bank(const BankLocation& location) {
  const std::filesystem::path dir = location.dir.empty()
                                        ? std::filesystem::path(kDefaultBankDir)
                                        : std::filesystem::path(location.dir);
  return Bank::open(location.db, location.storage, BankOptions{}, dir);
}

}  // namespace imagebank::cli
