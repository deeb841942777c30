// The imagebank executable, run as a user would: output format and exit
// statuses.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

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
    EXPECT_EQ(o.size(), 12u);
  }
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

}  // namespace
}  // namespace imagebank
