// The facade on its own: the Carteira → product mapping (through the one
// field table of catalog/types.hpp), its listings, and its options.
#include "imagebank/bank/bank.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "adapters/fs_test_util.hpp"

namespace imagebank::testing {
namespace {

TEST(CarteiraFieldTable, FollowsTheCarteiraFieldsAfterTheSku) {
  const auto& fields = all_fields();
  ASSERT_EQ(kCarteiraFieldTable.size() + 1, fields.size());
  EXPECT_EQ(fields[0], Field::kSku);
  for (std::size_t i = 0; i < kCarteiraFieldTable.size(); ++i) {
    EXPECT_EQ(kCarteiraFieldTable[i].name, field_name(fields[i + 1]));
  }
}

TEST(CarteiraFieldTable, NamesEveryMemberOnce) {
  CarteiraFields f;
  for (const CarteiraFieldMember& m : kCarteiraFieldTable) {
    EXPECT_TRUE(f.*m.member == "") << m.name << " appears twice";
    f.*m.member = std::string(m.name);
  }
  // (types.hpp checks at compile time that no member lacks a row.)
  for (const CarteiraFieldMember& m : kCarteiraFieldTable) {
    EXPECT_EQ(f.*m.member, m.name);
  }
}

class BankTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BankOptions options;
    options.sql.pool_size = 1;  // the SQL settings reach the adapter
    auto bank = Bank::open({}, "memory:", options, scratch_.path());
    ASSERT_TRUE(bank.ok()) << bank.status();
    bank_ = std::move(*bank);
  }
  std::filesystem::path write(const std::string& name,
                              const std::string& text) {
    const auto path = scratch_.path() / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  ScratchDir scratch_;
  std::unique_ptr<Bank> bank_;
};

TEST_F(BankTest, AnImportStoresEveryCarteiraFieldInItsMember) {
  // A header of every canonical name, and a value each field can hold.
  std::string header = "sku", row = "ABC1";
  for (const CarteiraFieldMember& m : kCarteiraFieldTable) {
    header += ";" + std::string(m.name);
    const FieldKind kind = field_kind(*field_from_name(m.name));
    row += ";";
    row += kind == FieldKind::kNumber ? std::to_string(header.size())
           : kind == FieldKind::kDate ? std::string("2027-03-01")
                                      : "v_" + std::string(m.name);
  }
  const auto file = write("full.csv", header + "\n" + row + "\n");
  CarteiraImportOptions o;
  o.brand = "Aurora";
  o.collection = "Verão";
  auto imported = bank_->import_carteira(file, o);
  ASSERT_TRUE(imported.ok()) << imported.status();
  ASSERT_EQ(imported->carteira.rows.size(), 1u);
  EXPECT_TRUE(imported->carteira.rows[0].extra.empty());

  auto collection = bank_->collection("Verão");
  ASSERT_TRUE(collection.ok()) << collection.status();
  auto product = bank_->catalog().find_product(collection->id, "ABC1");
  ASSERT_TRUE(product.ok()) << product.status();
  const CarteiraRow& read = imported->carteira.rows[0];
  for (const CarteiraFieldMember& m : kCarteiraFieldTable) {
    const FieldValue* value = read.find(*field_from_name(m.name));
    ASSERT_NE(value, nullptr) << m.name;
    EXPECT_EQ(product->fields.*m.member, to_text(*value)) << m.name;
    EXPECT_FALSE((product->fields.*m.member).empty()) << m.name;
  }
  EXPECT_EQ(product->fields.nome_peca, "v_nome_peca");
  EXPECT_EQ(product->fields.data_entrega, "2027-03-01");
}

TEST_F(BankTest, CollectionsListsEveryCollectionById) {
  auto none = bank_->collections();
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->empty());
  const auto file = write("c.csv", "SKU;Nome\nA1;Vestido\n");
  for (const char* name : {"Verão", "Inverno"}) {
    CarteiraImportOptions o;
    o.brand = "Aurora";
    o.collection = name;
    ASSERT_TRUE(bank_->import_carteira(file, o).ok());
  }
  auto all = bank_->collections();
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "Verão");
  EXPECT_EQ((*all)[1].name, "Inverno");
  EXPECT_LT((*all)[0].id, (*all)[1].id);
}

}  // namespace
}  // namespace imagebank::testing
