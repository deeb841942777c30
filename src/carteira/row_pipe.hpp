// Rows handed from a reader to row assembly, directly or across threads.
//
// A large sheet's reading (inflate + XML parse) and its assembly (typing,
// header mapping, duplicate checks) each cost about as much: pipe_rows runs
// the reader on a worker thread and assembles on the calling one, so a
// 100k-row workbook reads in the time of the slower half.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "carteira/cell.hpp"
#include "imagebank/core/result.hpp"

namespace imagebank::carteira {

class RowSink {
 public:
  virtual ~RowSink() = default;
  // One row: its 1-based number and its non-empty cells. The cells and
  // their text are valid for the call only. An error stops the reader.
  virtual Status row(std::int64_t number, std::span<const Cell> cells) = 0;
};

// Runs produce(sink) on a worker thread while the calling thread feeds what
// it emits, in order, to `consumer`. Rows emitted before a failure of
// `produce` still reach the consumer; a consumer error stops `produce` (its
// sink.row() fails) and is returned; otherwise produce's status is.
Status pipe_rows(const std::function<Status(RowSink&)>& produce,
                 RowSink& consumer);

}  // namespace imagebank::carteira
