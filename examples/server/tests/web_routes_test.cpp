// The web app's serving rules that need no running server: which
// Accept-Encoding values allow gzip, the gzip made at start, and the
// assets' hashed names with their gzipped bodies.
#include "web_routes.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <array>
#include <string>
#include <string_view>

namespace imagebank::server {
namespace {

std::string gunzip(std::string_view gz) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  std::string out;
  std::array<char, 4096> buf{};
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf.data());
    z.avail_out = static_cast<uInt>(buf.size());
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf.data(), buf.size() - z.avail_out);
  }
  inflateEnd(&z);
  EXPECT_EQ(rc, Z_STREAM_END);
  return out;
}

TEST(WebAssetsTest, AcceptEncodingAllowsGzip) {
  for (std::string_view yes :
       {"gzip", "gzip, deflate, br, zstd", "br;q=1.0, GZIP;q=0.5", "x-gzip",
        "*", "identity, *;q=0.1", "gzip ; q=1", "deflate,gzip"}) {
    EXPECT_TRUE(accepts_gzip(yes)) << yes;
  }
  for (std::string_view no :
       {"", "identity", "br, deflate", "gzip;q=0", "gzip; q=0.000", "*;q=0",
        "*, gzip;q=0", "gzipx", "gzip;q=0, *", ","}) {
    EXPECT_FALSE(accepts_gzip(no)) << no;
  }
}

TEST(WebAssetsTest, GzipRoundTrips) {
  std::string text;
  for (int i = 0; i < 500; ++i)
    text += "export const x" + std::to_string(i) + " = 1;\n";
  const std::string gz = gzip_compress(text);
  ASSERT_GE(gz.size(), 18u);
  EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(gz[1]), 0x8b);
  EXPECT_LT(gz.size(), text.size() / 4);
  EXPECT_EQ(gunzip(gz), text);
  EXPECT_EQ(gunzip(gzip_compress("")), "");
}

TEST(WebAssetsTest, AssetsCarryTheirGzipWhenSmaller) {
  std::string big(4000, 'a');
  const WebAssetSource sources[] = {
      {"index.html", "<script src=\"{{asset:app.js}}\"></script>{{importmap}}"},
      {"app.js", big},
      {"tiny.css", "a{}"},
  };
  auto assets = WebAssets::build(sources);
  ASSERT_TRUE(assets.ok()) << assets.status();
  const std::string url = assets->url("app.js");
  ASSERT_EQ(url.substr(0, 8), "/assets/");
  const WebAssets::Asset* js = assets->find(url.substr(8));
  ASSERT_NE(js, nullptr);
  EXPECT_EQ(gunzip(js->gzip), big);
  EXPECT_NE(js->gzip_etag, js->etag);
  EXPECT_EQ(js->gzip_etag.substr(0, js->etag.size() - 1),
            js->etag.substr(0, js->etag.size() - 1));
  // Three bytes do not shrink: no gzip body.
  const WebAssets::Asset* css = assets->find(assets->url("tiny.css").substr(8));
  ASSERT_NE(css, nullptr);
  EXPECT_TRUE(css->gzip.empty());
  EXPECT_EQ(gunzip(assets->index_html_gzip()), assets->index_html());
}

}  // namespace
}  // namespace imagebank::server
