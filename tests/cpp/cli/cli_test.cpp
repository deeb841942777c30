// The imagebank executable, run as a user would: output format and exit
// statuses.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "adapters/s3_loopback_server.hpp"
#include "imagebank/catalog/types.hpp"
#include "imagebank/image/decode.hpp"
#include "imagebank/image/encode.hpp"
#include "imagebank/image/resize.hpp"
#include "support/test_support.hpp"

namespace imagebank {
namespace {

struct CliRun {
  int status = -1;
  std::string out;
  std::string err;
};

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

CliRun run(const std::vector<std::string>& args) {
  const auto err_path = std::filesystem::temp_directory_path() /
                        ("imagebank_cli_err_" + std::to_string(::getpid()));
  std::string cmd = quote(IMAGEBANK_CLI_PATH);
  for (const auto& a : args) cmd += " " + quote(a);
  cmd += " 2>" + quote(err_path.string());
  CliRun r;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) {
    r.out.append(buf.data(), n);
  }
  const int raw = ::pclose(pipe);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  const auto err_bytes = testing::read_file(err_path);
  r.err.assign(reinterpret_cast<const char*>(err_bytes.data()),
               err_bytes.size());
  std::filesystem::remove(err_path);
  return r;
}

std::vector<boost::json::object> json_lines(const std::string& out) {
  std::vector<boost::json::object> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(boost::json::parse(line).as_object());
  }
  return lines;
}

TEST(Cli, ProbeJsonHasEveryFieldForEveryFile) {
  std::vector<std::string> args = {"probe", "--json"};
  const auto expected = testing::expected_probes();
  for (const auto& e : expected) args.push_back(testing::data_path(e.file));
  const CliRun r = run(args);
  ASSERT_EQ(r.status, 0) << r.err;
  const auto lines = json_lines(r.out);
  ASSERT_EQ(lines.size(), expected.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& o = lines[i];
    const auto& want = expected[i].info;
    SCOPED_TRACE(expected[i].file);
    EXPECT_EQ(o.at("path").as_string(),
              testing::data_path(expected[i].file).string());
    EXPECT_EQ(o.at("format").as_string(), format_name(want.format));
    EXPECT_EQ(o.at("width").to_number<std::uint32_t>(), want.width);
    EXPECT_EQ(o.at("height").to_number<std::uint32_t>(), want.height);
    EXPECT_EQ(o.at("channels").to_number<int>(), want.channels);
    EXPECT_EQ(o.at("bit_depth").to_number<int>(), want.bit_depth);
    EXPECT_EQ(o.at("has_alpha").as_bool(), want.has_alpha);
    EXPECT_EQ(o.at("orientation").to_number<int>(), want.orientation);
    EXPECT_EQ(o.at("progressive").as_bool(), want.progressive);
    EXPECT_EQ(o.at("icc").as_bool(), want.icc);
    EXPECT_EQ(o.at("frames").to_number<std::uint32_t>(), want.frames);
    EXPECT_EQ(o.at("bytes").to_number<std::uint64_t>(),
              std::filesystem::file_size(testing::data_path(expected[i].file)));
    EXPECT_TRUE(o.at("tolerated").as_array().empty());
    EXPECT_EQ(o.size(), 13u);
  }
}

TEST(Cli, FailOnSelectsTheDecodingPolicy) {
  // rgb.jpg with three stray bytes before its first DQT marker.
  testing::Bytes b = testing::read_file(testing::data_path("rgb.jpg"));
  const std::size_t dqt = testing::find(b, "\xFF\xDB");
  b.insert(b.begin() + static_cast<std::ptrdiff_t>(dqt), 3, std::byte{0});
  const auto path = std::filesystem::temp_directory_path() /
                    ("imagebank_stray_" + std::to_string(::getpid()) + ".jpg");
  testing::write_file(path, b);
  const CliRun ok = run({"probe", "--json", path.string()});
  ASSERT_EQ(ok.status, 0) << ok.err;
  const auto lines = json_lines(ok.out);
  ASSERT_EQ(lines.size(), 1u);
  ASSERT_EQ(lines[0].at("tolerated").as_array().size(), 1u);
  EXPECT_EQ(lines[0].at("tolerated").as_array()[0].as_string(),
            "jpeg_extraneous_bytes");
  const CliRun strict =
      run({"probe", "--json", "--fail-on", "warning", path.string()});
  EXPECT_EQ(strict.status, 1);
  EXPECT_NE(strict.out.find("extraneous"), std::string::npos) << strict.out;
  const CliRun hashed = run({"hash", "--fail-on", "warning", path.string()});
  EXPECT_EQ(hashed.status, 1) << hashed.out;
  const CliRun bad = run({"probe", "--fail-on", "strict", path.string()});
  EXPECT_EQ(bad.status, 2);
  std::filesystem::remove(path);
}

TEST(Cli, FailedInputsAreJsonErrorsAndExitOne) {
  const auto empty =
      std::filesystem::temp_directory_path() / "imagebank_empty.jpg";
  testing::write_file(empty, {});
  const CliRun r =
      run({"probe", "--json", testing::data_path("rgb.png"), "/nonexistent.jpg",
           testing::data_path("sample.gif"), empty.string()});
  std::filesystem::remove(empty);
  EXPECT_EQ(r.status, 1);
  const auto lines = json_lines(r.out);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].at("format").as_string(), "png");
  const std::pair<const char*, const char*> errors[] = {
      {"/nonexistent.jpg", "not_found"},
      {"sample.gif", "unsupported_format"},
      {"imagebank_empty.jpg", "corrupt_data"}};
  for (std::size_t i = 0; i < 3; ++i) {
    const auto& o = lines[i + 1];
    EXPECT_EQ(o.size(), 2u);
    EXPECT_NE(std::string(o.at("path").as_string()).find(errors[i].first),
              std::string::npos);
    const auto& error = o.at("error").as_object();
    EXPECT_EQ(error.at("code").as_string(), errors[i].second);
    EXPECT_NE(
        std::string(error.at("message").as_string()).find(errors[i].first),
        std::string::npos);
  }
}

TEST(Cli, HumanOutputAndErrorsOnStderr) {
  const CliRun r = run({"probe", testing::data_path("orient6.jpg"),
                        testing::data_path("sample.heic")});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("orient6.jpg: jpeg 64x48, 3 channels, 8-bit, baseline, "
                       "orientation 6"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("sample.heic"), std::string::npos);
  EXPECT_NE(r.err.find("unsupported_format"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("heic"), std::string::npos);
}

TEST(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(run({}).status, 2);
  EXPECT_EQ(run({"probe"}).status, 2);
  EXPECT_EQ(run({"frobnicate"}).status, 2);
  EXPECT_EQ(run({"probe", "--no-such-flag", "a.jpg"}).status, 2);
  EXPECT_EQ(run({"probe", "--max-megapixels", "-3", "a.jpg"}).status, 2);
}

TEST(Cli, HelpAndVersionExitZero) {
  const CliRun help = run({"--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("probe"), std::string::npos);
  const CliRun version = run({"--version"});
  EXPECT_EQ(version.status, 0);
  EXPECT_NE(version.out.find(IMAGEBANK_EXPECTED_VERSION), std::string::npos);
}

TEST(Cli, LimitOptionsApply) {
  const CliRun r = run({"probe", "--json", "--max-dimension", "50",
                        testing::data_path("rgb.jpg")});
  EXPECT_EQ(r.status, 1);
  const auto lines = json_lines(r.out);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].at("error").at("code").as_string(), "limit_exceeded");
}

TEST(Cli, VariantsWritesEveryOutputAndReportsIt) {
  const auto out = std::filesystem::temp_directory_path() /
                   ("imagebank_variants_" + std::to_string(::getpid()));
  std::filesystem::remove_all(out);
  const CliRun r =
      run({"variants", "--json", "--out", out.string(), "--presets",
           "thumbnail,small", "--formats", "webp,jpeg",
           testing::data_path("orient6.jpg"), "/nonexistent.jpg"});
  EXPECT_EQ(r.status, 1) << r.err;  // the missing file fails, the rest goes on
  const auto lines = json_lines(r.out);
  ASSERT_EQ(lines.size(), 5u) << r.out;
  const char* names[] = {"thumbnail.webp", "thumbnail.jpg", "small.webp",
                         "small.jpg"};
  for (std::size_t i = 0; i < 4; ++i) {
    const auto& o = lines[i];
    const std::filesystem::path path(std::string(o.at("path").as_string()));
    EXPECT_EQ(path, out / "orient6" / names[i]);
    ASSERT_TRUE(std::filesystem::exists(path)) << path;
    EXPECT_EQ(o.at("bytes").to_number<std::uint64_t>(),
              std::filesystem::file_size(path));
    // thumbnail 300x300 cover of a 48x64 image: not enlarged.
    EXPECT_EQ(o.at("width").to_number<int>(), 48);
    EXPECT_EQ(o.at("height").to_number<int>(), i < 2 ? 48 : 64);
  }
  EXPECT_EQ(lines[4].at("error").at("code").as_string(), "not_found");
  EXPECT_EQ(run({"variants", "--out", out.string(), "--presets", "huge",
                 testing::data_path("rgb.jpg")})
                .status,
            2);
  EXPECT_EQ(run({"variants", testing::data_path("rgb.jpg")}).status, 2);
  std::filesystem::remove_all(out);
}

TEST(Cli, HashPrintsShaAndTheRequestedHashes) {
  const CliRun r = run({"hash", "--json", "--compat", "imagehash",
                        testing::data_path("rgb.jpg"),
                        testing::data_path("cmyk.jpg"), "/nonexistent.jpg"});
  EXPECT_EQ(r.status, 1) << r.err;
  const auto lines = json_lines(r.out);
  ASSERT_EQ(lines.size(), 3u) << r.out;
  // imagehash 4.3.2 with Pillow 13 on rgb.jpg: phash, dhash, average_hash.
  EXPECT_EQ(lines[0].at("phash").as_string(), "ad12926d979d121f");
  EXPECT_EQ(lines[0].at("dhash").as_string(), "bcbffff7e3e3f7fd");
  EXPECT_EQ(lines[0].at("ahash").as_string(), "0600030331f1fbff");
  EXPECT_EQ(lines[0].at("pdq").as_string().size(), 64u);
  EXPECT_TRUE(lines[0].contains("pdq_quality"));
  // coreutils' sha256sum of cmyk.jpg.
  EXPECT_EQ(lines[1].at("sha256").as_string(),
            "d80689abbaa8f2bb4c8a9810d24c8e7c881ed983f44b23c75edfbe9ed7c71db7");
  EXPECT_EQ(lines[2].at("error").at("code").as_string(), "not_found");

  const CliRun only =
      run({"hash", "--json", "--algo", "dhash", testing::data_path("rgb.png")});
  ASSERT_EQ(only.status, 0) << only.err;
  const auto one = json_lines(only.out);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_TRUE(one[0].contains("dhash"));
  EXPECT_FALSE(one[0].contains("phash"));
  EXPECT_FALSE(one[0].contains("pdq"));
  EXPECT_EQ(
      run({"hash", "--algo", "md5", testing::data_path("rgb.png")}).status, 2);
  EXPECT_EQ(
      run({"hash", "--compat", "pillow", testing::data_path("rgb.png")}).status,
      2);
}

TEST(Cli, DedupeGroupsExactAndNearDuplicatesWithTheKeeper) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() /
                       ("imagebank_dedupe_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "sub");
  // A real photo-like test image, an exact copy, a half-size re-encode (made
  // with the codec tools' library through imagebank) and an unrelated image.
  const fs::path original = testing::data_path("icc.jpg");
  fs::copy_file(original, dir / "a_original.jpg");
  fs::copy_file(original, dir / "sub" / "b_copy.jpg");
  auto decoded = decode(original);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  auto half = resize(*decoded, decoded->width() / 2, decoded->height() / 2);
  ASSERT_TRUE(half.ok());
  EncodeOptions eo;
  eo.format = Format::kJpeg;
  eo.quality = 60;
  auto small = encode(*half, eo);
  ASSERT_TRUE(small.ok());
  testing::write_file(dir / "c_small.jpg", *small);
  // Not made from the test picture (the other test images are).
  fs::copy_file(testing::data_path("hash/symmetric.png"), dir / "d_other.png");
  testing::write_file(dir / "e_broken.jpg", testing::Bytes(10, std::byte{0}));

  const CliRun r = run({"dedupe", "--json", dir.string()});
  EXPECT_EQ(r.status, 1) << r.err << r.out;  // the broken file
  const auto lines = json_lines(r.out);
  std::vector<boost::json::object> groups;
  int errors = 0;
  for (const auto& l : lines) {
    if (l.contains("error")) {
      ++errors;
      EXPECT_NE(std::string(l.at("path").as_string()).find("e_broken.jpg"),
                std::string::npos);
    } else {
      groups.push_back(l);
    }
  }
  EXPECT_EQ(errors, 1);
  ASSERT_EQ(groups.size(), 1u) << r.out;
  const auto& g = groups[0];
  // Same pixels and bytes: the first path keeps.
  EXPECT_EQ(g.at("keeper").as_string(), (dir / "a_original.jpg").string());
  const auto& members = g.at("members").as_array();
  ASSERT_EQ(members.size(), 3u);
  for (const auto& mv : members) {
    const auto& m = mv.as_object();
    const std::string path(m.at("path").as_string());
    if (path.find("b_copy") != std::string::npos) {
      EXPECT_TRUE(m.at("exact").as_bool());
      EXPECT_EQ(m.at("distance").to_number<int>(), 0);
    } else if (path.find("c_small") != std::string::npos) {
      EXPECT_FALSE(m.at("exact").as_bool());
      EXPECT_LE(m.at("distance").to_number<int>(), 5);
    } else {
      EXPECT_TRUE(m.at("keeper").as_bool()) << path;
    }
  }
  // Radius 0 still groups the exact copies; PDQ finds the same group.
  const CliRun strict_run =
      run({"dedupe", "--json", "--radius", "0",
           (dir / "a_original.jpg").string(), (dir / "sub").string()});
  const auto strict = json_lines(strict_run.out);
  ASSERT_EQ(strict.size(), 1u) << strict_run.status << strict_run.err;
  EXPECT_EQ(strict[0].at("members").as_array().size(), 2u);
  const auto pdq_groups =
      json_lines(run({"dedupe", "--json", "--algo", "pdq",
                      (dir / "a_original.jpg").string(), (dir / "sub").string(),
                      (dir / "c_small.jpg").string()})
                     .out);
  ASSERT_EQ(pdq_groups.size(), 1u);
  EXPECT_EQ(pdq_groups[0].at("members").as_array().size(), 3u);
  // Two flat images of different sizes and greys hash alike (every AC
  // coefficient is 0) but are not duplicates: reported as featureless, and
  // grouped only with their exact copies.
  const fs::path flat_dir = dir / "flat";
  fs::create_directories(flat_dir);
  for (const auto& [name, size, grey] :
       {std::tuple{"f1.png", 64u, 40}, std::tuple{"f2.png", 80u, 200}}) {
    auto img = Image::create(size, size, 3);
    ASSERT_TRUE(img.ok());
    std::fill_n(img->data(), img->size_bytes(), std::uint8_t(grey));
    EncodeOptions png;
    png.format = Format::kPng;
    auto bytes = encode(*img, png);
    ASSERT_TRUE(bytes.ok());
    testing::write_file(flat_dir / name, *bytes);
  }
  fs::copy_file(flat_dir / "f1.png", flat_dir / "f3.png");
  for (const char* algo : {"phash", "pdq"}) {
    const auto flat = json_lines(
        run({"dedupe", "--json", "--algo", algo, flat_dir.string()}).out);
    ASSERT_EQ(flat.size(), 3u) << algo;
    int featureless = 0;
    for (const auto& l : flat) {
      if (l.contains("featureless")) {
        ++featureless;
      } else {
        ASSERT_TRUE(l.contains("members")) << algo;
        ASSERT_EQ(l.at("members").as_array().size(), 2u) << algo;
        EXPECT_TRUE(l.at("members").as_array()[1].at("exact").as_bool());
      }
    }
    EXPECT_EQ(featureless, 2) << algo;  // one per distinct content
  }
  EXPECT_EQ(run({"dedupe", "--algo", "md5", dir.string()}).status, 2);
  EXPECT_EQ(run({"dedupe", "--radius", "20", dir.string()}).status, 2);
  fs::remove_all(dir);
}

TEST(Cli, CarteiraImportThenReportsFromTheBank) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("imagebank_cli_bank_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const std::string bank = dir.string();
  const std::string carteira =
      testing::data_path("carteira/carteira.xlsx").string();
  auto imported = run({"carteira", carteira, "--import", "--brand", "Marca A",
                       "--collection", "Verão 2027", "--bank", bank, "--json"});
  ASSERT_EQ(imported.status, 0) << imported.err;
  auto lines = json_lines(imported.out);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].at("products_created").as_int64(), 7);
  EXPECT_TRUE(std::filesystem::exists(dir / "bank.db"));

  // Importing again updates the same products.
  auto again = run({"carteira", carteira, "--import", "--brand", "Marca A",
                    "--collection", "Verão 2027", "--bank", bank, "--json"});
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(json_lines(again.out)[0].at("products_updated").as_int64(), 7);

  auto coverage = run({"report", "coverage", "--bank", bank, "--json"});
  ASSERT_EQ(coverage.status, 0) << coverage.err;
  auto cov = json_lines(coverage.out);
  ASSERT_EQ(cov.size(), 1u);
  EXPECT_EQ(cov[0].at("collection").as_string(), "Verão 2027");
  EXPECT_EQ(cov[0].at("products").as_int64(), 7);
  EXPECT_EQ(cov[0].at("products_with_photo").as_int64(), 0);
  EXPECT_EQ(cov[0].at("views").as_object().at("front").as_int64(), 0);

  auto missing = run({"report", "missing-photos", "--bank", bank, "--csv",
                      "--collection", "Verão 2027"});
  ASSERT_EQ(missing.status, 0) << missing.err;
  EXPECT_EQ(missing.out.rfind("collection,sku,nome_peca,", 0), 0u)
      << missing.out;
  EXPECT_EQ(std::count(missing.out.begin(), missing.out.end(), '\n'), 8);
  EXPECT_NE(missing.out.find("Verão 2027,123456,Blusa Básica"),
            std::string::npos)
      << missing.out;
  // Every Carteira field, in the table's order.
  std::string header = "collection,sku";
  for (const CarteiraFieldMember& f : kCarteiraFieldTable) {
    header += "," + std::string(f.name);
  }
  EXPECT_EQ(missing.out.substr(0, missing.out.find("\r\n")), header);
  auto missing_json = run({"report", "missing-photos", "--bank", bank, "--json",
                           "--collection", "Verão 2027"});
  ASSERT_EQ(missing_json.status, 0) << missing_json.err;
  const auto records = json_lines(missing_json.out);
  ASSERT_EQ(records.size(), 7u);
  for (const CarteiraFieldMember& f : kCarteiraFieldTable) {
    EXPECT_TRUE(records[0].contains(f.name)) << f.name;
  }

  auto status = run({"report", "status", "--bank", bank});
  ASSERT_EQ(status.status, 0) << status.err;
  EXPECT_NE(status.out.find("total images: 0"), std::string::npos)
      << status.out;

  auto unknown =
      run({"report", "coverage", "--bank", bank, "--collection", "Inverno"});
  EXPECT_EQ(unknown.status, 1);
  EXPECT_NE(unknown.err.find("not_found"), std::string::npos) << unknown.err;
  auto bad_uri =
      run({"report", "status", "--db", "mysql://x", "--storage", "memory:"});
  EXPECT_EQ(bad_uri.status, 1);
  EXPECT_NE(bad_uri.err.find("invalid_argument"), std::string::npos)
      << bad_uri.err;
  auto both =
      run({"report", "status", "--bank", bank, "--db", "sqlite:///x.db"});
  EXPECT_EQ(both.status, 2);
  auto no_collection = run({"carteira", carteira, "--import", "--bank", bank});
  EXPECT_EQ(no_collection.status, 2);
  std::filesystem::remove_all(dir);
}

TEST(Cli, ExportWritesEachFormatToStdoutOrAFile) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("imagebank_cli_export_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const std::string bank = (dir / "bank").string();
  auto imported =
      run({"carteira", testing::data_path("carteira/carteira.xlsx").string(),
           "--import", "--brand", "Marca A", "--collection", "Verão 2027",
           "--bank", bank});
  ASSERT_EQ(imported.status, 0) << imported.err;

  // CSV on stdout: the header and one line per product; the result on
  // stderr.
  auto csv = run({"export", "--format", "csv", "--bank", bank,
                  "--csv-delimiter", ";", "--bom"});
  ASSERT_EQ(csv.status, 0) << csv.err;
  EXPECT_EQ(csv.out.rfind("\xEF\xBB\xBFsku;sku_base;marca_catalogo;", 0), 0u)
      << csv.out;
  EXPECT_EQ(std::count(csv.out.begin(), csv.out.end(), '\n'), 8);
  EXPECT_NE(csv.out.find("123456;123456;Marca A;Verão 2027;Blusa Básica"),
            std::string::npos)
      << csv.out;
  EXPECT_NE(csv.err.find("7 produtos"), std::string::npos) << csv.err;

  // XLSX to a file, the result as JSON.
  const std::string xlsx = (dir / "produtos.xlsx").string();
  auto file = run({"export", "--format", "xlsx", "--bank", bank, "-o", xlsx,
                   "--json", "--collection", "Verão 2027"});
  ASSERT_EQ(file.status, 0) << file.err;
  const auto lines = json_lines(file.out);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].at("products").as_int64(), 7);
  EXPECT_EQ(lines[0].at("bytes").as_int64(),
            static_cast<std::int64_t>(std::filesystem::file_size(xlsx)));

  auto jsonl =
      run({"export", "--format", "jsonl", "--bank", bank, "--columns", "sku"});
  ASSERT_EQ(jsonl.status, 0) << jsonl.err;
  EXPECT_EQ(json_lines(jsonl.out).size(), 7u);

  // Refusals: an unknown collection (1), a format or delimiter the command
  // does not know (2), --sign without keys in the environment (2).
  auto unknown =
      run({"export", "--format", "csv", "--bank", bank, "--brand", "Nada"});
  EXPECT_EQ(unknown.status, 1);
  EXPECT_NE(unknown.err.find("not_found"), std::string::npos) << unknown.err;
  EXPECT_EQ(run({"export", "--format", "pdf", "--bank", bank}).status, 2);
  EXPECT_EQ(
      run({"export", "--format", "csv", "--csv-delimiter", "|", "--bank", bank})
          .status,
      2);
  ::unsetenv("IMAGEBANK_URL_KEYS");
  auto unsigned_ = run({"export", "--format", "csv", "--sign", "--bank", bank});
  EXPECT_EQ(unsigned_.status, 2);
  EXPECT_NE(unsigned_.err.find("IMAGEBANK_URL_KEYS"), std::string::npos)
      << unsigned_.err;
  std::filesystem::remove_all(dir);
}

TEST(Cli, IngestBatchWorkerAndReconcile) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("imagebank_cli_ingest_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const auto photos = dir / "photos";
  std::filesystem::create_directories(photos / "123456");
  std::filesystem::copy_file(testing::data_path("rgb.jpg"),
                             photos / "001234_FRENTE.jpg");
  std::filesystem::copy_file(testing::data_path("rgb.png"),
                             photos / "123456" / "COSTAS.png");
  std::filesystem::copy_file(testing::data_path("gray.jpg"),
                             photos / "NOVO9_FRENTE.jpg");
  std::filesystem::copy_file(testing::data_path("sample.gif"),
                             photos / "ABC-77_FRENTE.gif");
  const std::string bank = (dir / "bank").string();
  const std::string carteira =
      testing::data_path("carteira/carteira.xlsx").string();
  const std::vector<std::string> quick = {"--formats", "jpeg",   "--presets",
                                          "thumbnail", "--bank", bank};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.end(), quick.begin(), quick.end());
    return args;
  };

  auto ingest =
      run(with({"ingest", photos.string(), "--carteira", carteira, "--brand",
                "Marca A", "--collection", "Verão 2027", "--json"}));
  // One file is a GIF: reported, exit 1, the rest stored.
  EXPECT_EQ(ingest.status, 1) << ingest.err;
  bool saw_batch = false, saw_failure = false, saw_progress = false;
  for (const auto& line : json_lines(ingest.out)) {
    if (line.contains("error")) {
      saw_failure = true;
      EXPECT_EQ(line.at("error").at("code").as_string(), "unsupported_format");
      EXPECT_NE(std::string(line.at("path").as_string()).find("ABC-77_FRENTE"),
                std::string::npos);
      continue;
    }
    const auto type = line.at("type").as_string();
    if (type == "progress") saw_progress = true;
    if (type == "batch") {
      saw_batch = true;
      EXPECT_EQ(line.at("state").as_string(), "done");
      EXPECT_EQ(line.at("done").as_int64(), 3);
      EXPECT_EQ(line.at("failed").as_int64(), 1);
    }
  }
  EXPECT_TRUE(saw_batch && saw_failure && saw_progress) << ingest.out;

  auto coverage = run({"report", "coverage", "--bank", bank, "--json"});
  ASSERT_EQ(coverage.status, 0) << coverage.err;
  auto cov = json_lines(coverage.out);
  ASSERT_EQ(cov.size(), 1u);
  EXPECT_EQ(cov[0].at("products_with_photo").as_int64(), 2);
  EXPECT_EQ(cov[0].at("views").as_object().at("back").as_int64(), 1);

  auto list = run({"batch", "list", "--bank", bank});
  ASSERT_EQ(list.status, 0) << list.err;
  EXPECT_NE(list.out.find("batch 1  done  4/4"), std::string::npos) << list.out;
  auto status = run({"batch", "status", "1", "--bank", bank});
  EXPECT_EQ(status.status, 1);  // it lists the failed file
  EXPECT_NE(status.err.find("unsupported_format"), std::string::npos)
      << status.err;
  EXPECT_NE(status.out.find("to review: 1 photos matched to no SKU"),
            std::string::npos)
      << status.out;
  EXPECT_EQ(run({"batch", "status", "--bank", bank}).status, 2);
  EXPECT_EQ(run({"batch", "status", "99", "--bank", bank}).status, 1);

  // Failed files go back to the queue; `worker` processes every queue.
  auto retry = run({"batch", "retry-failed", "1", "--bank", bank});
  EXPECT_EQ(retry.status, 0) << retry.err;
  EXPECT_NE(retry.out.find("1 failed files queued again"), std::string::npos)
      << retry.out;
  auto worker = run(with({"worker", "--json"}));
  EXPECT_EQ(worker.status, 1) << worker.err;  // the GIF fails again
  auto report = json_lines(worker.out);
  ASSERT_FALSE(report.empty());
  EXPECT_EQ(report.back().at("failed").as_int64(), 1);
  // A finished batch stays finished.
  auto cancel = run({"batch", "cancel", "1", "--bank", bank});
  EXPECT_EQ(cancel.status, 1);
  EXPECT_NE(cancel.err.find("conflict"), std::string::npos) << cancel.err;

  auto reconcile = run({"reconcile", "--bank", bank, "--json"});
  ASSERT_EQ(reconcile.status, 0) << reconcile.err;
  auto rec = json_lines(reconcile.out);
  ASSERT_EQ(rec.size(), 1u);
  EXPECT_EQ(rec[0].at("examined").as_int64(), 1);  // NOVO9 is not listed
  EXPECT_EQ(rec[0].at("linked").as_int64(), 0);

  // Options out of range are usage errors, found before the bank is
  // opened, naming the option.
  const auto unopened = dir / "unopened";
  for (const auto& [flag, value, named] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"--max-attempts", "0", "max_attempts"},
           {"--lease-seconds", "0.1", "lease_seconds"},
           {"--retry-seconds", "-1", "retry_seconds"},
           {"--near-radius", "11", "near_radius"},
           {"--formats", "jpeg,gif", "'gif'"},
           {"--presets", "", "presets"},
       }) {
    for (const char* command : {"ingest", "worker"}) {
      std::vector<std::string> args = {command};
      if (std::string(command) == "ingest") args.push_back(photos.string());
      args.insert(args.end(), {flag, value, "--bank", unopened.string()});
      auto bad = run(args);
      EXPECT_EQ(bad.status, 2) << command << " " << flag << ": " << bad.err;
      EXPECT_NE(bad.err.find(named), std::string::npos) << bad.err;
    }
    auto bad =
        run({"batch", "resume", "1", flag, value, "--bank", unopened.string()});
    EXPECT_EQ(bad.status, 2) << flag << ": " << bad.err;
  }
  EXPECT_FALSE(std::filesystem::exists(unopened));

  auto missing_path = run(with({"ingest", (dir / "nothing").string()}));
  EXPECT_EQ(missing_path.status, 1);
  EXPECT_NE(missing_path.err.find("no such file or folder"), std::string::npos)
      << missing_path.err;
  std::filesystem::remove_all(dir);
}

// --vision on ingest: each new photo is analysed as a job of its own; the
// batch shows its analysis beside its files, and analyze finds nothing
// left to do.
TEST(Cli, IngestWithVisionAnalysesEachNewPhotoAsAJob) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("imagebank_cli_vision_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const auto photos = dir / "photos";
  std::filesystem::create_directories(photos);
  std::filesystem::copy_file(testing::data_path("rgb.jpg"),
                             photos / "001234_FRENTE.jpg");
  std::filesystem::copy_file(testing::data_path("rgb.png"),
                             photos / "001234_COSTAS.png");
  const std::string bank = (dir / "bank").string();
  const std::vector<std::string> quick = {"--formats", "jpeg",   "--presets",
                                          "thumbnail", "--bank", bank};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.end(), quick.begin(), quick.end());
    return args;
  };

  // A bad list or count is a usage error, found before the bank is made.
  auto bad = run(with({"ingest", photos.string(), "--vision", "nope"}));
  EXPECT_EQ(bad.status, 2) << bad.err;
  EXPECT_NE(bad.err.find("--vision"), std::string::npos) << bad.err;
  bad = run(with({"ingest", photos.string(), "--vision", "offline",
                  "--analysis-workers", "0"}));
  EXPECT_EQ(bad.status, 2) << bad.err;
  EXPECT_NE(bad.err.find("analysis.workers"), std::string::npos) << bad.err;
  EXPECT_FALSE(std::filesystem::exists(bank));

  auto ingest =
      run(with({"ingest", photos.string(), "--vision", "offline", "--json"}));
  ASSERT_EQ(ingest.status, 0) << ingest.err;
  bool saw_batch = false;
  for (const auto& line : json_lines(ingest.out)) {
    if (line.at("type").as_string() != "batch") continue;
    saw_batch = true;
    EXPECT_EQ(line.at("state").as_string(), "done");
    EXPECT_EQ(line.at("done").as_int64(), 2);
    EXPECT_EQ(line.at("total").as_int64(), 2);  // files, not analyses
    EXPECT_EQ(line.at("analyzers").as_string(), "offline://");
    const auto& analysis = line.at("analysis").as_object();
    EXPECT_EQ(analysis.at("done").as_int64(), 2);
    EXPECT_EQ(analysis.at("failed").as_int64(), 0);
  }
  EXPECT_TRUE(saw_batch) << ingest.out;

  auto status = run({"batch", "status", "1", "--bank", bank});
  ASSERT_EQ(status.status, 0) << status.err;
  EXPECT_NE(status.out.find("analysis (offline://): done 2, failed 0, "
                            "waiting 0"),
            std::string::npos)
      << status.out;
  // Everything is analysed already: nothing is selected, nothing called.
  auto analyze =
      run({"analyze", "--vision", "offline", "--bank", bank, "--json"});
  ASSERT_EQ(analyze.status, 0) << analyze.err;
  auto records = json_lines(analyze.out);
  ASSERT_FALSE(records.empty());
  EXPECT_EQ(records.back().at("analysed").as_int64(), 0) << analyze.out;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace imagebank

namespace imagebank {
namespace {

TEST(Cli, KeysCreateListRevoke) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("imagebank_cli_keys_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const std::string bank = dir.string();
  const CliRun made = run({"keys", "create", "--name", "estúdio", "--scope",
                           "upload,read", "--bank", bank, "--json"});
  ASSERT_EQ(made.status, 0) << made.err;
  const auto created = json_lines(made.out);
  ASSERT_EQ(created.size(), 1u);
  const std::string key(created[0].at("key").as_string());
  const std::string prefix(created[0].at("prefix").as_string());
  EXPECT_EQ(key.rfind(prefix + "_", 0), 0u) << key;
  EXPECT_EQ(created[0].at("scopes").as_array().size(), 2u);

  const CliRun listed = run({"keys", "list", "--bank", bank, "--json"});
  ASSERT_EQ(listed.status, 0) << listed.err;
  // The list never shows the key.
  EXPECT_EQ(listed.out.find(key), std::string::npos);
  const auto rows = json_lines(listed.out);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].at("prefix").as_string(), prefix);
  EXPECT_TRUE(rows[0].at("revoked_ms").is_null());

  const CliRun revoked = run({"keys", "revoke", prefix, "--bank", bank});
  ASSERT_EQ(revoked.status, 0) << revoked.err;
  EXPECT_NE(revoked.out.find("(revoked)"), std::string::npos) << revoked.out;
  const CliRun again = run({"keys", "list", "--bank", bank, "--json"});
  EXPECT_FALSE(json_lines(again.out)[0].at("revoked_ms").is_null());

  EXPECT_EQ(
      run({"keys", "create", "--name", "x", "--scope", "write", "--bank", bank})
          .status,
      2);
  EXPECT_EQ(run({"keys", "create", "--scope", "read", "--bank", bank}).status,
            2);
  EXPECT_EQ(run({"keys", "revoke", "--bank", bank}).status, 2);
  const CliRun unknown = run({"keys", "revoke", "ib_00000000", "--bank", bank});
  EXPECT_EQ(unknown.status, 1);
  EXPECT_NE(unknown.err.find("not_found"), std::string::npos) << unknown.err;
  std::filesystem::remove_all(dir);
}

TEST(Cli, IngestUrlsSplitsTheListAndRefusesLoopbackUnlessAllowed) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("imagebank_cli_urls_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::map<std::string, std::string> files;
  for (const char* name :
       {"rgb.jpg", "rgb.png", "gray.jpg", "orient1.jpg", "orient3.jpg"}) {
    const auto bytes = testing::read_file(testing::data_path(name));
    files[std::string("/img/") + name] =
        std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
  testing::LoopbackServer server([&](const testing::LoopbackRequest& r) {
    auto it = files.find(r.target);
    if (it == files.end()) return testing::http_reply(404, "none");
    return testing::http_reply(200, it->second);
  });
  const auto list = dir / "lista.csv";
  {
    std::string csv = "URL da imagem;Refer\xeancia;Nome do arquivo\n";
    int n = 0;
    for (const auto& [path, bytes] : files) {
      csv += server.endpoint() + path + ";;ABC" + std::to_string(++n) +
             "_FRENTE.jpg\n";
    }
    csv += server.endpoint() + "/img/missing.jpg;;\n";
    csv += "ftp://example.com/a.jpg;;\n";
    std::ofstream(list, std::ios::binary) << csv;
  }
  const std::string bank = (dir / "bank").string();
  const std::string allow = "127.0.0.1:" + std::to_string(server.port());
  auto r = run({"ingest", "--urls", list.string(), "--max-batch-size", "2",
                "--allow-host", allow, "--formats", "jpeg", "--presets",
                "thumbnail", "--bank", bank, "--json"});
  EXPECT_EQ(r.status, 1) << r.err;  // a bad row and a 404
  int batches = 0, done = 0, failed = 0;
  std::vector<std::string> codes;
  for (const auto& line : json_lines(r.out)) {
    if (line.contains("error")) {
      codes.emplace_back(line.at("error").at("code").as_string());
      continue;
    }
    if (line.at("type").as_string() != "batch") continue;
    ++batches;
    EXPECT_EQ(line.at("state").as_string(), "done");
    EXPECT_EQ(line.at("source").as_string(), "urls");
    EXPECT_EQ(line.at("part").as_int64(), batches);
    done += static_cast<int>(line.at("done").as_int64());
    failed += static_cast<int>(line.at("failed").as_int64());
  }
  EXPECT_EQ(batches, 3);  // 6 URLs in parts of 2
  EXPECT_EQ(done, 5);
  EXPECT_EQ(failed, 1);
  std::sort(codes.begin(), codes.end());
  EXPECT_EQ(codes, (std::vector<std::string>{"invalid_argument", "not_found"}))
      << r.out;
  const int requests = server.requests();
  EXPECT_EQ(requests, 6);

  auto status = run({"batch", "status", "2", "--bank", bank});
  EXPECT_EQ(status.status, 0) << status.err;
  EXPECT_NE(status.out.find("1=batch 1 (done) 2=batch 2 (done) 3=batch 3 "
                            "(done)"),
            std::string::npos)
      << status.out;

  // The same list without --allow-host: every URL refused, none fetched.
  const std::string bank2 = (dir / "bank2").string();
  auto refused = run({"ingest", "--urls", list.string(), "--formats", "jpeg",
                      "--presets", "thumbnail", "--bank", bank2});
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.err.find("127.0.0.1 is a loopback address: fetching from "
                             "it is refused"),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(server.requests(), requests);
  EXPECT_EQ(run({"ingest", "--urls", list.string(), "--allow-host", "a b",
                 "--bank", bank2})
                .status,
            2);
  EXPECT_EQ(run({"ingest", "--bank", bank2}).status, 2);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace imagebank

namespace imagebank {
namespace {

// The same photo under two SKUs: flagged by ingest, listed by `report
// conflicts`, resolved by `review conflict`.
TEST(Cli, CrossSkuConflictsAreReportedAndResolved) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("imagebank_cli_conflicts_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const auto photos = dir / "photos";
  std::filesystem::create_directories(photos);
  std::filesystem::copy_file(testing::data_path("rgb.jpg"),
                             photos / "AB1_FRENTE.jpg");
  std::filesystem::copy_file(testing::data_path("rgb.jpg"),
                             photos / "AB2_FRENTE.jpg");
  std::ofstream(dir / "carteira.csv") << "SKU;Descrição\nAB1;Saia\nAB2;Blusa\n";
  const std::string bank = (dir / "bank").string();

  auto ingest = run({"ingest", photos.string(), "--carteira",
                     (dir / "carteira.csv").string(), "--brand", "Marca A",
                     "--collection", "Verão", "--formats", "jpeg", "--presets",
                     "thumbnail", "--bank", bank, "--json"});
  ASSERT_EQ(ingest.status, 0) << ingest.err << ingest.out;
  bool saw_review = false;
  for (const auto& line : json_lines(ingest.out)) {
    if (line.contains("type") && line.at("type").as_string() == "review") {
      saw_review = true;
      EXPECT_EQ(line.at("conflicts").as_int64(), 1);
    }
  }
  EXPECT_TRUE(saw_review) << ingest.out;

  auto listed = run({"report", "conflicts", "--bank", bank, "--json"});
  ASSERT_EQ(listed.status, 0) << listed.err;
  auto lines = json_lines(listed.out);
  ASSERT_EQ(lines.size(), 1u) << listed.out;
  EXPECT_EQ(lines[0].at("type").as_string(), "conflict");
  EXPECT_EQ(lines[0].at("kind").as_string(), "exact");
  EXPECT_EQ(lines[0].at("state").as_string(), "open");
  const std::string skus = std::string(lines[0].at("image_sku").as_string()) +
                           "," +
                           std::string(lines[0].at("other_sku").as_string());
  EXPECT_TRUE(skus == "AB1,AB2" || skus == "AB2,AB1") << skus;
  const std::string id = std::to_string(lines[0].at("id").as_int64());

  auto human = run({"report", "conflicts", "--bank", bank});
  ASSERT_EQ(human.status, 0) << human.err;
  EXPECT_NE(human.out.find("is the same file as"), std::string::npos)
      << human.out;
  EXPECT_NE(human.out.find("1 open cross-SKU conflicts"), std::string::npos)
      << human.out;
  EXPECT_EQ(run({"report", "conflicts", "--bank", bank, "--csv"}).status, 2);

  EXPECT_EQ(run({"review", "conflict", id, "--bank", bank}).status, 2)
      << "no decision";
  EXPECT_EQ(
      run({"review", "conflict", id, "--dismiss", "--discard", "--bank", bank})
          .status,
      2);
  auto missing = run(
      {"review", "conflict", id, "--relink", "ZZ9", "--bank", bank, "--json"});
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.out.find("not_found"), std::string::npos) << missing.out;

  auto relinked = run({"review", "conflict", id, "--relink", "AB2",
                       "--reviewer", "ana", "--bank", bank, "--json"});
  ASSERT_EQ(relinked.status, 0) << relinked.err << relinked.out;
  auto done = json_lines(relinked.out);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].at("state").as_string(), "relinked");
  EXPECT_EQ(done[0].at("resolved_by").as_string(), "ana");
  EXPECT_EQ(done[0].at("resolved_sku").as_string(), "AB2");
  auto again = run({"review", "conflict", id, "--dismiss", "--bank", bank});
  EXPECT_EQ(again.status, 1);
  EXPECT_NE(again.err.find("already relinked"), std::string::npos) << again.err;

  EXPECT_TRUE(
      json_lines(run({"report", "conflicts", "--bank", bank, "--json"}).out)
          .empty());
  EXPECT_EQ(
      json_lines(
          run({"report", "conflicts", "--all", "--bank", bank, "--json"}).out)
          .size(),
      1u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace imagebank
