// Headers to canonical fields.
#include "carteira/headers.hpp"

#include <gtest/gtest.h>

namespace imagebank::carteira {
namespace {

std::optional<Field> field_of(std::string_view header) {
  const auto m = match_header(header);
  return m ? std::optional<Field>(m->field) : std::nullopt;
}

TEST(CarteiraHeaders, KeysIgnoreCaseAccentsAndPunctuation) {
  EXPECT_EQ(header_key("Cód. Produto"), "codproduto");
  EXPECT_EQ(header_key("SUB-CATEGORIA"), "subcategoria");
  EXPECT_EQ(header_key("  Preço_Custo (R$) "), "precocustor");
  EXPECT_EQ(header_key("Co\xCC\x81"
                       "digo"),
            "codigo");  // combining accent
  EXPECT_EQ(header_key("C\xF3"
                       "digo"),
            "codigo");  // Windows-1252
}

TEST(CarteiraHeaders, EveryDocumentedSynonym) {
  const std::vector<std::pair<const char*, Field>> cases = {
      {"SKU", Field::kSku},
      {"Referência", Field::kSku},
      {"Ref", Field::kSku},
      {"Cód. Produto", Field::kSku},
      {"Código", Field::kSku},
      {"Código do Produto", Field::kSku},
      {"Cod Ref", Field::kSku},
      {"Nome", Field::kNomePeca},
      {"Nome da Peça", Field::kNomePeca},
      {"Descrição", Field::kNomePeca},
      {"Descrição do Produto", Field::kNomePeca},
      {"Produto", Field::kNomePeca},
      {"Categoria", Field::kCategoria},
      {"Sub-Categoria", Field::kSubcategoria},
      {"Sub Categoria", Field::kSubcategoria},
      {"subcategoria", Field::kSubcategoria},
      {"Tipo", Field::kTipoPeca},
      {"Tipo de Peça", Field::kTipoPeca},
      {"Origem", Field::kOrigem},
      {"Nacional/Importado", Field::kOrigem},
      {"Marca", Field::kMarca},
      {"Brand", Field::kMarca},
      {"Grife", Field::kMarca},
      {"Coleção", Field::kColecao},
      {"Collection", Field::kColecao},
      {"Estação", Field::kColecao},
      {"Cor", Field::kCor},
      {"Cor Principal", Field::kCor},
      {"Color", Field::kCor},
      {"Código Cor", Field::kCor},
      {"Tamanho", Field::kTamanho},
      {"Tam", Field::kTamanho},
      {"Size", Field::kTamanho},
      {"Quantidade", Field::kQuantidade},
      {"Qtde", Field::kQuantidade},
      {"Qtd.", Field::kQuantidade},
      {"Quantidade Pedida", Field::kQuantidade},
      {"Custo", Field::kPrecoCusto},
      {"Preço Custo", Field::kPrecoCusto},
      {"preco_custo", Field::kPrecoCusto},
      {"Preço", Field::kPrecoVenda},
      {"Preço Venda", Field::kPrecoVenda},
      {"PV", Field::kPrecoVenda},
      {"Fornecedor", Field::kFornecedor},
      {"Data Entrega", Field::kDataEntrega},
      {"data_entrega", Field::kDataEntrega},
  };
  for (const auto& [header, field] : cases) {
    const auto m = match_header(header);
    ASSERT_TRUE(m.has_value()) << header;
    EXPECT_EQ(m->field, field) << header;
    EXPECT_EQ(m->distance, 0) << header;
  }
}

TEST(CarteiraHeaders, EveryFieldHasItsNameAndSynonyms) {
  for (Field f : all_fields()) {
    EXPECT_EQ(field_of(field_name(f)), f) << field_name(f);
    EXPECT_EQ(field_from_name(field_name(f)), f);
    for (std::string_view s : field_synonyms(f)) EXPECT_EQ(field_of(s), f) << s;
  }
  EXPECT_FALSE(field_from_name("nope").has_value());
}

TEST(CarteiraHeaders, NearMissesWithinTwoEditsOfLongSynonyms) {
  auto m = match_header("Quantidadee");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->field, Field::kQuantidade);
  EXPECT_EQ(m->distance, 1);
  m = match_header("Refrencia");  // one letter dropped
  ASSERT_TRUE(m);
  EXPECT_EQ(m->field, Field::kSku);
  m = match_header("Fornecdor");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->field, Field::kFornecedor);
  EXPECT_EQ(m->synonym, "Fornecedor");
  m = match_header("Descricoa");  // two edits (a transposition)
  ASSERT_TRUE(m);
  EXPECT_EQ(m->field, Field::kNomePeca);
  EXPECT_EQ(m->distance, 2);
  EXPECT_FALSE(match_header("Descrcoa"));  // three edits
}

TEST(CarteiraHeaders, ShortSynonymsAreNotMatchedFuzzily) {
  // "EAN" is two edits from "Tam", "ID" two from "PV", "Obs" from "Cor".
  EXPECT_FALSE(match_header("EAN"));
  EXPECT_FALSE(match_header("ID"));
  EXPECT_FALSE(match_header("Obs"));
  EXPECT_FALSE(match_header("Tams"));  // "Tam" + 1 is still too short to trust
  EXPECT_EQ(field_of("Marcas"), Field::kMarca);  // 5 letters: one edit
  EXPECT_FALSE(match_header("Marcados"));
}

TEST(CarteiraHeaders, UnrelatedHeadersAndTitles) {
  for (const char* h :
       {"Observação", "EAN", "Carteira de Compras — Verão 2026",
        "Fornecedor: Têxtil Aurora", "Total", "", "  ", "---"}) {
    EXPECT_FALSE(match_header(h)) << h;
  }
}

TEST(CarteiraHeaders, EditDistance) {
  EXPECT_EQ(edit_distance("kitten", "sitting", 5), 3);
  EXPECT_EQ(edit_distance("abc", "abc", 2), 0);
  EXPECT_EQ(edit_distance("", "abc", 5), 3);
  EXPECT_EQ(edit_distance("abcdef", "a", 2), 3);  // stops early: limit + 1
  EXPECT_EQ(edit_distance("abcdefgh", "hgfedcba", 2), 3);
}

}  // namespace
}  // namespace imagebank::carteira
