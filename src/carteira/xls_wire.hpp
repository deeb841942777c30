// What the .xls helper (imagebank-xls-reader) writes on its stdout for the
// library to read: a stream of records, each a one-byte tag and its fields
// in host byte order (the two ends are always the same build):
//
//   'E' i32 code                 freexl could not open the file (the code)
//   'P'                          a password-protected workbook
//   'N' u32 sheets               the sheet count, before any sheet
//   'S' str name u32 rows u32 columns    a sheet begins
//   'U' str name                 a sheet that cannot be read
//   'R' u32 row u32 cells, then per cell:
//       u32 column u8 kind f64 number str text
//   'Z'                          the sheet ends
//   'D'                          the whole workbook was written
//
// str is u32 length + bytes. kind is a CellKind. The library trusts none of
// it: lengths and counts are checked against its limits as they arrive.
#pragma once

#include <cstdint>

namespace imagebank::carteira::xls_wire {

inline constexpr char kOpenError = 'E';
inline constexpr char kPassword = 'P';
inline constexpr char kSheetCount = 'N';
inline constexpr char kSheet = 'S';
inline constexpr char kUnreadableSheet = 'U';
inline constexpr char kRow = 'R';
inline constexpr char kSheetEnd = 'Z';
inline constexpr char kDone = 'D';

// The 'E' code the helper sends when it runs out of memory itself (freexl's
// FREEXL_INSUFFICIENT_MEMORY, -4); both map to limit_exceeded.
inline constexpr std::int32_t kOutOfMemory = -4;

}  // namespace imagebank::carteira::xls_wire
