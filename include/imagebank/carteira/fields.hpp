// The canonical fields of a Carteira row and their typed values.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace imagebank {

// In canonical order: rows list their fields in this order.
enum class Field : int {
  kSku = 0,       // "sku": text, exactly as written
  kNomePeca,      // "nome_peca"
  kCategoria,     // "categoria"
  kSubcategoria,  // "subcategoria"
  kTipoPeca,      // "tipo_peca"
  kOrigem,        // "origem" (Nacional / Importado)
  kMarca,         // "marca"
  kColecao,       // "colecao"
  kCor,           // "cor"
  kTamanho,       // "tamanho"
  kQuantidade,    // "quantidade": number (an integer when whole)
  kPrecoCusto,    // "preco_custo": number
  kPrecoVenda,    // "preco_venda": number
  kFornecedor,    // "fornecedor"
  kDataEntrega,   // "data_entrega": date
};
inline constexpr std::size_t kFieldCount = 15;

enum class FieldKind : int { kText = 0, kNumber, kDate };

// "sku", "nome_peca", ...
std::string_view field_name(Field field) noexcept;
std::optional<Field> field_from_name(std::string_view name) noexcept;
FieldKind field_kind(Field field) noexcept;
// Every field, in canonical order.
const std::array<Field, kFieldCount>& all_fields() noexcept;
// The headers recognised for the field (its name included), as written in
// the documentation: "Cód. Produto", "Referência", ...
std::span<const std::string_view> field_synonyms(Field field) noexcept;

// A calendar date (proleptic Gregorian).
struct Date {
  std::int32_t year = 0;
  std::uint8_t month = 0;  // 1-12
  std::uint8_t day = 0;    // 1-31
  // "yyyy-mm-dd".
  std::string iso() const;
  friend bool operator==(const Date&, const Date&) = default;
};

// A typed value: text; a whole number (quantities); a number; a date; a
// boolean (a TRUE/FALSE cell in a text field of a workbook). A numeric or
// date field whose value cannot be read keeps it as text (with a warning).
using FieldValue = std::variant<std::string, std::int64_t, double, Date, bool>;

// The value as text: numbers in their shortest exact form ("12", "59.9"),
// dates as yyyy-mm-dd, booleans as "true"/"false".
std::string to_text(const FieldValue& value);

}  // namespace imagebank
