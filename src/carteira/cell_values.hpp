// A cell's value as text (extra columns, headers) or as the typed value of a
// canonical field.
#pragma once

#include <optional>
#include <string>

#include "carteira/cell.hpp"
#include "imagebank/carteira/fields.hpp"

namespace imagebank::carteira {

// Trimmed text; numbers in their shortest form (zero-padded by their
// format), date-formatted numbers as ISO dates, booleans "true"/"false".
std::string cell_text(const Cell& cell, bool date1904);

// The value of `field` from `cell`, or nullopt when it is empty. When the
// cell cannot be read as the field's kind, the value is kept as text and
// `warning` says why (it is left alone otherwise).
std::optional<FieldValue> field_value(Field field, const Cell& cell,
                                      bool date1904, std::string& warning);

}  // namespace imagebank::carteira
