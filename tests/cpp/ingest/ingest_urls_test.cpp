// URL-list batches: the list reader, and lists ingested from a loopback
// server the tests allow explicitly (and that is refused without the
// allowance), split into linked parts, with failures recorded per URL and
// resumes that fetch nothing twice.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <mutex>

#include "adapters/s3_loopback_server.hpp"
#include "imagebank/adapters/http/fetch.hpp"
#include "imagebank/catalog/blob_store.hpp"
#include "imagebank/core/text.hpp"
#include "imagebank/hash/sha256.hpp"
#include "ingest/ingest_test_util.hpp"

namespace imagebank::testing {
namespace {

std::span<const std::byte> as_bytes(const std::string& s) {
  return std::as_bytes(std::span(s.data(), s.size()));
}

TEST(UrlList, FindsPortugueseHeadersAndSkipsBadRows) {
  // Windows-1252 ("Referência"), ';' separated, a title row above.
  std::string csv =
      "Lista de fotos da cole\xe7\xe3o\n"
      "URL da imagem;Refer\xeancia;Nome do arquivo\n"
      "https://cdn.example.com/a/ABC1_FRENTE.jpg;;\n"
      "https://cdn.example.com/a/x.jpg;ABC2;ABC2_COSTAS.jpg\n"
      ";ABC3;\n"
      "ftp://cdn.example.com/a.jpg;;\n"
      "https://cdn.example.com/" +
      std::string(3000, 'a') +
      ";;\n"
      "https://cdn.example.com/a/ABC1_FRENTE.jpg;;\n"
      "HTTP://cdn.example.com/fotos/ABC%204_02.jpg?w=800;;\n";
  auto list = read_url_list(as_bytes(csv), "lista.csv");
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->url_header, "URL da imagem");
  EXPECT_EQ(list->sku_header, "Referência");
  EXPECT_EQ(list->name_header, "Nome do arquivo");
  ASSERT_EQ(list->rows.size(), 3u);
  EXPECT_EQ(list->rows[0].name, "ABC1_FRENTE.jpg");  // from the URL
  EXPECT_EQ(list->rows[0].line, 3);
  EXPECT_EQ(list->rows[1].sku, "ABC2");
  EXPECT_EQ(list->rows[1].name, "ABC2_COSTAS.jpg");
  EXPECT_EQ(list->rows[2].name, "ABC 4_02.jpg");
  ASSERT_EQ(list->problems.size(), 4u);
  EXPECT_EQ(list->problems[0], "lista.csv: row 5: no URL; skipped");
  EXPECT_NE(list->problems[1].find("row 6: \"ftp://"), std::string::npos)
      << list->problems[1];
  EXPECT_NE(list->problems[2].find("row 7: the URL is longer than 2048"),
            std::string::npos);
  EXPECT_NE(list->problems[3].find("row 8: the same URL"), std::string::npos);

  // No header: url, sku, name by position (tabs).
  auto plain = read_url_list(
      as_bytes("http://h/1.jpg\tSKU1\tfoto1.jpg\nhttp://h/2.jpg\n"), "l.tsv");
  ASSERT_TRUE(plain.ok()) << plain.status();
  ASSERT_EQ(plain->rows.size(), 2u);
  EXPECT_EQ(plain->rows[0].sku, "SKU1");
  EXPECT_EQ(plain->rows[0].name, "foto1.jpg");
  EXPECT_EQ(plain->rows[1].name, "2.jpg");
  EXPECT_EQ(read_url_list(as_bytes("nada\naqui\n"), "x.csv").status().code(),
            ErrorCode::kInvalidArgument);
  std::string binary("\x00\x01\x02\x03PK", 6);
  EXPECT_FALSE(read_url_list(as_bytes(binary), "x.csv").ok());
}

// Serves /p/<n>.jpg from a table of synthetic photos (404 otherwise) and
// counts each path's requests.
class PhotoServer {
 public:
  explicit PhotoServer(int n) {
    for (int i = 1; i <= n; ++i) {
      const auto bytes = synthetic_photo(100 + static_cast<std::uint32_t>(i));
      photos_["/p/" + std::to_string(i) + ".jpg"] = std::string(
          reinterpret_cast<const char*>(bytes.data()), bytes.size());
    }
    server_ =
        std::make_unique<LoopbackServer>([this](const LoopbackRequest& r) {
          {
            std::lock_guard lock(mu_);
            ++hits_[r.target];
          }
          auto it = photos_.find(r.target);
          if (it == photos_.end()) return http_reply(404, "no such photo");
          // The type it announces is wrong on purpose: the bytes decide.
          return http_reply(200, it->second, "Content-Type: image/png\r\n");
        });
  }
  std::string url(const std::string& path) const {
    return server_->endpoint() + path;
  }
  std::string host() const {
    return "127.0.0.1:" + std::to_string(server_->port());
  }
  std::map<std::string, int> hits() const {
    std::lock_guard lock(mu_);
    return hits_;
  }
  // The bytes served at `path` ("" for none).
  std::string photo(const std::string& path) const {
    auto it = photos_.find(path);
    return it == photos_.end() ? std::string() : it->second;
  }

 private:
  std::map<std::string, std::string> photos_;
  mutable std::mutex mu_;
  std::map<std::string, int> hits_;
  std::unique_ptr<LoopbackServer> server_;
};

class UrlIngestTest : public IngestTest {
 protected:
  std::unique_ptr<Ingestor> ingestor(std::vector<std::string> allow,
                                     IngestOptions o) {
    http::FetchOptions fo;
    fo.policy.allow_hosts = std::move(allow);
    fo.retry.base = std::chrono::milliseconds(10);
    auto fetcher = http::UrlFetcher::create(fo);
    EXPECT_TRUE(fetcher.ok()) << fetcher.status();
    o.fetcher = std::shared_ptr<ImageFetcher>(std::move(*fetcher));
    auto made = bank_->ingestor(std::move(o));
    EXPECT_TRUE(made.ok()) << made.status();
    return made.ok() ? std::move(*made) : nullptr;
  }
  // 11 photos named ABC<i>_FRENTE.jpg, one (3) named by a SKU column
  // instead, and one URL that answers 404.
  std::vector<UrlRow> rows(const PhotoServer& server) {
    std::vector<UrlRow> out;
    for (int i = 1; i <= 11; ++i) {
      UrlRow row;
      row.url = server.url("/p/" + std::to_string(i) + ".jpg");
      row.name = "ABC" + std::to_string(i) + "_FRENTE.jpg";
      if (i == 3) {
        row.name = "foto-sem-sku_COSTAS.jpg";
        row.sku = "abc3";
      }
      out.push_back(row);
    }
    out.push_back(UrlRow{server.url("/p/missing.jpg"), "", "ABC12.jpg", 12});
    return out;
  }
};

TEST_F(UrlIngestTest, ALongListIsSplitIntoLinkedBatchesAndEveryUrlEndsAsAJob) {
  std::string skus;
  for (int i = 1; i <= 12; ++i) skus += "ABC" + std::to_string(i) + ";Peça\n";
  carteira(skus);
  PhotoServer server(11);
  auto ingest = ingestor({server.host()}, options());
  ASSERT_NE(ingest, nullptr);
  UrlBatchOptions bo;
  bo.max_batch_size = 5;
  bo.label = "lista.csv";
  auto parts = ingest->ingest_urls(rows(server), bo);
  ASSERT_TRUE(parts.ok()) << parts.status();
  ASSERT_EQ(parts->size(), 3u);
  const RowId group = (*parts)[0].id;
  std::int64_t done = 0, failed = 0;
  for (std::size_t p = 0; p < 3; ++p) {
    const Batch& b = (*parts)[p];
    EXPECT_TRUE(is_url_batch(b));
    EXPECT_EQ(b.state, BatchState::kDone) << "part " << p + 1;
    EXPECT_EQ(b.group_id, group);
    EXPECT_EQ(b.part, static_cast<int>(p + 1));
    EXPECT_TRUE(b.source.starts_with("urls:lista.csv\n")) << b.source;
    auto counts = bank_->jobs().job_counts(b.id);
    ASSERT_TRUE(counts.ok());
    EXPECT_EQ(counts->total(), p < 2 ? 5 : 2);
    done += counts->done;
    failed += counts->failed;
    expect_blobs_match_rows(b.id);
  }
  EXPECT_EQ(done, 11);
  EXPECT_EQ(failed, 1);
  auto failures = jobs((*parts)[2].id, JobState::kFailed);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].error.code(), ErrorCode::kNotFound);
  EXPECT_NE(failures[0].error.message().find("HTTP 404"), std::string::npos)
      << failures[0].error;
  EXPECT_EQ(failures[0].source_path, server.url("/p/missing.jpg"));
  EXPECT_EQ(failures[0].attempts, 1);  // a 404 is not retried

  // Names go through the SKU grammar; a SKU column wins over it.
  for (const Job& job : jobs((*parts)[0].id, JobState::kDone)) {
    auto image = bank_->catalog().get_image(*job.image_id);
    ASSERT_TRUE(image.ok());
    EXPECT_EQ(image->format, "jpeg");  // the server said image/png
    EXPECT_TRUE(image->product_id.has_value()) << job.original_name;
    if (job.source_path.ends_with("/p/3.jpg")) {
      EXPECT_EQ(image->sku_base, "ABC3");
      EXPECT_EQ(image->view, "back");
    } else {
      EXPECT_EQ(image->view, "front");
    }
  }
  for (const auto& [path, n] : server.hits()) EXPECT_EQ(n, 1) << path;
}

// A URL job's row gets the content's sha256 and size once its bytes are
// fetched, as a folder job's has them from the start (batch status,
// exports and review read them from the row).
TEST_F(UrlIngestTest, AFetchedJobsRowHasItsSha256AndSize) {
  PhotoServer server(11);
  auto ingest = ingestor({server.host()}, options());
  ASSERT_NE(ingest, nullptr);
  auto parts = ingest->ingest_urls(rows(server));
  ASSERT_TRUE(parts.ok()) << parts.status();
  ASSERT_EQ(parts->size(), 1u);
  const auto done = jobs((*parts)[0].id, JobState::kDone);
  ASSERT_EQ(done.size(), 11u);
  const std::string prefix = server.url("");
  for (const Job& job : done) {
    const std::string bytes =
        server.photo(job.source_path.substr(prefix.size()));
    ASSERT_FALSE(bytes.empty()) << job.source_path;
    const auto span = std::as_bytes(std::span(bytes.data(), bytes.size()));
    EXPECT_EQ(job.sha256, to_hex(sha256(span))) << job.source_path;
    EXPECT_EQ(job.bytes, bytes.size()) << job.source_path;
    auto image = bank_->catalog().get_image(*job.image_id);
    ASSERT_TRUE(image.ok());
    EXPECT_EQ(image->sha256, job.sha256);
  }
  // A URL that never answered has no content.
  const auto failed = jobs((*parts)[0].id, JobState::kFailed);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].sha256, "");
  EXPECT_EQ(failed[0].bytes, 0u);
}

// A job whose bytes an earlier attempt fetched, stored and recorded (the
// worker died before the commit) goes on from the stored original: the
// URL is not fetched again.
TEST_F(UrlIngestTest, AJobWithItsContentRecordedIsNotFetchedAgain) {
  PhotoServer server(2);
  auto ingest = ingestor({server.host()}, options());
  ASSERT_NE(ingest, nullptr);
  std::vector<UrlRow> two = {UrlRow{server.url("/p/1.jpg"), "", "ABC1.jpg", 1},
                             UrlRow{server.url("/p/2.jpg"), "", "ABC2.jpg", 2}};
  auto parts = ingest->enqueue_urls(two);
  ASSERT_TRUE(parts.ok()) << parts.status();
  const RowId id = (*parts)[0].id;
  // Lease one job and do what the fetch step does before it dies.
  LeaseOptions lo;
  lo.worker = "dead-worker";
  lo.max_jobs = 1;
  lo.lease_ms = 60'000;
  auto leased = bank_->jobs().lease_jobs(lo);
  ASSERT_TRUE(leased.ok()) << leased.status();
  ASSERT_EQ(leased->size(), 1u);
  const Job& job = leased->front();
  const std::string bytes =
      server.photo(job.source_path.substr(server.url("").size()));
  const auto span = std::as_bytes(std::span(bytes.data(), bytes.size()));
  const std::string sha = to_hex(sha256(span));
  auto key = original_blob_key(sha, "jpg");
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(bank_->blobs().put(*key, span).ok());
  auto recorded =
      bank_->jobs().set_job_content(job.id, "dead-worker", sha, bytes.size());
  ASSERT_TRUE(recorded.ok()) << recorded.status();
  EXPECT_EQ(recorded->sha256, sha);
  ASSERT_TRUE(bank_->jobs()
                  .release_leases(
                      std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count(),
                      std::string("dead-worker"), 3)
                  .ok());

  auto resumed = ingest->resume(id);
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  EXPECT_EQ(resumed->state, BatchState::kDone);
  const auto done = jobs(id, JobState::kDone);
  ASSERT_EQ(done.size(), 2u);
  const auto hits = server.hits();
  EXPECT_EQ(hits.count(job.source_path.substr(server.url("").size())), 0u);
  EXPECT_EQ(hits.size(), 1u);
  for (const Job& j : done) EXPECT_EQ(j.sha256.size(), 64u) << j.source_path;
}

TEST_F(UrlIngestTest, TheSameListIsRefusedWithoutTheAllowance) {
  PhotoServer server(11);
  // The bank's own fetcher (no allowance): what front ends get by default.
  auto made = bank_->ingestor(options());
  ASSERT_TRUE(made.ok()) << made.status();
  auto parts = (*made)->ingest_urls(rows(server));
  ASSERT_TRUE(parts.ok()) << parts.status();
  ASSERT_EQ(parts->size(), 1u);
  auto failed = jobs((*parts)[0].id, JobState::kFailed);
  EXPECT_EQ(failed.size(), 12u);
  for (const Job& job : failed) {
    EXPECT_EQ(job.error.code(), ErrorCode::kPermissionDenied) << job.error;
    EXPECT_NE(job.error.message().find("loopback"), std::string::npos);
  }
  EXPECT_TRUE(server.hits().empty());
  std::cout << "refused: " << failed.front().error << "\n";
}

TEST_F(UrlIngestTest, AResumeAfterAStopFetchesNothingTwice) {
  PhotoServer server(11);
  IngestOptions o = options();
  o.workers = 1;
  std::atomic<Ingestor*> running{nullptr};
  o.progress = [&](const BatchProgress& p) {
    if (p.counts.done >= 3 && running.load() != nullptr) running.load()->stop();
  };
  o.progress_interval = std::chrono::milliseconds(10);
  auto first = ingestor({server.host()}, o);
  ASSERT_NE(first, nullptr);
  running = first.get();
  UrlBatchOptions bo;
  bo.max_batch_size = 100;
  auto parts = first->ingest_urls(rows(server), bo);
  ASSERT_TRUE(parts.ok()) << parts.status();
  const RowId id = (*parts)[0].id;
  auto counts = bank_->jobs().job_counts(id);
  ASSERT_TRUE(counts.ok());
  EXPECT_GE(counts->done, 3);
  EXPECT_LT(counts->done, 11) << "the stop came too late to test a resume";
  running = nullptr;
  first.reset();

  auto second = ingestor({server.host()}, options());
  ASSERT_NE(second, nullptr);
  auto resumed = second->resume(id);
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  EXPECT_EQ(resumed->state, BatchState::kDone);
  counts = bank_->jobs().job_counts(id);
  EXPECT_EQ(counts->done, 11);
  EXPECT_EQ(counts->failed, 1);
  // Every photo was fetched once: the resume skipped what was done.
  const auto hits = server.hits();
  EXPECT_EQ(hits.size(), 12u);
  for (const auto& [path, n] : hits) EXPECT_EQ(n, 1) << path;
}

TEST_F(UrlIngestTest, RowsAndOptionsAreChecked) {
  auto ingest = ingestor({}, options());
  ASSERT_NE(ingest, nullptr);
  std::vector<UrlRow> bad = {UrlRow{"file:///etc/passwd", "", "", 4}};
  auto r = ingest->enqueue_urls(bad);
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("URL row 4"), std::string::npos)
      << r.status();
  UrlBatchOptions zero;
  zero.max_batch_size = 0;
  std::vector<UrlRow> one = {UrlRow{"http://h/a.jpg", "", "", 1}};
  EXPECT_EQ(ingest->enqueue_urls(one, zero).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(ingest->enqueue_urls({}).status().code(),
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace imagebank::testing
