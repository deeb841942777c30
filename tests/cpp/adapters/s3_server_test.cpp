// The S3 adapter against a real S3 server (MinIO on loopback): the BlobStore
// conformance suite, then what only S3 has (multipart uploads and their
// abort, listing past S3's 1000-key pages, refused credentials, a server
// that dies).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "adapters/s3/multipart.hpp"
#include "adapters/s3/s3_client.hpp"
#include "adapters/s3/s3_options.hpp"
#include "catalog/blob_store_conformance.hpp"
#include "imagebank/adapters/s3_blob_store.hpp"
#include "s3_minio_fixture.hpp"

namespace imagebank::testing {
namespace {

constexpr const char* kBucket = "imagebank-test";

MinioServer* g_server = nullptr;

// One server for the whole executable (it starts in ~2 s; ctest runs this
// executable as a single test for that reason).
class MinioEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    if (s3_tests_skipped_by_env()) {
      GTEST_SKIP() << "IMAGEBANK_SKIP_S3=1: S3 integration tests skipped";
    }
    auto server = MinioServer::start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(server).value();
    S3Options o = server_->options(kBucket, "");
    o.create_bucket = true;
    auto store = open_s3_blob_store(o);
    ASSERT_TRUE(store.ok()) << store.status() << "\n" << server_->log_tail();
    g_server = server_.get();
  }
  void TearDown() override {
    g_server = nullptr;
    server_.reset();
  }

 private:
  std::unique_ptr<MinioServer> server_;
};

const auto* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new MinioEnvironment);

std::string fresh_prefix() {
  static std::atomic<int> n{0};
  static const unsigned run = std::random_device{}();
  return "t" + std::to_string(run % 1000000) + "-" + std::to_string(n++);
}

// The conformance suite gets a fresh bucket per store, without a prefix:
// its 1024-byte keys only fit S3's key limit when no prefix is added.
// (Buckets are cheap in MinIO; the data dir goes when the server does.)
std::unique_ptr<BlobStore> fresh_store() {
  if (g_server == nullptr) return nullptr;
  S3Options o = g_server->options(fresh_prefix(), "");
  o.create_bucket = true;
  auto store = open_s3_blob_store(o);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? std::move(store).value() : nullptr;
}

std::vector<std::byte> noise(std::size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<std::byte> out(size);
  for (auto& b : out) b = static_cast<std::byte>(rng() & 0xff);
  return out;
}

class S3Server : public ::testing::Test {
 protected:
  void SetUp() override {
    if (g_server == nullptr) GTEST_SKIP() << "no server (see the environment)";
  }
};

// A part source that fails on its third part, as a disk error would.
class FailingBody final : public http::BodySource {
 public:
  explicit FailingBody(std::uint64_t size) : size_(size) {}
  std::uint64_t size() const override { return size_; }
  Status rewind() override { return ok_status(); }
  Result<std::size_t> read(std::span<std::byte>) override {
    return io_error("simulated read failure");
  }

 private:
  std::uint64_t size_;
};

TEST_F(S3Server, MultipartUploadRoundTripsFortyMegabytes) {
  const std::string prefix = fresh_prefix();
  auto store = open_s3_blob_store(g_server->options(kBucket, prefix));
  ASSERT_TRUE(store.ok()) << store.status();
  const auto data = noise((40u << 20) + 12345, 1);
  // From memory (put) and streamed from a file (put_file).
  ASSERT_TRUE((*store)->put("big/mem", data).ok());
  const auto file = std::filesystem::path(::testing::TempDir()) /
                    ("s3_big_" + std::to_string(::getpid()));
  {
    std::ofstream out(file, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data.data()),
              static_cast<std::streamsize>(data.size()));
  }
  Status put_file = (*store)->put_file("big/file", file);
  std::filesystem::remove(file);
  ASSERT_TRUE(put_file.ok()) << put_file;
  for (const char* key : {"big/mem", "big/file"}) {
    auto info = (*store)->head(key);
    ASSERT_TRUE(info.ok()) << info.status();
    EXPECT_EQ(info->size, data.size());
    auto got = (*store)->get_bytes(key);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_TRUE(*got == data) << key;
    // A range spanning a part boundary (parts are 8 MiB).
    auto range = (*store)->get_bytes(key, ByteRange{(8u << 20) - 100, 300});
    ASSERT_TRUE(range.ok()) << range.status();
    EXPECT_TRUE(std::equal(range->begin(), range->end(),
                           data.begin() + (8 << 20) - 100));
  }
}

TEST_F(S3Server, FailedMultipartLeavesNoObjectAndNoPendingUpload) {
  S3Options o = g_server->options(kBucket, fresh_prefix());
  auto config = s3::make_s3_config(o);
  ASSERT_TRUE(config.ok()) << config.status();
  auto client = s3::S3Client::create(*config);
  ASSERT_TRUE(client.ok()) << client.status();
  const std::string full_key = o.prefix + "/aborted";
  const auto data = noise(6u << 20, 2);
  int parts_made = 0;
  Status s = s3::multipart_upload(
      **client, full_key, 3 * (6u << 20), 6u << 20,
      [&](std::uint64_t,
          std::uint64_t length) -> std::unique_ptr<http::BodySource> {
        if (++parts_made == 3) return std::make_unique<FailingBody>(length);
        return std::make_unique<http::MemoryBody>(
            std::span<const std::byte>(data).first(length));
      },
      false);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kIoError) << s;
  EXPECT_EQ(parts_made, 3);

  auto store = open_s3_blob_store(o);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->head("aborted").status().code(), ErrorCode::kNotFound);
  auto pending = s3::list_multipart_uploads(**client, full_key);
  ASSERT_TRUE(pending.ok()) << pending.status();
  EXPECT_TRUE(pending->empty()) << pending->size() << " uploads left behind";
}

TEST_F(S3Server, ListPagesPastTheServersThousandKeyLimit) {
  auto opened = open_s3_blob_store(g_server->options(kBucket, fresh_prefix()));
  ASSERT_TRUE(opened.ok()) << opened.status();
  auto& store = *opened;
  constexpr int kKeys = 1105;
  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int i = w; i < kKeys; i += 4) {
        char key[32];
        std::snprintf(key, sizeof key, "many/%05d", i);
        if (!store->put(key, {}).ok()) ++failures;
      }
    });
  }
  for (auto& t : writers) t.join();
  ASSERT_EQ(failures.load(), 0);
  // One call larger than a server page: the store follows continuation
  // tokens itself.
  auto all = store->list("many/", "", 5000);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->blobs.size(), static_cast<std::size_t>(kKeys));
  EXPECT_TRUE(all->next_start_after.empty());
  EXPECT_TRUE(std::is_sorted(
      all->blobs.begin(), all->blobs.end(),
      [](const BlobInfo& a, const BlobInfo& b) { return a.key < b.key; }));
  // And pages of the default size.
  std::size_t seen = 0;
  std::string after;
  int pages = 0;
  do {
    auto page = store->list("many/", after);
    ASSERT_TRUE(page.ok()) << page.status();
    seen += page->blobs.size();
    after = page->next_start_after;
    ASSERT_LT(++pages, 5);
  } while (!after.empty());
  EXPECT_EQ(seen, static_cast<std::size_t>(kKeys));
  EXPECT_EQ(pages, 2);
}

TEST_F(S3Server, WrongSecretIsAClearErrorWithoutRetries) {
  S3Options o = g_server->options(kBucket, fresh_prefix());
  o.credentials->secret_access_key = "not-the-secret";
  o.max_attempts = 4;
  o.backoff_base = std::chrono::milliseconds(1000);
  o.backoff_cap = std::chrono::milliseconds(1000);
  const auto start = std::chrono::steady_clock::now();
  auto opened = open_s3_blob_store(o);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), ErrorCode::kIoError) << opened.status();
  EXPECT_NE(opened.status().message().find("SignatureDoesNotMatch"),
            std::string::npos)
      << opened.status();
  o.check_bucket = false;
  auto store = open_s3_blob_store(o);
  ASSERT_TRUE(store.ok());
  const std::vector<std::byte> data(10);
  Status s = (*store)->put("k", data);
  EXPECT_EQ(s.code(), ErrorCode::kIoError) << s;
  EXPECT_NE(s.message().find("SignatureDoesNotMatch"), std::string::npos) << s;
  EXPECT_NE(s.message().find("/k"), std::string::npos) << s;
  // Retrying would have ended in `unavailable` ("gave up after N
  // attempts"); a refusal is final at once.
  EXPECT_EQ(s.message().find("attempts"), std::string::npos) << s;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST_F(S3Server, KeysTooLongWithThePrefixAreRefusedBeforeAnyIo) {
  auto store = open_s3_blob_store(g_server->options(kBucket, "some/prefix"));
  ASSERT_TRUE(store.ok()) << store.status();
  std::string key;
  while (key.size() < 1019) key += "abcdefghi/";
  key.resize(1019);  // ends in a letter; 1031 bytes with the prefix
  Status s = (*store)->put(key, std::vector<std::byte>(1));
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << s;
  EXPECT_NE(s.message().find("1024"), std::string::npos) << s;
}

TEST_F(S3Server, MissingBucketIsNotFoundUnlessCreated) {
  S3Options o = g_server->options("imagebank-absent", "");
  auto opened = open_s3_blob_store(o);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), ErrorCode::kNotFound) << opened.status();
  o.bucket = "imagebank-created";
  o.create_bucket = true;
  auto created = open_s3_blob_store(o);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_TRUE((*created)->put("x", std::vector<std::byte>(3)).ok());
  // Opening again with create_bucket finds it there.
  EXPECT_TRUE(open_s3_blob_store(o).ok());
}

TEST(S3ServerTls, VerifiedHttpsRoundTripAndAnUntrustedCertificateIsRefused) {
  if (s3_tests_skipped_by_env()) GTEST_SKIP() << "IMAGEBANK_SKIP_S3=1";
  auto server = MinioServer::start(/*tls=*/true);
  ASSERT_TRUE(server.ok()) << server.status();
  S3Options o = (*server)->options(kBucket, "tls");
  o.create_bucket = true;
  o.ca_file = (*server)->ca_file();
  // The port accepts before MinIO serves TLS (early connections may even
  // get a plain-HTTP answer): give it a few seconds.
  Result<std::unique_ptr<BlobStore>> store = unavailable_error("not tried");
  for (int i = 0; i < 100 && !store.ok(); ++i) {
    store = open_s3_blob_store(o);
    if (!store.ok()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  ASSERT_TRUE(store.ok()) << store.status() << "\n" << (*server)->log_tail();
  // Over TLS, put_file may send UNSIGNED-PAYLOAD; both paths must work.
  const auto data = noise(300000, 3);
  ASSERT_TRUE((*store)->put("k", data).ok());
  const auto file = std::filesystem::path(::testing::TempDir()) /
                    ("s3_tls_" + std::to_string(::getpid()));
  {
    std::ofstream out(file, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data.data()),
              static_cast<std::streamsize>(data.size()));
  }
  Status put_file = (*store)->put_file("f", file);
  std::filesystem::remove(file);
  ASSERT_TRUE(put_file.ok()) << put_file;
  for (const char* key : {"k", "f"}) {
    auto got = (*store)->get_bytes(key);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_TRUE(*got == data) << key;
  }

  // The system trust store does not know the self-signed certificate.
  o.ca_file.clear();
  auto untrusted = open_s3_blob_store(o);
  ASSERT_FALSE(untrusted.ok());
  EXPECT_EQ(untrusted.status().code(), ErrorCode::kIoError)
      << untrusted.status();
  EXPECT_NE(untrusted.status().message().find("certificate"), std::string::npos)
      << untrusted.status();
  // Unless verification is turned off on purpose.
  o.verify_tls = false;
  EXPECT_TRUE(open_s3_blob_store(o).ok());
}

TEST(S3ServerKilled, AServerThatDiesIsUnavailableNotAHang) {
  if (s3_tests_skipped_by_env()) GTEST_SKIP() << "IMAGEBANK_SKIP_S3=1";
  // Its own server: killing the shared one would fail the other tests.
  auto server = MinioServer::start();
  ASSERT_TRUE(server.ok()) << server.status();
  S3Options o = (*server)->options(kBucket, "p");
  o.create_bucket = true;
  o.max_attempts = 3;
  o.connect_timeout = std::chrono::milliseconds(500);
  o.request_timeout = std::chrono::milliseconds(1000);
  auto store = open_s3_blob_store(o);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->put("k", std::vector<std::byte>(100)).ok());
  (*server)->kill_now();
  const auto start = std::chrono::steady_clock::now();
  auto got = (*store)->get_bytes("k");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), ErrorCode::kUnavailable) << got.status();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  Status put = (*store)->put("k2", std::vector<std::byte>(100));
  EXPECT_EQ(put.code(), ErrorCode::kUnavailable) << put;
}

}  // namespace
}  // namespace imagebank::testing

INSTANTIATE_TEST_SUITE_P(S3, BlobStoreConformance,
                         ::testing::Values(BlobStoreFactory{
                             "minio",
                             [] { return imagebank::testing::fresh_store(); }}),
                         blob_store_factory_name);
