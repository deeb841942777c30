// Upload batches: files handed over one by one (as the server receives
// them), processed by workers while more arrive.
#include <gtest/gtest.h>

#include "imagebank/hash/sha256.hpp"
#include "ingest/ingest_test_util.hpp"

namespace imagebank::testing {
namespace {

class UploadTest : public IngestTest {
 protected:
  std::unique_ptr<Ingestor> ingestor() {
    auto made = bank_->ingestor(options());
    EXPECT_TRUE(made.ok()) << made.status();
    return made.ok() ? std::move(*made) : nullptr;
  }
  std::filesystem::path spool(const std::string& name,
                              const std::vector<std::byte>& bytes) {
    const auto path = scratch_.path() / "spool" / name;
    write_bytes(path, bytes);
    return path;
  }
};

TEST_F(UploadTest, FilesAreReceivedProcessedAndTheBatchEndsWhenFinished) {
  carteira("ABC1;Vestido\nABC2;Blusa\n");
  auto ingest = ingestor();
  ASSERT_NE(ingest, nullptr);
  auto batch = ingest->open_upload_batch({"Verão", "Aurora", ""}, "estúdio");
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_TRUE(is_upload_batch(*batch));
  EXPECT_EQ(batch->source, "upload:estúdio\n");
  EXPECT_TRUE(batch->receiving);

  const auto front = synthetic_photo(11);
  const auto front_path = spool("a", front);
  const std::string sha = to_hex(sha256(front));
  // Hashed by the caller on the way, or by the library.
  auto j1 =
      ingest->receive_upload(batch->id, front_path, "ABC1_FRENTE.jpg", sha);
  ASSERT_TRUE(j1.ok()) << j1.status();
  EXPECT_EQ(j1->state, JobState::kReceived);
  EXPECT_EQ(j1->sha256, sha);
  EXPECT_EQ(j1->bytes, front.size());
  // A client's retry of the same file is the same job.
  auto again = ingest->receive_upload(batch->id, front_path, "ABC1_FRENTE.jpg");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->id, j1->id);
  auto j2 = ingest->receive_upload(batch->id, spool("b", synthetic_photo(12)),
                                   "pasta\\ABC2_COSTAS.jpg");
  ASSERT_TRUE(j2.ok()) << j2.status();
  EXPECT_EQ(j2->original_name, "pasta/ABC2_COSTAS.jpg");
  auto empty = ingest->receive_upload(batch->id, spool("c", {}), "vazio.jpg");
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->state, JobState::kFailed);
  EXPECT_EQ(empty->error.code(), ErrorCode::kCorruptData);

  // The original is stored before the job is recorded.
  auto key = original_blob_key(sha, "jpg");
  ASSERT_TRUE(key.ok());
  auto stored = bank_->blobs().get_bytes(*key);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(*stored, front);

  // Workers process what is there; the batch keeps receiving.
  auto resumed = ingest->resume(batch->id);
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  EXPECT_TRUE(resumed->receiving);
  EXPECT_NE(resumed->state, BatchState::kDone);
  EXPECT_EQ(jobs(batch->id, JobState::kDone).size(), 2u);

  // The same content in another upload batch is a duplicate at once.
  auto second = ingest->open_upload_batch({"Verão", "", ""});
  ASSERT_TRUE(second.ok()) << second.status();
  auto dup = ingest->receive_upload(second->id, front_path, "copia.jpg");
  ASSERT_TRUE(dup.ok()) << dup.status();
  EXPECT_EQ(dup->state, JobState::kDuplicate);
  ASSERT_TRUE(dup->image_id.has_value());

  auto finished = ingest->finish_upload(batch->id);
  ASSERT_TRUE(finished.ok()) << finished.status();
  EXPECT_FALSE(finished->receiving);
  auto done = ingest->resume(batch->id);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->state, BatchState::kDone);
  // Nothing more is taken once it finished receiving.
  auto late = ingest->receive_upload(batch->id, spool("d", synthetic_photo(13)),
                                     "ABC2_FRENTE.jpg");
  EXPECT_EQ(late.status().code(), ErrorCode::kConflict) << late.status();

  auto images = bank_->catalog().find_image_by_sha256(sha);
  ASSERT_TRUE(images.ok()) << images.status();
  EXPECT_TRUE(images->product_id.has_value());
}

TEST_F(UploadTest, BadNamesBatchesAndFilesAreRefusedWithTheReason) {
  auto ingest = ingestor();
  ASSERT_NE(ingest, nullptr);
  auto batch = ingest->open_upload_batch({});
  ASSERT_TRUE(batch.ok()) << batch.status();
  const auto file = spool("x", synthetic_photo(21));
  for (const char* bad : {"", "/", "a/../b.jpg", "a//b.jpg", "./a.jpg",
                          "tab\there.jpg", "nul\x01.jpg"}) {
    auto r = ingest->receive_upload(batch->id, file, bad);
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(ingest->receive_upload(batch->id, file, std::string(1025, 'a'))
                .status()
                .code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(
      ingest->receive_upload(batch->id, file, "a.jpg", "ABC").status().code(),
      ErrorCode::kInvalidArgument);
  EXPECT_EQ(
      ingest->receive_upload(batch->id, scratch_.path() / "missing", "a.jpg")
          .status()
          .code(),
      ErrorCode::kNotFound);
  EXPECT_EQ(ingest->receive_upload(9999, file, "a.jpg").status().code(),
            ErrorCode::kNotFound);

  // A batch of paths takes no uploads, and cannot be finished as one.
  write_bytes(photos_ / "p.jpg", synthetic_photo(22));
  const std::vector<std::filesystem::path> paths = {photos_};
  auto from_paths = ingest->enqueue(paths);
  ASSERT_TRUE(from_paths.ok()) << from_paths.status();
  EXPECT_FALSE(is_upload_batch(*from_paths));
  EXPECT_EQ(
      ingest->receive_upload(from_paths->id, file, "a.jpg").status().code(),
      ErrorCode::kConflict);
  EXPECT_EQ(ingest->finish_upload(from_paths->id).status().code(),
            ErrorCode::kConflict);

  // A cancelled upload batch takes nothing more.
  ASSERT_TRUE(bank_->cancel(batch->id).ok());
  EXPECT_EQ(ingest->receive_upload(batch->id, file, "a.jpg").status().code(),
            ErrorCode::kConflict);
  EXPECT_EQ(ingest->finish_upload(batch->id).status().code(),
            ErrorCode::kConflict);

  // The size is the file's, also when the caller brings the SHA-256 (only
  // the head is read then), and the limit holds for it.
  std::vector<std::byte> big_bytes(300'000);
  for (std::size_t i = 0; i < big_bytes.size(); ++i) {
    big_bytes[i] = static_cast<std::byte>((i * 2654435761u) >> 13);
  }
  const auto big_file = spool("big", big_bytes);
  const std::string big_sha = to_hex(sha256(big_bytes));
  auto open_batch = ingest->open_upload_batch({});
  ASSERT_TRUE(open_batch.ok()) << open_batch.status();
  auto sized =
      ingest->receive_upload(open_batch->id, big_file, "big.bin", big_sha);
  ASSERT_TRUE(sized.ok()) << sized.status();
  EXPECT_EQ(sized->bytes, big_bytes.size());
  EXPECT_EQ(sized->sha256, big_sha);

  // A file over the limit is a failed job naming the limit.
  IngestOptions small = options();
  small.limits.max_file_bytes = 100;
  auto strict = bank_->ingestor(small);
  ASSERT_TRUE(strict.ok()) << strict.status();
  auto b2 = (*strict)->open_upload_batch({});
  ASSERT_TRUE(b2.ok()) << b2.status();
  auto big = (*strict)->receive_upload(b2->id, file, "grande.jpg");
  ASSERT_TRUE(big.ok()) << big.status();
  EXPECT_EQ(big->state, JobState::kFailed);
  EXPECT_EQ(big->error.code(), ErrorCode::kLimitExceeded);
  EXPECT_NE(big->error.message().find("grande.jpg"), std::string::npos);
  auto big_with_sha =
      (*strict)->receive_upload(b2->id, big_file, "grande2.bin", big_sha);
  ASSERT_TRUE(big_with_sha.ok()) << big_with_sha.status();
  EXPECT_EQ(big_with_sha->state, JobState::kFailed);
  EXPECT_EQ(big_with_sha->error.code(), ErrorCode::kLimitExceeded);

  // Latin-1 Ç becomes UTF-8.
  EXPECT_EQ(*normalize_upload_name("pasta\\sub/\xC7"
                                   "ala.jpg"),
            "pasta/sub/\xC3\x87"
            "ala.jpg");
  EXPECT_EQ(*normalize_upload_name("/a.jpg"), "a.jpg");
  EXPECT_FALSE(normalize_upload_name("a/./b.jpg").ok());

  EXPECT_EQ(
      ingest->open_upload_batch({}, std::string(1025, 'x')).status().code(),
      ErrorCode::kInvalidArgument);
  EXPECT_EQ(ingest->open_upload_batch({"Nenhuma", "", ""}).status().code(),
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace imagebank::testing
