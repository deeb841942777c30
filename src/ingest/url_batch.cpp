// URL-list batches: a list split into linked parts, each a batch whose
// source holds its rows, so a resume (in any process) receives the same
// jobs again without the list file.
#include <algorithm>
#include <set>
#include <sstream>

#include "imagebank/core/log.hpp"
#include "ingest/ingest_impl.hpp"

namespace imagebank {
namespace {

// Under the catalog's 16 MiB per source, with room for the label.
constexpr std::size_t kMaxSourceBytes = 15u << 20;
constexpr std::size_t kMaxLabelBytes = 1024;

std::string source_line(const UrlRow& row) {
  std::string out = row.url;
  out += '\t';
  out += row.sku;
  out += '\t';
  out += row.name;
  out += '\n';
  return out;
}

bool has_tab_or_newline(const std::string& s) {
  return s.find_first_of("\t\r\n") != std::string::npos;
}

}  // namespace

bool is_url_batch(const Batch& batch) noexcept {
  return std::string_view(batch.source).starts_with(kUrlBatchSource);
}

std::vector<UrlRow> url_batch_rows(const Batch& batch) {
  std::vector<UrlRow> out;
  if (!is_url_batch(batch)) return out;
  std::istringstream in(batch.source);
  std::string line;
  std::getline(in, line);  // "urls:<label>"
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    UrlRow row;
    const auto a = line.find('\t');
    const auto b = a == std::string::npos ? a : line.find('\t', a + 1);
    row.url = line.substr(0, a);
    if (a != std::string::npos) row.sku = line.substr(a + 1, b - a - 1);
    if (b != std::string::npos) row.name = line.substr(b + 1);
    out.push_back(std::move(row));
  }
  return out;
}

Result<std::vector<Batch>> Ingestor::enqueue_urls(
    std::span<const UrlRow> rows, const UrlBatchOptions& options) {
  if (options.max_batch_size < 1 || options.max_batch_size > 100'000) {
    return invalid_argument_error("max_batch_size must be 1..100000 (got " +
                                  std::to_string(options.max_batch_size) + ")");
  }
  if (options.label.size() > kMaxLabelBytes ||
      has_tab_or_newline(options.label)) {
    return invalid_argument_error(
        "a URL list's label must be one line of at most 1 KiB");
  }
  std::vector<UrlRow> checked;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    Result<UrlRow> row = check_url_row(rows[i]);
    const std::string where =
        "URL row " + std::to_string(rows[i].line > 0
                                        ? rows[i].line
                                        : static_cast<std::int64_t>(i + 1));
    if (!row.ok()) return row.status().with_context(where);
    if (has_tab_or_newline(row->sku) || has_tab_or_newline(row->name)) {
      return invalid_argument_error(where +
                                    ": a tab or line break in the SKU or name");
    }
    if (seen.insert(row->url).second) checked.push_back(std::move(*row));
  }
  if (checked.empty()) return invalid_argument_error("no URL given");
  IMAGEBANK_ASSIGN_OR_RETURN(const RowId collection,
                             impl_->resolve_collection());
  const std::string head = std::string(kUrlBatchSource) + options.label + "\n";
  // The parts: max_batch_size rows, or fewer when their lines would not fit
  // one source.
  std::vector<std::pair<std::size_t, std::size_t>> parts;
  for (std::size_t at = 0; at < checked.size();) {
    std::size_t end = at, bytes = head.size();
    while (end < checked.size() && end - at < options.max_batch_size) {
      const std::size_t line = source_line(checked[end]).size();
      if (end > at && bytes + line > kMaxSourceBytes) break;
      bytes += line;
      ++end;
    }
    parts.emplace_back(at, end);
    at = end;
  }
  std::vector<Batch> out;
  for (std::size_t p = 0; p < parts.size(); ++p) {
    std::string source = head;
    for (std::size_t i = parts[p].first; i < parts[p].second; ++i) {
      source += source_line(checked[i]);
    }
    IMAGEBANK_ASSIGN_OR_RETURN(
        Batch batch, impl_->queue->create_batch(collection, source,
                                                impl_->analysis_label()));
    if (parts.size() > 1) {
      const RowId group = out.empty() ? batch.id : out.front().id;
      IMAGEBANK_ASSIGN_OR_RETURN(
          batch,
          impl_->queue->link_batch(batch.id, group, static_cast<int>(p + 1)));
    }
    out.push_back(std::move(batch));
  }
  // Each part's jobs now, so a worker anywhere can start on them; a crash
  // before this ends leaves a part receiving, and its resume adds the rest.
  for (Batch& batch : out) {
    std::atomic<std::int64_t> found{0};
    IMAGEBANK_RETURN_IF_ERROR(impl_->receive_urls(batch, found));
    IMAGEBANK_ASSIGN_OR_RETURN(batch, impl_->queue->get_batch(batch.id));
  }
  log(LogLevel::kInfo, std::to_string(checked.size()) + " URLs in " +
                           std::to_string(out.size()) + " batches (" +
                           std::to_string(out.front().id) + ".." +
                           std::to_string(out.back().id) + ")");
  return out;
}

Result<std::vector<Batch>> Ingestor::ingest_urls(
    std::span<const UrlRow> rows, const UrlBatchOptions& options) {
  IMAGEBANK_ASSIGN_OR_RETURN(std::vector<Batch> parts,
                             enqueue_urls(rows, options));
  for (Batch& part : parts) {
    IMAGEBANK_ASSIGN_OR_RETURN(part, resume(part.id));
    if (part.state != BatchState::kDone) break;
  }
  return parts;
}

Status Ingestor::Impl::receive_urls(const Batch& batch,
                                    std::atomic<std::int64_t>& found) {
  const std::vector<UrlRow> rows = url_batch_rows(batch);
  found = static_cast<std::int64_t>(rows.size());
  IMAGEBANK_ASSIGN_OR_RETURN(std::vector<std::string> known,
                             queue->job_source_paths(batch.id));
  const std::set<std::string> have(known.begin(), known.end());
  std::vector<JobInsert> pending;
  for (const UrlRow& row : rows) {
    if (have.count(row.url) > 0) continue;
    JobInsert job;
    job.source_path = row.url;
    job.original_name = row.name;
    pending.push_back(std::move(job));
  }
  for (std::size_t at = 0; at < pending.size(); at += 1000) {
    const std::size_t n = std::min<std::size_t>(1000, pending.size() - at);
    Result<std::vector<Job>> added = queue->add_jobs(
        batch.id, std::span<const JobInsert>(pending.data() + at, n));
    if (!added.ok() && added.status().code() == ErrorCode::kConflict) {
      return {};  // cancelled (or done) meanwhile
    }
    IMAGEBANK_RETURN_IF_ERROR(added.status());
  }
  return queue->finish_receiving(batch.id).status();
}

}  // namespace imagebank
