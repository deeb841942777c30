// Text folding shared by the filename grammar and the Carteira reader.
#include <string>

#include "bindings.hpp"
#include "imagebank/core/text.hpp"

namespace imagebank::python {
namespace {

// str is taken as UTF-8; bytes as they are (UTF-8, or else Windows-1252).
std::string text_of(const py::handle& value) {
  if (py::isinstance<py::bytes>(value)) return value.cast<std::string>();
  if (py::isinstance<py::str>(value)) return value.cast<std::string>();
  check(invalid_argument_error(
      "expected str or bytes, got " +
      py::str(py::type::handle_of(value).attr("__name__"))
          .cast<std::string>()));
  return {};
}

}  // namespace

void init_text(py::module_& m) {
  m.def(
      "fold_text", [](const TextArg& text) { return fold_text(text_of(text)); },
      py::arg("text"),
      "text for comparisons: NFKD, accents removed, case-folded "
      "('Código' -> 'codigo'). bytes that are not UTF-8 are read as "
      "Windows-1252.");
  m.def(
      "upper_without_accents",
      [](const TextArg& text) { return upper_without_accents(text_of(text)); },
      py::arg("text"),
      "text with accents removed, in upper case, composed ('abc-ação' -> "
      "'ABC-ACAO'). bytes that are not UTF-8 are read as Windows-1252.");
  m.def(
      "is_valid_utf8",
      [](const py::bytes& data) { return is_valid_utf8(std::string(data)); },
      py::arg("data"),
      "Whether the bytes are well-formed UTF-8 (no overlongs, no surrogates).");
  m.def(
      "windows1252_to_utf8",
      [](const py::bytes& data) {
        return windows1252_to_utf8(std::string(data));
      },
      py::arg("data"), "The bytes read as Windows-1252 (never fails).");
  m.def(
      "to_utf8",
      [](const py::bytes& data) { return to_utf8(std::string(data)); },
      py::arg("data"),
      "bytes decoded as UTF-8 when they are valid UTF-8, else as "
      "Windows-1252 (never fails).");
}

}  // namespace imagebank::python
