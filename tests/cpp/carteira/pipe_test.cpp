// The threads behind large sheets: pipe_rows (reading and assembly on two
// threads) and ReadAhead (inflating on a third).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "carteira/read_ahead.hpp"
#include "carteira/row_pipe.hpp"
#include "carteira_test_util.hpp"

namespace imagebank::carteira {
namespace {

struct Collected final : RowSink {
  Status row(std::int64_t number, std::span<const Cell> cells) override {
    numbers.push_back(number);
    std::string joined;
    for (const Cell& c : cells) {
      joined += std::to_string(c.column) + "=" + std::string(c.text) + ";";
    }
    texts.push_back(joined);
    if (fail_at != 0 && number == fail_at) {
      return limit_exceeded_error("consumer stops at " +
                                  std::to_string(number));
    }
    return ok_status();
  }
  std::vector<std::int64_t> numbers;
  std::vector<std::string> texts;
  std::int64_t fail_at = 0;
};

// Emits `rows` rows whose cell text lives in a buffer it reuses, as the
// sheet reader does; fails after `fail_after` rows when set.
Status produce(RowSink& sink, int rows, int fail_after, int* emitted) {
  std::string scratch;
  std::vector<Cell> cells(3);
  for (int r = 1; r <= rows; ++r) {
    if (fail_after != 0 && r > fail_after) {
      return corrupt_data_error("producer fails after " +
                                std::to_string(fail_after));
    }
    scratch = "sku" + std::to_string(r) + "nome" + std::to_string(r * 7);
    const std::size_t split = scratch.find("nome");
    cells[0] = Cell{0,     CellKind::kText,
                    false, 0,
                    0,     std::string_view(scratch).substr(0, split)};
    cells[1] = Cell{2,     CellKind::kText,
                    false, 0,
                    0,     std::string_view(scratch).substr(split)};
    cells[2] = Cell{5, CellKind::kNumber, false, 0, static_cast<double>(r), {}};
    Status s = sink.row(r, cells);
    if (!s.ok()) return s;
    if (emitted != nullptr) *emitted = r;
  }
  return ok_status();
}

std::string expected(int r) {
  return "0=sku" + std::to_string(r) + ";2=nome" + std::to_string(r * 7) +
         ";5=;";
}

TEST(CarteiraPipe, DeliversEveryRowInOrderWithItsText) {
  Collected got;
  const Status s = pipe_rows(
      [](RowSink& sink) { return produce(sink, 5000, 0, nullptr); }, got);
  ASSERT_TRUE(s.ok()) << s;
  ASSERT_EQ(got.numbers.size(), 5000u);
  for (int r = 1; r <= 5000; ++r) {
    ASSERT_EQ(got.numbers[r - 1], r);
    ASSERT_EQ(got.texts[r - 1], expected(r));
  }
}

TEST(CarteiraPipe, ProducerErrorComesAfterTheRowsBeforeIt) {
  Collected got;
  const Status s = pipe_rows(
      [](RowSink& sink) { return produce(sink, 5000, 2500, nullptr); }, got);
  EXPECT_EQ(s.code(), ErrorCode::kCorruptData);
  EXPECT_EQ(s.message(), "producer fails after 2500");
  ASSERT_EQ(got.numbers.size(), 2500u);
  EXPECT_EQ(got.texts.back(), expected(2500));
}

TEST(CarteiraPipe, ConsumerErrorStopsTheProducer) {
  Collected got;
  got.fail_at = 1500;
  int emitted = 0;
  const Status s = pipe_rows(
      [&](RowSink& sink) { return produce(sink, 1'000'000, 0, &emitted); },
      got);
  EXPECT_EQ(s.code(), ErrorCode::kLimitExceeded);
  EXPECT_EQ(s.message(), "consumer stops at 1500");
  EXPECT_EQ(got.numbers.size(), 1500u);
  // The producer ran at most a few batches ahead, not to the end.
  EXPECT_LT(emitted, 20'000);
}

TEST(CarteiraPipe, EmptyProducer) {
  Collected got;
  EXPECT_TRUE(pipe_rows([](RowSink&) { return ok_status(); }, got).ok());
  EXPECT_TRUE(got.numbers.empty());
}

TEST(CarteiraReadAhead, SameBytesAsReadingDirectly) {
  const testing::Bytes bytes =
      testing::read_file(testing::carteira_data("carteira.xlsx"));
  auto zip = ZipArchive::open(bytes, "carteira.xlsx", CarteiraLimits{});
  ASSERT_TRUE(zip.ok()) << zip.status();
  const Result<std::string> whole =
      (*zip)->read_all("xl/worksheets/sheet1.xml");
  ASSERT_TRUE(whole.ok()) << whole.status();
  auto reader = (*zip)->open_entry("xl/worksheets/sheet1.xml");
  ASSERT_TRUE(reader.ok());
  std::string got;
  {
    ReadAhead ahead(**reader);
    char buf[777];  // smaller than its chunks and not a divisor of them
    while (true) {
      Result<std::size_t> n = ahead.read(buf, sizeof buf);
      ASSERT_TRUE(n.ok()) << n.status();
      if (*n == 0) break;
      got.append(buf, *n);
    }
  }
  EXPECT_EQ(got, *whole);
}

TEST(CarteiraReadAhead, PassesTheInflateErrorAndStopsEarly) {
  const testing::Bytes bytes =
      testing::read_file(testing::carteira_data("lying_zip_bomb.xlsx"));
  auto zip = ZipArchive::open(bytes, "bomba.xlsx", CarteiraLimits{});
  ASSERT_TRUE(zip.ok()) << zip.status();
  auto reader = (*zip)->open_entry("xl/worksheets/sheet1.xml");
  ASSERT_TRUE(reader.ok());
  ReadAhead ahead(**reader);
  char buf[4096];
  std::size_t total = 0;
  Status error;
  while (true) {
    Result<std::size_t> n = ahead.read(buf, sizeof buf);
    if (!n.ok()) {
      error = n.status();
      break;
    }
    ASSERT_NE(*n, 0u) << "a bomb must not read to its end";
    total += *n;
  }
  EXPECT_EQ(error.code(), ErrorCode::kLimitExceeded) << error;
  EXPECT_GT(total, 1u << 20);  // the ratio is judged past the first MiB
  EXPECT_LT(total, 40u << 20);
}

TEST(CarteiraReadAhead, AbandonedMidway) {
  // The parser may stop early (an XML error): the worker must not hang.
  const testing::Bytes bytes =
      testing::read_file(testing::carteira_data("zip_bomb.xlsx"));
  CarteiraLimits limits;
  limits.max_compression_ratio = 100000;
  auto zip = ZipArchive::open(bytes, "bomba.xlsx", limits);
  ASSERT_TRUE(zip.ok());
  auto reader = (*zip)->open_entry("xl/worksheets/sheet1.xml");
  ASSERT_TRUE(reader.ok());
  ReadAhead ahead(**reader);
  char buf[100];
  ASSERT_TRUE(ahead.read(buf, sizeof buf).ok());
}

}  // namespace
}  // namespace imagebank::carteira
