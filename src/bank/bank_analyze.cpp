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

namespace imagebank {
namespace {

using Clock = std::chrono::steady_clock;

bool is_offline(const std::string& uri) {
  return uri.rfind("offline://", 0) == 0;
}

AiAnalysis to_analysis(const ImageRecord& image, const VisionResult& r,
                       int schema_version) {
  AiAnalysis a;
  a.image_id = image.id;
  a.sha256 = image.sha256;
  a.schema_version = schema_version;
  a.description = r.description;
  a.tags = r.tags;
  a.colors = r.colors;
  a.color = std::string(main_color(r));
  a.material = r.material;
  a.garment_type = r.garment_type;
  a.style = r.style;
  a.confidence = r.confidence;
  a.provider = r.provider;
  a.model = r.model;
  a.raw_json = r.raw_json;
  a.input_tokens = r.input_tokens;
  a.output_tokens = r.output_tokens;
  a.quality = r.quality;
  a.blurhash = r.blurhash;
  return a;
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

Result<AnalyzeReport> Bank::analyze(const AnalyzeOptions& options) {
  const Clock::time_point start = Clock::now();
  if (options.workers < 0 || options.workers > 256) {
    return invalid_argument_error("analyze: workers must be 0..256");
  }
  if (options.request.schema_version < 1) {
    return invalid_argument_error("analyze: schema_version must be >= 1");
  }
  // The chain: the caller's analyzers, then the URIs'.
  std::vector<VisionChain::Entry> entries;
  for (const auto& a : options.analyzers) {
    if (!a) return invalid_argument_error("analyze: a null analyzer");
    VisionChain::Entry e;
    e.analyzer = a;
    if (auto it = options.limits.find(a->provider());
        it != options.limits.end()) {
      e.limit = it->second;
    }
    entries.push_back(std::move(e));
  }
  VisionOpenOptions open;
  open.getenv = options.getenv;
  bool offline_only = true;
  for (const std::string& uri : options.vision) {
    IMAGEBANK_ASSIGN_OR_RETURN(auto analyzer, open_vision_analyzer(uri, open));
    VisionChain::Entry e;
    e.analyzer = std::shared_ptr<VisionAnalyzer>(std::move(analyzer));
    if (auto it = options.limits.find(e.analyzer->provider());
        it != options.limits.end()) {
      e.limit = it->second;
    }
    offline_only = offline_only && is_offline(uri);
    entries.push_back(std::move(e));
  }
  if (!options.analyzers.empty()) offline_only = false;
  IMAGEBANK_ASSIGN_OR_RETURN(
      std::unique_ptr<VisionChain> chain,
      VisionChain::create(std::move(entries), options.chain));
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
    // An earlier answer of any analyzer in the chain costs nothing.
    if (!options.force) {
      for (const AnalysisKey& key : keys) {
        IMAGEBANK_ASSIGN_OR_RETURN(
            auto hit, catalog_->find_ai_analysis(image.sha256, key));
        if (!hit) continue;
        std::lock_guard lock(mu);
        ++report.progress.cached;
        ++report.progress.done;
        ++report.by_provider[hit->provider];
        report_progress(false);
        return Status();
      }
    }
    Result<PreparedVisionImage> prepared =
        [&]() -> Result<PreparedVisionImage> {
      IMAGEBANK_ASSIGN_OR_RETURN(std::vector<std::byte> bytes,
                                 blobs_->get_bytes(image.blob_key));
      const std::string name =
          image.original_name.empty() ? image.sha256 : image.original_name;
      auto source = Source::memory(bytes, name);
      return prepare_vision_image(*source, image.sha256);
    }();
    VisionOutcome outcome;
    if (prepared.ok()) {
      outcome = chain->analyze(prepared->view(), options.request);
    } else {
      outcome.error = prepared.status();
    }
    // Every failed call is kept with its reason, next to the answers.
    for (const VisionAttempt& attempt : outcome.attempts) {
      if (attempt.cached || attempt.skipped || attempt.outcome.ok()) continue;
      AiAnalysis failed;
      failed.image_id = image.id;
      failed.sha256 = image.sha256;
      failed.schema_version = options.request.schema_version;
      failed.provider = attempt.provider;
      failed.model = attempt.model;
      failed.error = attempt.outcome;
      IMAGEBANK_RETURN_IF_ERROR(catalog_->add_ai_analysis(failed).status());
    }
    if (!outcome.result) {
      std::lock_guard lock(mu);
      ++report.progress.failed;
      ++report.progress.done;
      report.failures.push_back(AnalyzeFailure{
          image.id, image.original_name,
          outcome.error.ok() ? unavailable_error("no analyzer answered")
                             : outcome.error});
      report_progress(false);
      return Status();
    }
    const VisionResult& r = *outcome.result;
    IMAGEBANK_RETURN_IF_ERROR(catalog_
                                  ->add_ai_analysis(to_analysis(
                                      image, r, options.request.schema_version))
                                  .status());
    if (!r.items.empty()) {
      std::vector<ImageItem> items;
      for (std::size_t i = 0; i < r.items.size(); ++i) {
        ImageItem item;
        item.image_id = image.id;
        item.position = static_cast<int>(i);
        item.label = r.items[i].label;
        item.box = r.items[i].box;
        item.attributes = r.items[i].attributes;
        items.push_back(std::move(item));
      }
      IMAGEBANK_RETURN_IF_ERROR(
          catalog_->put_image_items(image.id, items).status());
      for (std::size_t i = 0; i < r.items.size(); ++i) {
        const VisionItem& vi = r.items[i];
        AiAnalysis a;
        a.image_id = image.id;
        a.item_position = static_cast<int>(i);
        a.sha256 = image.sha256;
        a.schema_version = options.request.schema_version;
        a.description = vi.label;
        a.colors = vi.colors;
        a.color = vi.colors.empty() ? std::string() : vi.colors.front().name;
        if (auto m = vi.attributes.find("material"); m != vi.attributes.end()) {
          a.material = m->second;
        }
        a.confidence = vi.confidence;
        a.provider = r.provider;
        a.model = r.model;
        IMAGEBANK_RETURN_IF_ERROR(catalog_->add_ai_analysis(a).status());
      }
    }
    if (image.status == ImageStatus::kPendingAiAnalysis) {
      Result<ImageRecord> moved =
          catalog_->set_image_status(image.id, ImageStatus::kPending);
      // Someone else moved it meanwhile: their decision stands.
      if (!moved.ok() && moved.status().code() != ErrorCode::kConflict) {
        return moved.status();
      }
    }
    std::lock_guard lock(mu);
    ++report.progress.done;
    ++report.by_provider[r.provider];
    if (outcome.cached) {
      ++report.progress.cached;
    } else {
      ++report.progress.analysed;
      report.progress.input_tokens += r.input_tokens;
      report.progress.output_tokens += r.output_tokens;
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
