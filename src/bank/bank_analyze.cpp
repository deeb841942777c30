// Bank::analyze: images → the vision chain → ai_analyses / image_items, and
// the Carteira-vs-AI colour review.
#include <algorithm>
#include <deque>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>

#include "imagebank/adapters/vision.hpp"
#include "imagebank/bank/bank.hpp"
#include "imagebank/core/log.hpp"
#include "imagebank/core/text.hpp"
#include "imagebank/ingest/analysis.hpp"

namespace imagebank {
namespace {

using Clock = std::chrono::steady_clock;

bool is_offline(const std::string& uri) {
  return uri.rfind("offline://", 0) == 0;
}

// The words of a colour name, folded: "Azul-Marinho" → {"azul", "marinho"}.
std::vector<std::string> color_words(std::string_view name) {
  std::string folded = fold_text(name);
  std::vector<std::string> out;
  std::string word;
  for (char c : folded) {
    if (c == '-' || c == ' ' || c == '_' || c == '/') {
      if (!word.empty()) out.push_back(std::move(word));
      word.clear();
    } else {
      word.push_back(c);
    }
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

}  // namespace

std::string compare_colors(std::string_view carteira, std::string_view ai) {
  const auto a = color_words(carteira);
  const auto b = color_words(ai);
  if (a.empty() || b.empty()) return "";
  if (a == b) return "agree";
  // One names the other's family: the first word in common ("azul" /
  // "azul-marinho", "verde oliva" / "verde").
  if (a.front() == b.front()) return "partial";
  return "disagree";
}

Result<std::shared_ptr<VisionChain>> Bank::open_vision(
    const AnalyzeOptions& options) const {
  // The chain: the caller's analyzers, then the URIs'.
  std::vector<VisionChain::Entry> entries;
  const auto add = [&](std::shared_ptr<VisionAnalyzer> analyzer) {
    VisionChain::Entry e;
    e.analyzer = std::move(analyzer);
    if (auto it = options.limits.find(e.analyzer->provider());
        it != options.limits.end()) {
      e.limit = it->second;
    }
    entries.push_back(std::move(e));
  };
  for (const auto& a : options.analyzers) {
    if (!a) return invalid_argument_error("analyze: a null analyzer");
    add(a);
  }
  VisionOpenOptions open;
  open.getenv = options.getenv;
  for (const std::string& uri : options.vision) {
    IMAGEBANK_ASSIGN_OR_RETURN(auto analyzer, open_vision_analyzer(uri, open));
    add(std::shared_ptr<VisionAnalyzer>(std::move(analyzer)));
  }
  IMAGEBANK_ASSIGN_OR_RETURN(
      std::unique_ptr<VisionChain> chain,
      VisionChain::create(std::move(entries), options.chain));
  return std::shared_ptr<VisionChain>(std::move(chain));
}

Result<AnalyzeReport> Bank::analyze(const AnalyzeOptions& options) {
  const Clock::time_point start = Clock::now();
  if (options.workers < 0 || options.workers > 256) {
    return invalid_argument_error("analyze: workers must be 0..256");
  }
  if (options.request.schema_version < 1) {
    return invalid_argument_error("analyze: schema_version must be >= 1");
  }
  IMAGEBANK_ASSIGN_OR_RETURN(std::shared_ptr<VisionChain> chain,
                             open_vision(options));
  const bool offline_only =
      options.analyzers.empty() &&
      std::all_of(options.vision.begin(), options.vision.end(), is_offline);
  const std::vector<AnalysisKey> keys =
      chain->keys(options.request.schema_version);

  ImageQuery query;
  IMAGEBANK_ASSIGN_OR_RETURN(query.collection_id,
                             collection_id(options.collection));
  query.batch_id = options.batch_id;
  query.status = options.status;
  if (!options.force) query.missing_analysis = keys.front();
  query.limit = 200;
  const std::set<RowId> wanted(options.image_ids.begin(),
                               options.image_ids.end());
  for (RowId id : wanted) {
    if (Result<ImageRecord> image = catalog_->get_image(id); !image.ok()) {
      return image.status();
    }
  }

  std::size_t workers = static_cast<std::size_t>(options.workers);
  if (workers == 0) {
    workers = offline_only ? std::max<std::size_t>(
                                 1, std::thread::hardware_concurrency())
                           : 8;
  }

  std::mutex mu;  // guards everything below
  AnalyzeReport report;
  std::deque<ImageRecord> queue;
  bool exhausted = false;
  Status fatal;
  Clock::time_point last_progress = start;
  // The next image to analyse, paging the catalog as the queue empties.
  const auto next = [&]() -> std::optional<ImageRecord> {
    std::lock_guard lock(mu);
    while (queue.empty() && !exhausted && fatal.ok()) {
      if (options.stop && options.stop->load()) {
        exhausted = true;
        break;
      }
      Result<Page<ImageRecord>> page = catalog_->list_images(query);
      if (!page.ok()) {
        fatal = page.status();
        break;
      }
      for (ImageRecord& image : page->items) {
        if (!wanted.empty() && !wanted.count(image.id)) continue;
        queue.push_back(std::move(image));
        ++report.progress.selected;
      }
      if (page->next_after == 0) {
        exhausted = true;
      } else {
        query.after_id = page->next_after;
      }
    }
    if (queue.empty() || !fatal.ok()) return std::nullopt;
    if (options.stop && options.stop->load()) return std::nullopt;
    ImageRecord out = std::move(queue.front());
    queue.pop_front();
    return out;
  };
  const auto report_progress = [&](bool final) {
    // mu held by the caller
    const Clock::time_point now = Clock::now();
    report.progress.elapsed_seconds =
        std::chrono::duration<double>(now - start).count();
    if (!options.progress) return;
    if (!final && now - last_progress < options.progress_interval) return;
    last_progress = now;
    options.progress(report.progress);
  };

  const auto analyse_one = [&](const ImageRecord& image) -> Status {
    IMAGEBANK_ASSIGN_OR_RETURN(ImageAnalysis done,
                               analyze_image(*catalog_, *blobs_, *chain, image,
                                             options.request, options.force));
    std::lock_guard lock(mu);
    ++report.progress.done;
    if (!done.error.ok()) {
      ++report.progress.failed;
      report.failures.push_back(
          AnalyzeFailure{image.id, image.original_name, done.error});
    } else {
      ++report.by_provider[done.provider];
      if (done.cached) {
        ++report.progress.cached;
      } else {
        ++report.progress.analysed;
        report.progress.input_tokens += done.input_tokens;
        report.progress.output_tokens += done.output_tokens;
      }
    }
    report_progress(false);
    return Status();
  };

  const auto work = [&] {
    while (true) {
      std::optional<ImageRecord> image = next();
      if (!image) return;
      Status s = analyse_one(*image);
      if (!s.ok()) {
        std::lock_guard lock(mu);
        if (fatal.ok()) fatal = s;
        return;
      }
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < workers; ++i) threads.emplace_back(work);
  work();
  for (std::thread& t : threads) t.join();

  std::lock_guard lock(mu);
  if (!fatal.ok()) return fatal;
  std::sort(report.failures.begin(), report.failures.end(),
            [](const AnalyzeFailure& a, const AnalyzeFailure& b) {
              return a.image_id < b.image_id;
            });
  report.given_up = chain->given_up();
  report_progress(true);
  log(LogLevel::kInfo,
      "analyze: " + std::to_string(report.progress.analysed) + " analysed, " +
          std::to_string(report.progress.cached) + " cached, " +
          std::to_string(report.progress.failed) + " failed");
  return report;
}

Result<std::vector<ColorReview>> Bank::color_review(
    const std::optional<std::string>& collection, bool disagreements_only) {
  ImageQuery query;
  IMAGEBANK_ASSIGN_OR_RETURN(query.collection_id, collection_id(collection));
  query.linked = true;
  query.limit = 1000;
  std::vector<ColorReview> out;
  std::map<RowId, Product> products;
  while (true) {
    IMAGEBANK_ASSIGN_OR_RETURN(Page<ImageRecord> page,
                               catalog_->list_images(query));
    for (const ImageRecord& image : page.items) {
      if (!image.product_id) continue;
      IMAGEBANK_ASSIGN_OR_RETURN(std::vector<AiAnalysis> analyses,
                                 catalog_->ai_analyses(image.id));
      const AiAnalysis* newest = nullptr;
      for (const AiAnalysis& a : analyses) {
        if (!a.item_position && a.error.ok() && !a.color.empty()) newest = &a;
      }
      if (!newest) continue;
      auto it = products.find(*image.product_id);
      if (it == products.end()) {
        IMAGEBANK_ASSIGN_OR_RETURN(Product p,
                                   catalog_->get_product(*image.product_id));
        it = products.emplace(p.id, std::move(p)).first;
      }
      const Product& product = it->second;
      ColorReview row;
      row.product_id = product.id;
      row.sku = product.sku;
      row.image_id = image.id;
      row.image_name = image.original_name;
      row.view = image.view;
      row.carteira_color = product.fields.cor;
      row.ai_color = newest->color;
      row.provider = newest->provider;
      row.model = newest->model;
      row.agreement = compare_colors(row.carteira_color, row.ai_color);
      if (disagreements_only &&
          (row.agreement == "agree" || row.agreement.empty())) {
        continue;
      }
      out.push_back(std::move(row));
    }
    if (page.next_after == 0) break;
    query.after_id = page.next_after;
  }
  std::sort(out.begin(), out.end(),
            [](const ColorReview& a, const ColorReview& b) {
              return std::tie(a.sku, a.view, a.image_id) <
                     std::tie(b.sku, b.view, b.image_id);
            });
  return out;
}

}  // namespace imagebank
