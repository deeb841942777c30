#include "imagebank/variants/negotiate.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <ostream>
#include <string>
#include <vector>

namespace imagebank {

// Readable failures: "webp" rather than "4-byte object <03-00 00-00>".
void PrintTo(Format f, std::ostream* os) { *os << format_name(f); }

namespace {

using F = Format;

const std::vector<Format> kAll{F::kJpeg, F::kPng, F::kWebp, F::kAvif};
const std::vector<Format> kVariants{F::kAvif, F::kWebp, F::kJpeg};

Negotiation run(std::string_view accept, const std::vector<Format>& available) {
  return negotiate(accept, available);
}

// Checks the whole result, so that every case also checks vary_accept.
::testing::AssertionResult picks(std::string_view accept,
                                 const std::vector<Format>& available,
                                 Format want, bool acceptable = true) {
  const Negotiation n = negotiate(accept, available);
  if (n.format == want && n.acceptable == acceptable && n.vary_accept) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "Accept: \"" << accept << "\" gave " << format_name(n.format)
         << " acceptable=" << n.acceptable << " vary=" << n.vary_accept
         << "; want " << format_name(want) << " acceptable=" << acceptable;
}

// --- Real browsers -----------------------------------------------------------

constexpr std::string_view kChrome =
    "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8";
constexpr std::string_view kSafari16 =
    "image/webp,image/avif,image/jxl,image/heic,image/heic-sequence,video/"
    "*;q=0.8,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5";
constexpr std::string_view kFirefox = "image/avif,image/webp,*/*";
constexpr std::string_view kOldFirefox = "image/webp,*/*";
constexpr std::string_view kIe =
    "image/png, image/svg+xml, image/*;q=0.8, */*;q=0.5";

TEST(Negotiate, Chrome) {
  EXPECT_TRUE(picks(kChrome, kAll, F::kAvif));
  EXPECT_TRUE(picks(kChrome, {F::kWebp, F::kJpeg}, F::kWebp));
  // Both through "image/*" at q=1: preference decides.
  EXPECT_TRUE(picks(kChrome, {F::kPng, F::kJpeg}, F::kJpeg));
  EXPECT_TRUE(picks(kChrome, {F::kPng}, F::kPng));
}

TEST(Negotiate, Safari16) {
  // WebP is listed first but AVIF has the same q: preference, not order.
  EXPECT_TRUE(picks(kSafari16, kAll, F::kAvif));
  EXPECT_TRUE(picks(kSafari16, {F::kWebp, F::kJpeg}, F::kWebp));
  // PNG is named (q=1); JPEG only comes through "image/*;q=0.8".
  EXPECT_TRUE(picks(kSafari16, {F::kJpeg, F::kPng}, F::kPng));
  EXPECT_TRUE(picks(kSafari16, {F::kJpeg}, F::kJpeg));
}

TEST(Negotiate, Firefox) {
  EXPECT_TRUE(picks(kFirefox, kAll, F::kAvif));
  EXPECT_TRUE(picks(kFirefox, {F::kJpeg, F::kPng}, F::kJpeg));
}

TEST(Negotiate, OldFirefoxWithoutAvif) {
  EXPECT_TRUE(picks(kOldFirefox, {F::kJpeg, F::kWebp}, F::kWebp));
  // "*/*" does not vouch for AVIF: this Firefox cannot decode it.
  EXPECT_TRUE(picks(kOldFirefox, kAll, F::kWebp));
}

TEST(Negotiate, WildcardsVouchOnlyForTheUniversalFormats) {
  EXPECT_TRUE(picks("*/*", kAll, F::kJpeg));
  EXPECT_TRUE(picks("image/*", kVariants, F::kJpeg));
  EXPECT_TRUE(picks("*/*", {F::kAvif, F::kWebp}, F::kAvif, false));
  EXPECT_TRUE(picks("image/*, image/webp;q=0.5", kVariants, F::kJpeg));
  EXPECT_TRUE(picks("*/*", {F::kPng, F::kJpeg}, F::kJpeg));
}

TEST(Negotiate, InternetExplorerStyle) {
  EXPECT_TRUE(picks(kIe, kAll, F::kPng));
  // Without PNG, JPEG comes through "image/*"; AVIF and WebP never do.
  EXPECT_TRUE(picks(kIe, kVariants, F::kJpeg));
  EXPECT_TRUE(picks(kIe, {F::kJpeg}, F::kJpeg));
}

// --- q-values ----------------------------------------------------------------

TEST(Negotiate, HighestQWins) {
  EXPECT_TRUE(picks("image/webp;q=0.9, image/avif;q=0.5", kAll, F::kWebp));
  EXPECT_TRUE(picks("image/avif;q=0.5, image/webp;q=0.9", kAll, F::kWebp));
  EXPECT_TRUE(picks("image/png;q=0.002, image/jpeg;q=0.001", kAll, F::kPng));
  EXPECT_TRUE(picks("image/jpeg;q=0.5, image/png;q=0.5", kAll, F::kJpeg));
}

TEST(Negotiate, BoundaryQValuesAreValid) {
  EXPECT_TRUE(picks("image/avif;q=0.001, image/webp;q=0", kAll, F::kAvif));
  EXPECT_TRUE(picks("image/avif;q=1.000, image/webp;q=0.999", kAll, F::kAvif));
  EXPECT_TRUE(picks("image/webp;q=1., image/avif;q=0.", kAll, F::kWebp));
  EXPECT_TRUE(picks("image/webp;q=1, image/avif;q=0.99", kAll, F::kWebp));
  EXPECT_TRUE(picks("image/webp;q=1.0, image/avif;q=0.10", kAll, F::kWebp));
}

TEST(Negotiate, QZeroExcludes) {
  EXPECT_TRUE(picks("image/webp, image/*, image/avif;q=0", kAll, F::kWebp));
  EXPECT_TRUE(picks("image/avif;q=0, image/*, image/webp", kAll, F::kWebp));
  EXPECT_TRUE(picks("*/*, image/avif;q=0, image/webp;q=0.000", kAll, F::kJpeg));
  EXPECT_TRUE(picks("*/*;q=1, image/*;q=0", kAll, F::kJpeg, false));
}

TEST(Negotiate, NothingAcceptable) {
  // JPEG when available, whatever else is in the list.
  EXPECT_TRUE(picks("image/avif;q=0", kAll, F::kJpeg, false));
  EXPECT_TRUE(picks("image/avif", {F::kWebp, F::kJpeg}, F::kJpeg, false));
  EXPECT_TRUE(picks("text/html", kAll, F::kJpeg, false));
  // Otherwise the first available.
  EXPECT_TRUE(picks("image/avif", {F::kPng, F::kWebp}, F::kPng, false));
  EXPECT_TRUE(picks("image/avif", {F::kWebp, F::kPng}, F::kWebp, false));
}

// --- Specificity
// --------------------------------------------------------------

TEST(Negotiate, MostSpecificRangeDecides) {
  // The exact range lowers AVIF below what "image/*" gives JPEG.
  EXPECT_TRUE(picks("image/avif;q=0.1, image/*;q=0.5, */*",
                    {F::kAvif, F::kJpeg}, F::kJpeg));
  EXPECT_TRUE(picks("image/avif;q=0.1, image/*;q=0.5, */*",
                    {F::kAvif, F::kWebp}, F::kAvif));
  EXPECT_TRUE(picks("*/*;q=0.1, image/*;q=0.2, image/jpeg", kAll, F::kJpeg));
  // A general range listed later does not override a specific one.
  EXPECT_TRUE(picks("image/jpeg;q=0.3, */*", {F::kJpeg, F::kPng}, F::kPng));
  EXPECT_TRUE(picks("image/*;q=0.3, */*", {F::kJpeg}, F::kJpeg));
  EXPECT_EQ(run("image/*;q=0.3, */*", {F::kJpeg}).acceptable, true);
}

TEST(Negotiate, TypeWildcardOnlyMatchesItsType) {
  EXPECT_TRUE(picks("video/*, image/png;q=0.1", kAll, F::kPng));
  EXPECT_TRUE(picks("video/*", kAll, F::kJpeg, false));
  // "image/*" is more specific than "*/*".
  EXPECT_TRUE(picks("*/*;q=0.9, image/*;q=0.2, image/png", {F::kJpeg, F::kPng},
                    F::kPng));
}

TEST(Negotiate, EquallySpecificDuplicatesTakeTheHighestQ) {
  EXPECT_TRUE(picks("image/avif;q=0.2, image/webp;q=0.5, image/avif;q=0.9",
                    kAll, F::kAvif));
  EXPECT_TRUE(picks("image/avif;q=0, image/avif", {F::kAvif}, F::kAvif));
}

TEST(Negotiate, LiteralStarTypeNamesNothing) {
  // "*/webp" is well-formed (type is the token "*") but not a wildcard.
  EXPECT_TRUE(
      picks("*/webp, image/jpeg;q=0.1", {F::kWebp, F::kJpeg}, F::kJpeg));
  EXPECT_TRUE(picks("*/webp", {F::kWebp}, F::kWebp, false));
}

// --- Syntax ------------------------------------------------------------------

TEST(Negotiate, CaseInsensitive) {
  EXPECT_TRUE(picks("IMAGE/WEBP", {F::kJpeg, F::kWebp}, F::kWebp));
  EXPECT_TRUE(picks("Image/WebP;Q=0.5, IMAGE/AVIF;Q=0", kAll, F::kWebp));
  EXPECT_TRUE(picks("image/jpeg;q=0.5, Image/Png;Q=0.6", kAll, F::kPng));
}

TEST(Negotiate, Whitespace) {
  EXPECT_TRUE(
      picks(" image/webp ; q=0.9 ,\timage/avif;q=0.5 \t", kAll, F::kWebp));
  EXPECT_TRUE(picks("image/avif;q=0.5,image/webp\t;\tq=0.9", kAll, F::kWebp));
  // Not allowed by RFC 9110 around "=", but harmless to accept.
  EXPECT_TRUE(picks("image/webp;q = 0.9, image/avif;q=0.5", kAll, F::kWebp));
}

TEST(Negotiate, EmptyListElementsAreIgnored) {
  EXPECT_TRUE(picks("image/webp,,image/avif;q=0.5", kAll, F::kWebp));
  EXPECT_TRUE(picks(", image/png ,", kAll, F::kPng));
  EXPECT_TRUE(picks(" , ,image/png", kAll, F::kPng));
}

TEST(Negotiate, Parameters) {
  // Parameters before q belong to the range; the range still matches.
  EXPECT_TRUE(
      picks("image/avif;codecs=av01;q=0.7, image/webp;q=0.5", kAll, F::kAvif));
  // Quoted values may hold "," and ";".
  EXPECT_TRUE(picks("image/webp;foo=\"a,b;q=0\";q=0.9, image/avif;q=0.8", kAll,
                    F::kWebp));
  EXPECT_TRUE(picks("image/webp;x=\"\\\"q\\\\\";q=0.9, image/avif;q=0.8", kAll,
                    F::kWebp));
  EXPECT_TRUE(picks("image/webp;x=\"\", image/avif;q=0.8", kAll, F::kWebp));
  // obs-text (bytes >= 0x80) is allowed inside quotes, not in tokens.
  EXPECT_TRUE(
      picks("image/webp;x=\"caf\xC3\xA9\", image/avif;q=0.8", kAll, F::kWebp));
  // Extension parameters after q (RFC 7231 accept-ext).
  EXPECT_TRUE(
      picks("image/webp;q=0.9;level=1, image/avif;q=0.5", kAll, F::kWebp));
  // Empty parameters are allowed by the grammar.
  EXPECT_TRUE(picks("image/webp;;q=0.9, image/avif;q=0.5", kAll, F::kWebp));
  EXPECT_TRUE(picks("image/png;", kAll, F::kPng));
}

TEST(Negotiate, NamesMustMatchWhole) {
  EXPECT_TRUE(picks("image/webpx, image/jpeg;q=0.1", kAll, F::kJpeg));
  EXPECT_TRUE(picks("image/web, image/jpeg;q=0.1", kAll, F::kJpeg));
  EXPECT_TRUE(picks("image/webpwebpwebp, image/jpeg;q=0.1", kAll, F::kJpeg));
  EXPECT_TRUE(picks("images/*, image/jpeg;q=0.1", kAll, F::kJpeg));
  EXPECT_TRUE(picks("imag/*, image/jpeg;q=0.1", kAll, F::kJpeg));
  EXPECT_TRUE(
      picks("image/svg+xmlx, image/svg", {F::kSvg, F::kJpeg}, F::kJpeg, false));
  // The same name at the end of the header and followed by more text.
  EXPECT_TRUE(picks("image/WEBP", kAll, F::kWebp));
  EXPECT_TRUE(picks("image/WEBP;q=0.5, image/jpeg;q=0.4", kAll, F::kWebp));
}

TEST(Negotiate, OtherFormats) {
  EXPECT_TRUE(picks("image/svg+xml", {F::kPng, F::kSvg}, F::kSvg));
  EXPECT_TRUE(picks("image/jxl, image/*;q=0.5", {F::kAvif, F::kJxl}, F::kJxl));
  // After PNG, the remaining formats are ranked in enum order.
  EXPECT_TRUE(picks("*/*", {F::kJxl, F::kGif}, F::kGif));
  EXPECT_TRUE(picks("*/*", {F::kGif, F::kPng}, F::kPng));
}

// --- Missing and malformed headers -------------------------------------------

TEST(Negotiate, MissingHeaderServesJpeg) {
  EXPECT_TRUE(picks("", kAll, F::kJpeg));
  EXPECT_TRUE(picks(" \t ", kAll, F::kJpeg));
  // A list with no element names no range either.
  EXPECT_TRUE(picks(" , ,", kAll, F::kJpeg));
}

TEST(Negotiate, MissingHeaderWithoutJpegServesTheMostCompatible) {
  EXPECT_TRUE(picks("", {F::kAvif, F::kWebp, F::kPng}, F::kPng));
  EXPECT_TRUE(picks("", {F::kAvif, F::kWebp}, F::kWebp));
  EXPECT_TRUE(picks("", {F::kAvif}, F::kAvif));
}

TEST(Negotiate, MalformedHeaderServesJpeg) {
  for (std::string_view accept : {
           "image/webp;q=abc",
           "image",
           ";;",
           "image/",
           "/webp",
           "/",
           "image/webp;q=1.5",
           "image/webp;q=2",
           "image/webp;q=1.001",
           "image/webp;q=0.1234",
           "image/webp;q=1.0000",
           "image/webp;q=",
           "image/webp;q=.5",
           "image/webp;q=-0",
           "image/webp;q=01",
           "image/webp;q=0.5x",
           "image/webp;q=\"0.5\"",
           "image/webp;q=0.5;q=0.6",
           "image/webp;foo",
           "image/webp;foo=",
           "image/webp;=bar",
           "image/webp;foo=\"unterminated",
           "image/webp;foo=\"bad\\",
           "image/we bp",
           "image / webp",
           "image/webp image/avif",
           "image/<webp>",
           "image/web(p)",
           "image/webp\x01",
           "image/w\xC3\xA9p",
           "image/webp;foo=\"a\x01\"",
           // One bad element spoils the whole header.
           "image/avif, image/webp;q=abc",
           "image/avif;q=1, image",
       }) {
    EXPECT_TRUE(picks(accept, kAll, F::kJpeg)) << "[" << accept << "]";
  }
  // Embedded NUL: string_view keeps it, the parser must reject it.
  EXPECT_TRUE(picks(std::string_view("image/avif\0", 11), kAll, F::kJpeg));
}

TEST(Negotiate, MalformedHeaderWithoutJpegServesTheMostCompatible) {
  EXPECT_TRUE(
      picks("image/avif;q=abc", {F::kAvif, F::kWebp, F::kPng}, F::kPng));
  EXPECT_TRUE(picks("image/avif;q=abc", {F::kAvif, F::kWebp}, F::kWebp));
}

// --- The `available` list
// -----------------------------------------------------

TEST(Negotiate, NothingAvailable) {
  EXPECT_TRUE(picks(kChrome, {}, F::kUnknown, false));
  EXPECT_TRUE(picks("", {}, F::kUnknown, false));
  EXPECT_TRUE(picks("image/webp;q=abc", {}, F::kUnknown, false));
}

TEST(Negotiate, OrderOfAvailableIsIrrelevant) {
  const std::vector<Format> forward{F::kJpeg, F::kPng, F::kWebp, F::kAvif};
  const std::vector<Format> backward{F::kAvif, F::kWebp, F::kPng, F::kJpeg};
  for (std::string_view accept :
       {kChrome, kSafari16, kFirefox, kOldFirefox, kIe, std::string_view("*/*"),
        std::string_view("")}) {
    EXPECT_EQ(run(accept, forward).format, run(accept, backward).format)
        << accept;
  }
}

TEST(Negotiate, DuplicatesInAvailable) {
  EXPECT_TRUE(
      picks(kFirefox, {F::kWebp, F::kWebp, F::kJpeg, F::kWebp}, F::kWebp));
}

TEST(Negotiate, UnknownIsNeverOffered) {
  EXPECT_TRUE(picks("image/webp, */*", {F::kUnknown, F::kWebp}, F::kWebp));
  EXPECT_TRUE(picks("*/*", {F::kUnknown}, F::kUnknown, false));
  EXPECT_TRUE(picks("application/octet-stream", {F::kUnknown, F::kPng},
                    F::kUnknown, false));
  EXPECT_TRUE(picks("", {F::kUnknown, F::kPng}, F::kPng));
}

// --- Size
// ---------------------------------------------------------------------

TEST(Negotiate, LongHeader) {
  std::string accept;
  for (int i = 0; accept.size() < 2048; ++i) {
    accept += "image/x-vendor-format-" + std::to_string(i) + ";q=0.9, ";
  }
  accept += "image/webp;q=0.3, image/png;q=0.2, */*;q=0.1";
  ASSERT_GT(accept.size(), 2048u);
  EXPECT_TRUE(picks(accept, kAll, F::kWebp));

  // A bad element at the very end is still seen.
  EXPECT_TRUE(picks(accept + ", image", {F::kWebp, F::kJpeg}, F::kJpeg));

  // Many calls on the same header agree (no hidden state between calls).
  for (int i = 0; i < 10000; ++i) {
    ASSERT_EQ(run(accept, kAll).format, F::kWebp);
  }
}

TEST(Negotiate, VeryLongHeaderIsLinear) {
  std::string accept(1 << 20, ' ');
  accept += "image/png";
  EXPECT_TRUE(picks(accept, kAll, F::kPng));
  std::string commas(1 << 20, ',');
  EXPECT_TRUE(picks(commas, kAll, F::kJpeg));
}

}  // namespace
}  // namespace imagebank
