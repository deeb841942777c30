// The canonical fields, their synonyms, and FieldValue as text.
#include "imagebank/carteira/fields.hpp"

#include <array>
#include <cstdio>

#include "carteira/values.hpp"

namespace imagebank {
namespace {

struct FieldInfo {
  std::string_view name;
  FieldKind kind;
  std::span<const std::string_view> synonyms;
};

// The headers of real Carteiras. Matching ignores case, accents, spaces and
// punctuation, so "Sub-Categoria" covers "Sub Categoria" and "SUBCATEGORIA".
constexpr std::string_view kSku[] = {
    "SKU",          "Referência",     "Ref",
    "Cód. Produto", "Código",         "Código do Produto",
    "Cod Ref",      "Código Produto", "Referência do Produto"};
constexpr std::string_view kNomePeca[] = {
    "Nome Peça",       "Nome",      "Nome da Peça",
    "Nome do Produto", "Descrição", "Descrição do Produto",
    "Produto"};
constexpr std::string_view kCategoria[] = {"Categoria"};
constexpr std::string_view kSubcategoria[] = {"Subcategoria", "Sub-Categoria"};
constexpr std::string_view kTipoPeca[] = {"Tipo Peça", "Tipo", "Tipo de Peça",
                                          "Tipo da Peça"};
constexpr std::string_view kOrigem[] = {"Origem", "Nacional/Importado"};
constexpr std::string_view kMarca[] = {"Marca", "Brand", "Grife"};
constexpr std::string_view kColecao[] = {"Coleção", "Collection", "Estação"};
constexpr std::string_view kCor[] = {"Cor", "Cor Principal", "Color",
                                     "Código Cor", "Código da Cor"};
constexpr std::string_view kTamanho[] = {"Tamanho", "Tam", "Size"};
constexpr std::string_view kQuantidade[] = {"Quantidade", "Qtde", "Qtd",
                                            "Quantidade Pedida"};
constexpr std::string_view kPrecoCusto[] = {"Preço Custo", "Custo",
                                            "Preço de Custo"};
constexpr std::string_view kPrecoVenda[] = {"Preço Venda", "Preço",
                                            "Preço de Venda", "PV"};
constexpr std::string_view kFornecedor[] = {"Fornecedor"};
constexpr std::string_view kDataEntrega[] = {"Data Entrega", "Data de Entrega"};

constexpr std::array<FieldInfo, kFieldCount> kFields = {{
    {"sku", FieldKind::kText, kSku},
    {"nome_peca", FieldKind::kText, kNomePeca},
    {"categoria", FieldKind::kText, kCategoria},
    {"subcategoria", FieldKind::kText, kSubcategoria},
    {"tipo_peca", FieldKind::kText, kTipoPeca},
    {"origem", FieldKind::kText, kOrigem},
    {"marca", FieldKind::kText, kMarca},
    {"colecao", FieldKind::kText, kColecao},
    {"cor", FieldKind::kText, kCor},
    {"tamanho", FieldKind::kText, kTamanho},
    {"quantidade", FieldKind::kNumber, kQuantidade},
    {"preco_custo", FieldKind::kNumber, kPrecoCusto},
    {"preco_venda", FieldKind::kNumber, kPrecoVenda},
    {"fornecedor", FieldKind::kText, kFornecedor},
    {"data_entrega", FieldKind::kDate, kDataEntrega},
}};

const FieldInfo& info(Field field) {
  return kFields[static_cast<std::size_t>(field)];
}

}  // namespace

std::string_view field_name(Field field) noexcept { return info(field).name; }

std::optional<Field> field_from_name(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kFields.size(); ++i) {
    if (kFields[i].name == name) return static_cast<Field>(i);
  }
  return std::nullopt;
}

FieldKind field_kind(Field field) noexcept { return info(field).kind; }

const std::array<Field, kFieldCount>& all_fields() noexcept {
  static constexpr std::array<Field, kFieldCount> kAll = [] {
    std::array<Field, kFieldCount> all{};
    for (std::size_t i = 0; i < kFieldCount; ++i) {
      all[i] = static_cast<Field>(i);
    }
    return all;
  }();
  return kAll;
}

std::span<const std::string_view> field_synonyms(Field field) noexcept {
  return info(field).synonyms;
}

std::string Date::iso() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(year),
                static_cast<int>(month), static_cast<int>(day));
  return buf;
}

std::string to_text(const FieldValue& value) {
  struct Visitor {
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(std::int64_t n) const { return std::to_string(n); }
    std::string operator()(double d) const {
      return carteira::number_to_text(d);
    }
    std::string operator()(const Date& d) const { return d.iso(); }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
  };
  return std::visit(Visitor{}, value);
}

}  // namespace imagebank
