#include "cli/bank_options.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <iostream>
#include <thread>

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

Result<std::unique_ptr<Bank>> open_bank_patiently(
    const BankLocation& location) {
  auto delay = std::chrono::seconds(1);
  for (;;) {
    Result<std::unique_ptr<Bank>> bank = open_bank(location);
    if (bank.ok() || bank.status().code() != ErrorCode::kUnavailable) {
      return bank;
    }
    std::cerr << "imagebank: " << bank.status().to_string()
              << "; trying again in " << delay.count() << " s\n";
    std::this_thread::sleep_for(delay);
    delay = std::min<std::chrono::seconds>(delay * 2, std::chrono::seconds(30));
  }
}

}  // namespace imagebank::cli
