// Value normalisation: trimming, pt-BR numbers, dates, numbers as text.
#include "carteira/values.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace imagebank::carteira {
namespace {

TEST(CarteiraTrim, AsciiAndUnicodeSpaces) {
  EXPECT_EQ(trim("  abc \t\r\n"), "abc");
  EXPECT_EQ(trim("\xC2\xA0"
                 "001234"
                 "\xC2\xA0"),
            "001234");  // U+00A0
  EXPECT_EQ(trim("\xEF\xBB\xBF"
                 "SKU"),
            "SKU");  // stray BOM
  EXPECT_EQ(trim("\xE2\x80\x8B"
                 "x"
                 "\xE3\x80\x80"),
            "x");  // ZWSP, U+3000
  EXPECT_EQ(trim("a b"), "a b");
  EXPECT_EQ(trim(" \xC2\xA0 "), "");
  // A lone lead byte at the end is not white space and stays.
  EXPECT_EQ(trim("x\xC2"), "x\xC2");
}

TEST(CarteiraNumbers, PortugueseAndPlainForms) {
  EXPECT_EQ(parse_number("1.234,56", false), 1234.56);
  EXPECT_EQ(parse_number("1234,56", false), 1234.56);
  EXPECT_EQ(parse_number("1,234.56", false), 1234.56);
  EXPECT_EQ(parse_number("59.90", false), 59.9);
  EXPECT_EQ(parse_number("R$ 59,90", false), 59.9);
  EXPECT_EQ(parse_number("R$\xC2\xA0"
                         "1.000.000,00",
                         false),
            1000000.0);
  EXPECT_EQ(parse_number("-3", false), -3.0);
  EXPECT_EQ(parse_number("(12,50)", false), -12.5);
  EXPECT_EQ(parse_number("R$ -12,00", false), -12.0);
  EXPECT_EQ(parse_number("1e3", false), 1000.0);
  EXPECT_EQ(parse_number("1,2e3", false), 1200.0);
  EXPECT_EQ(parse_number("1 234,5", false), 1234.5);
  EXPECT_EQ(parse_number("1,234,567", false), 1234567.0);
  EXPECT_EQ(parse_number(" 42 ", true), 42.0);
}

TEST(CarteiraNumbers, LoneDotIsThousandsOnlyForWholeQuantities) {
  EXPECT_EQ(parse_number("1.200", true), 1200.0);
  EXPECT_EQ(parse_number("1.200", false), 1.2);
  EXPECT_EQ(parse_number("12.5", true), 12.5);  // not three digits after
  EXPECT_EQ(parse_number("1234.567", true), 1234.567);  // four before
}

TEST(CarteiraNumbers, RejectsWhatIsNotANumber) {
  for (const char* bad : {"", "a combinar", "12 peças", "1.2.3,4,5",
                          "1,2,3.4.5", "1.23.456", "--1", "R$", "1e", ",",
                          "1.2e3.4", "inf", "nan", "0x10", "1.234,56,7"}) {
    EXPECT_FALSE(parse_number(bad, false).has_value()) << bad;
  }
}

TEST(CarteiraDates, TextForms) {
  EXPECT_EQ(parse_date("15/03/2026"), (Date{2026, 3, 15}));
  EXPECT_EQ(parse_date("5/3/2026"), (Date{2026, 3, 5}));
  EXPECT_EQ(parse_date("15-03-2026"), (Date{2026, 3, 15}));
  EXPECT_EQ(parse_date("15.03.2026"), (Date{2026, 3, 15}));
  EXPECT_EQ(parse_date("15/03/26"), (Date{2026, 3, 15}));
  EXPECT_EQ(parse_date("2026-03-15"), (Date{2026, 3, 15}));
  EXPECT_EQ(parse_date("2026-03-15T10:00:00"), (Date{2026, 3, 15}));
  EXPECT_EQ(parse_date("15/03/2026 08:30"), (Date{2026, 3, 15}));
  EXPECT_EQ(parse_date("29/02/2024"), (Date{2024, 2, 29}));
}

TEST(CarteiraDates, RejectsInvalidDates) {
  for (const char* bad : {"31/02/2026", "29/02/2025", "00/01/2026",
                          "01/13/2026", "15/03/202", "15/03-2026", "2026/03/15",
                          "março", "15/03/2026x", "", "1/1/1", "2026-3-15"}) {
    EXPECT_FALSE(parse_date(bad).has_value()) << bad;
  }
}

TEST(CarteiraDates, ExcelSerials) {
  EXPECT_EQ(date_from_serial(1, false), (Date{1900, 1, 1}));
  EXPECT_EQ(date_from_serial(59, false), (Date{1900, 2, 28}));
  // Serial 60 is Excel's fictitious 1900-02-29.
  EXPECT_FALSE(date_from_serial(60, false).has_value());
  EXPECT_EQ(date_from_serial(61, false), (Date{1900, 3, 1}));
  EXPECT_EQ(date_from_serial(46096, false), (Date{2026, 3, 15}));
  EXPECT_EQ(date_from_serial(46096.75, false), (Date{2026, 3, 15}));
  EXPECT_EQ(date_from_serial(2958465, false), (Date{9999, 12, 31}));
  EXPECT_FALSE(date_from_serial(2958466, false).has_value());
  EXPECT_FALSE(date_from_serial(0, false).has_value());
  EXPECT_FALSE(date_from_serial(-1, false).has_value());
  EXPECT_FALSE(date_from_serial(NAN, false).has_value());
  // The 1904 system counts from 1904-01-01, 1462 days later.
  EXPECT_EQ(date_from_serial(0, true), (Date{1904, 1, 1}));
  EXPECT_EQ(date_from_serial(46096 - 1462, true), (Date{2026, 3, 15}));
  EXPECT_EQ((Date{2026, 3, 5}).iso(), "2026-03-05");
}

TEST(CarteiraNumbersAsText, ShortestAndPadded) {
  EXPECT_EQ(number_to_text(12345.0), "12345");
  EXPECT_EQ(number_to_text(1.0), "1");
  EXPECT_EQ(number_to_text(-0.0), "0");
  EXPECT_EQ(number_to_text(59.9), "59.9");
  EXPECT_EQ(number_to_text(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(number_to_text(7891234567895.0), "7891234567895");
  EXPECT_EQ(number_to_text(1e21), "1e+21");
  EXPECT_EQ(number_to_text(42, 6), "000042");
  EXPECT_EQ(number_to_text(1234567, 6), "1234567");
  EXPECT_EQ(number_to_text(-42, 4), "-0042");
  EXPECT_EQ(number_to_text(4.5, 6), "4.5");
}

TEST(CarteiraMessages, QuotesAreCutAtCharacterBoundaries) {
  EXPECT_EQ(quote_text("Saia"), "'Saia'");
  const std::string long_text = std::string(59, 'a') + "ção";  // ç spans 59-60
  EXPECT_EQ(quote_text(long_text), "'" + std::string(59, 'a') + "...'");
  EXPECT_EQ(quote_text(std::string(60, 'b')), "'" + std::string(60, 'b') + "'");
  EXPECT_EQ(quote_text(std::string(61, 'b')),
            "'" + std::string(60, 'b') + "...'");
}

TEST(CarteiraCellRefs, LettersAndRows) {
  EXPECT_EQ(ref_column("A1"), 0u);
  EXPECT_EQ(ref_column("XFD1048576"), 16383u);
  EXPECT_EQ(ref_column("ab7"), 27u);
  EXPECT_EQ(ref_column("C"), 2u);
  EXPECT_EQ(ref_column("ZZZZZZ1"), 321272405u);  // six letters, no overflow
  EXPECT_FALSE(ref_column(""));
  EXPECT_FALSE(ref_column("12"));
  EXPECT_FALSE(ref_column("@1"));
  EXPECT_FALSE(ref_column("AAAAAAA1"));  // seven letters
  EXPECT_EQ(column_letters(0), "A");
  EXPECT_EQ(column_letters(25), "Z");
  EXPECT_EQ(column_letters(26), "AA");
  EXPECT_EQ(column_letters(16383), "XFD");
}

}  // namespace
}  // namespace imagebank::carteira
