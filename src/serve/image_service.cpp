#include "imagebank/serve/image_service.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <unordered_map>

#include "imagebank/hash/sha256.hpp"
#include "imagebank/image/background.hpp"
#include "imagebank/image/decode.hpp"
#include "imagebank/image/encode.hpp"
#include "imagebank/image/format.hpp"
#include "imagebank/image/resize.hpp"
#include "imagebank/serve/signed_url.hpp"
#include "imagebank/variants/negotiate.hpp"

namespace imagebank {
namespace {

constexpr std::string_view kOriginal = "original";
constexpr std::string_view kRemoved = "removed";
// Marks a cut-out's key (after the preset name); raise the digit when
// remove_background's output changes.
constexpr std::string_view kRemovedKeyMark = ".nobg1";

// A stored variant's identity, as the plan needs it.
struct Located {
  std::string key;
  std::uint64_t size = 0;
};

std::string etag_of_key(std::string_view key) {
  // 128 bits of the key's digest: the key names the content's identity (see
  // variant_key), and a fixed-size opaque tag does not leak the layout.
  const std::string digest =
      to_hex(sha256(std::as_bytes(std::span(key.data(), key.size()))));
  return "\"v" + digest.substr(0, 32) + "\"";
}

ImagePlan failure(int status, Status error) {
  ImagePlan plan;
  plan.status = status;
  plan.error = std::move(error);
  return plan;
}

ImagePlan failure(const Status& error) {
  return failure(http_status(error.code()), error);
}

constexpr int kNeedsIo = 0;
ImagePlan needs_io() {
  ImagePlan plan;
  plan.status = kNeedsIo;
  return plan;
}

bool is_sha256_hex(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

// What a request needs of an image from the catalog.
struct CachedImage {
  ImageRecord image;
  std::vector<VariantRecord> variants;
  // etag_of_key() of each variant's blob key, in the same order: made once
  // per entry, not once per request (a SHA-256 each time was a tenth of a
  // cached answer's cost in imagebank-server).
  std::vector<std::string> etags;
  std::int64_t until_ms = 0;
};

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct ImageService::State {
  std::shared_ptr<CatalogStore> catalog;
  std::shared_ptr<BlobStore> blobs;
  ImageServiceOptions options;

  // Single flight: one encode per missing variant key; followers wait on
  // the leader's future.
  std::mutex mu;
  std::condition_variable slot_free;
  int running = 0;
  std::unordered_map<std::string, std::shared_future<Result<Located>>> flights;

  std::atomic<std::uint64_t> plans{0}, not_modified{0}, generated{0}, joined{0},
      rejected{0}, failed{0};

  std::mutex cache_mu;
  std::unordered_map<std::string, std::shared_ptr<const CachedImage>> cache;

  Result<ImageRecord> find_image(std::string_view id);
  // `fresh`: skip the cache (and refill it).
  Result<std::shared_ptr<const CachedImage>> lookup(const std::string& id,
                                                    bool fresh);
  void forget(const ImageRecord& image);
  Result<Located> generate(const ImageRecord& image, const Preset& preset,
                           Format format, const std::string& key);
  // Single flight and the encode limits around `make` (which stores the
  // blob under `key`).
  Result<Located> fly(const std::string& key,
                      const std::function<Result<Located>()>& make);
  // The preset with its background removed (background "removed").
  ImagePlan plan_removed(const ImageRecord& image, const Preset& preset,
                         std::optional<Format> wanted,
                         const ImageRequest& request);
  // `cached_only`: answer only from memory; a plan that needs the catalog,
  // the storage or an encoder comes back with status 0 (kNeedsIo).
  ImagePlan plan(const ImageRequest& request, bool fresh = false,
                 bool cached_only = false);
  ImagePlan plan_original(const ImageRecord& image,
                          const ImageRequest& request);
};

Result<ImageRecord> ImageService::State::find_image(std::string_view id) {
  if (is_sha256_hex(id)) return catalog->find_image_by_sha256(id);
  RowId row = 0;
  const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), row);
  if (id.empty() || id.size() > 18 || ec != std::errc() ||
      end != id.data() + id.size() || row <= 0) {
    return invalid_argument_error("bad image id '" +
                                  std::string(id.substr(0, 80)) +
                                  "' (a positive number or a 64-hex SHA-256)");
  }
  return catalog->get_image(row);
}

Result<std::shared_ptr<const CachedImage>> ImageService::State::lookup(
    const std::string& id, bool fresh) {
  const std::int64_t now = steady_ms();
  if (options.cache_ms > 0 && !fresh) {
    std::lock_guard lock(cache_mu);
    const auto it = cache.find(id);
    if (it != cache.end() && it->second->until_ms > now) return it->second;
  }
  auto entry = std::make_shared<CachedImage>();
  IMAGEBANK_ASSIGN_OR_RETURN(entry->image, find_image(id));
  IMAGEBANK_ASSIGN_OR_RETURN(entry->variants,
                             catalog->variants(entry->image.id));
  entry->etags.reserve(entry->variants.size());
  for (const VariantRecord& v : entry->variants) {
    entry->etags.push_back(etag_of_key(v.blob_key));
  }
  entry->until_ms = now + options.cache_ms;
  if (options.cache_ms > 0) {
    std::lock_guard lock(cache_mu);
    // Bounded: past the cap it starts over (cheaper than an LRU, and the
    // hot images come back within a request each).
    if (cache.size() >= options.cache_entries) cache.clear();
    cache[id] = entry;
  }
  return std::shared_ptr<const CachedImage>(std::move(entry));
}

void ImageService::State::forget(const ImageRecord& image) {
  std::lock_guard lock(cache_mu);
  cache.erase(std::to_string(image.id));
  cache.erase(image.sha256);
}

ImagePlan ImageService::State::plan_original(const ImageRecord& image,
                                             const ImageRequest& request) {
  const std::optional<Format> format = format_from_name(image.format);
  if (request.format != "auto" && request.format != image.format) {
    // A well-formed request for a representation that does not exist.
    return failure(not_found_error("image " + std::to_string(image.id) +
                                   "'s original is " + image.format + ", not " +
                                   request.format.substr(0, 20) +
                                   " (variants come in other formats)"));
  }
  ImagePlan plan;
  plan.image_id = image.id;
  plan.preset = std::string(kOriginal);
  plan.format = image.format;
  plan.content_type = std::string(mime_type(format.value_or(Format::kUnknown)));
  const std::string etag = "\"" + image.sha256 + "\"";
  plan.headers = {{"ETag", etag},
                  {"Cache-Control", options.cache_control},
                  {"Accept-Ranges", "bytes"}};
  if (if_none_match_matches(request.if_none_match, etag)) {
    ++not_modified;
    plan.status = 304;
    return plan;
  }
  Result<BlobInfo> info = blobs->head(image.blob_key);
  if (!info.ok()) {
    if (info.status().code() == ErrorCode::kNotFound) {
      return failure(404, not_found_error("the original of image " +
                                          std::to_string(image.id) +
                                          " is missing from storage"));
    }
    return failure(info.status());
  }
  plan.blob_key = image.blob_key;
  plan.blob_size = info->size;
  plan.length = info->size;
  if (const auto range = parse_byte_range(request.range, info->size)) {
    if (range->length == 0) {
      ImagePlan bad = failure(
          416, invalid_argument_error("range not satisfiable: '" +
                                      request.range.substr(0, 80) + "'"));
      bad.headers = {
          {"Content-Range", "bytes */" + std::to_string(info->size)}};
      return bad;
    }
    plan.status = 206;
    plan.offset = range->offset;
    plan.length = range->length;
    plan.headers.emplace_back(
        "Content-Range", "bytes " + std::to_string(range->offset) + "-" +
                             std::to_string(range->offset + range->length - 1) +
                             "/" + std::to_string(info->size));
  }
  return plan;
}

Result<Located> ImageService::State::generate(const ImageRecord& image,
                                              const Preset& preset,
                                              Format format,
                                              const std::string& key) {
  return fly(key, [&]() -> Result<Located> {
    IMAGEBANK_ASSIGN_OR_RETURN(std::vector<std::byte> original,
                               blobs->get_bytes(image.blob_key));
    VariantOptions vo = options.variants;
    vo.presets = {preset};
    vo.formats = {format};
    IMAGEBANK_ASSIGN_OR_RETURN(std::vector<Variant> made,
                               make_variants(original, vo));
    if (made.size() != 1) {
      return internal_error("make_variants returned " +
                            std::to_string(made.size()) + " variants, not 1");
    }
    const Variant& v = made.front();
    IMAGEBANK_RETURN_IF_ERROR(blobs->put(key, v.data));
    const VariantRecord record{
        image.id, preset.name, std::string(format_name(format)),
        v.width,  v.height,    v.data.size(),
        key};
    IMAGEBANK_RETURN_IF_ERROR(
        catalog->put_variants(image.id, std::span(&record, 1)));
    forget(image);
    return Located{key, v.data.size()};
  });
}

Result<Located> ImageService::State::fly(
    const std::string& key, const std::function<Result<Located>()>& make) {
  std::promise<Result<Located>> promise;
  {
    std::unique_lock lock(mu);
    if (const auto it = flights.find(key); it != flights.end()) {
      std::shared_future<Result<Located>> pending = it->second;
      lock.unlock();
      ++joined;
      return pending.get();
    }
    const auto capacity = static_cast<std::size_t>(options.max_encodes +
                                                   options.max_waiting_encodes);
    if (flights.size() >= capacity) {
      ++rejected;
      return unavailable_error("the server is busy making other variants");
    }
    flights.emplace(key, promise.get_future().share());
    slot_free.wait(lock, [&] { return running < options.max_encodes; });
    ++running;
  }
  Result<Located> result = make();
  if (result.ok()) {
    ++generated;
  } else {
    ++failed;
  }
  promise.set_value(result);
  {
    std::lock_guard lock(mu);
    flights.erase(key);
    --running;
  }
  slot_free.notify_one();
  return result;
}

ImagePlan ImageService::State::plan(const ImageRequest& request, bool fresh,
                                    bool cached_only) {
  const bool is_original = request.size == kOriginal;
  const Preset* preset = nullptr;
  if (!is_original) {
    for (const Preset& p : options.variants.presets) {
      if (p.name == request.size) preset = &p;
    }
    if (preset == nullptr) {
      std::string sizes(kOriginal);
      for (const Preset& p : options.variants.presets) sizes += ", " + p.name;
      return failure(invalid_argument_error("unknown size '" +
                                            request.size.substr(0, 40) +
                                            "' (one of " + sizes + ")"));
    }
  }
  const bool removed = request.background == kRemoved;
  if (!request.background.empty() && !removed) {
    return failure(invalid_argument_error(
        "unknown background '" + request.background.substr(0, 20) +
        "' (removed, or none for the photo as it is)"));
  }
  if (removed && is_original) {
    return failure(invalid_argument_error(
        "a removed background needs a size (a preset), not the original"));
  }
  std::optional<Format> wanted;
  if (request.format != "auto") {
    wanted = format_from_name(request.format);
    const auto& served = options.variants.formats;
    // A cut-out's formats are checked by plan_removed.
    if (!is_original && !removed &&
        (!wanted ||
         std::find(served.begin(), served.end(), *wanted) == served.end())) {
      std::string names;
      for (Format f : served) names += ", " + std::string(format_name(f));
      return failure(invalid_argument_error("unknown format '" +
                                            request.format.substr(0, 20) +
                                            "' (one of auto" + names + ")"));
    }
  }
  // A variant missing from a cached entry may have been made since (by
  // ingest or another server): look again before answering 404.
  const bool may_be_stale = !fresh && options.cache_ms > 0;
  std::shared_ptr<const CachedImage> entry;
  if (cached_only) {
    // The entry taken here is the one planned with: a second lookup could
    // find it expired and go to the catalog on the caller's event loop.
    if (is_original || removed) return needs_io();
    std::lock_guard lock(cache_mu);
    const auto it = cache.find(request.id);
    if (it == cache.end() || it->second->until_ms <= steady_ms()) {
      return needs_io();
    }
    entry = it->second;
  } else {
    Result<std::shared_ptr<const CachedImage>> found =
        lookup(request.id, fresh);
    if (!found.ok()) return failure(found.status());
    entry = std::move(found).value();
  }
  const ImageRecord* image = &entry->image;
  if (is_original) return plan_original(*image, request);
  if (removed) return plan_removed(*image, *preset, wanted, request);

  auto stored_of = [&](Format f) -> const VariantRecord* {
    for (const VariantRecord& v : entry->variants) {
      if (v.preset == preset->name && v.format == format_name(f)) return &v;
    }
    return nullptr;
  };

  Format format = wanted.value_or(Format::kJpeg);
  const bool negotiated = !wanted.has_value();
  HeaderList headers;
  if (negotiated) {
    std::vector<Format> available;
    for (Format f : options.variants.formats) {
      if (options.generate_on_demand || stored_of(f) != nullptr) {
        available.push_back(f);
      }
    }
    if (available.empty()) {
      if (cached_only) return needs_io();
      if (may_be_stale) return State::plan(request, true);
      return failure(not_found_error("image " + std::to_string(image->id) +
                                     " has no " + preset->name + " variant"));
    }
    const Negotiation n = negotiate(request.accept, available);
    headers.emplace_back("Vary", "Accept");
    if (!n.acceptable) {
      ImagePlan plan =
          failure(406, invalid_argument_error(
                           "none of the formats served is acceptable to '" +
                           request.accept.substr(0, 120) + "'"));
      plan.headers = std::move(headers);
      return plan;
    }
    format = n.format;
  }

  ImagePlan plan;
  plan.image_id = image->id;
  plan.preset = preset->name;
  plan.format = std::string(format_name(format));
  plan.content_type = std::string(mime_type(format));

  std::string key;
  std::string etag;
  std::optional<std::uint64_t> size;
  if (const VariantRecord* v = stored_of(format)) {
    key = v->blob_key;
    size = v->bytes;
    etag = entry->etags[static_cast<std::size_t>(v - entry->variants.data())];
  } else {
    EncodeOptions settings = options.variants.encode_options(format);
    settings.format = format;
    Result<std::string> made =
        variant_key(image->sha256, preset->name, format, settings);
    if (!made.ok()) return failure(made.status());
    key = std::move(made).value();
    etag = etag_of_key(key);
  }
  headers.emplace_back("ETag", etag);
  headers.emplace_back("Cache-Control", options.cache_control);
  plan.headers = std::move(headers);
  if (if_none_match_matches(request.if_none_match, etag)) {
    ++not_modified;
    plan.status = 304;
    return plan;
  }
  if (!size && cached_only) return needs_io();
  if (!size) {
    Result<BlobInfo> info = blobs->head(key);
    if (info.ok()) {
      size = info->size;
    } else if (info.status().code() != ErrorCode::kNotFound) {
      return failure(info.status());
    } else if (!options.generate_on_demand) {
      if (may_be_stale) return State::plan(request, true);
      return failure(not_found_error("image " + std::to_string(image->id) +
                                     " has no " + preset->name + " " +
                                     plan.format + " variant"));
    } else {
      Result<Located> made = generate(*image, *preset, format, key);
      if (!made.ok()) {
        ImagePlan bad = failure(made.status());
        if (bad.status == 503) {
          bad.headers = {
              {"Retry-After", std::to_string(options.retry_after_s)}};
        }
        return bad;
      }
      size = made->size;
      plan.generated = true;
    }
  }
  plan.blob_key = key;
  plan.blob_size = *size;
  plan.length = *size;
  return plan;
}

ImagePlan ImageService::State::plan_removed(const ImageRecord& image,
                                            const Preset& preset,
                                            std::optional<Format> wanted,
                                            const ImageRequest& request) {
  // Formats with alpha: WebP and AVIF where served, PNG always (every
  // client takes it; it is the fallback negotiation may pick).
  std::vector<Format> alpha;
  for (Format f : options.variants.formats) {
    if (f == Format::kWebp || f == Format::kAvif) alpha.push_back(f);
  }
  alpha.push_back(Format::kPng);
  HeaderList headers;
  Format format = Format::kPng;
  if (wanted) {
    if (std::find(alpha.begin(), alpha.end(), *wanted) == alpha.end()) {
      std::string names;
      for (Format f : alpha) names += ", " + std::string(format_name(f));
      return failure(invalid_argument_error(
          "a removed background is served as auto" + names + ", not " +
          request.format.substr(0, 20)));
    }
    format = *wanted;
  } else {
    const Negotiation n = negotiate(request.accept, alpha);
    headers.emplace_back("Vary", "Accept");
    if (!n.acceptable) {
      ImagePlan plan =
          failure(406, invalid_argument_error(
                           "none of the formats served is acceptable to '" +
                           request.accept.substr(0, 120) + "'"));
      plan.headers = std::move(headers);
      return plan;
    }
    format = n.format;
  }
  ImagePlan plan;
  plan.image_id = image.id;
  plan.preset = preset.name;
  plan.format = std::string(format_name(format));
  plan.content_type = std::string(mime_type(format));
  EncodeOptions settings = options.variants.encode_options(format);
  settings.format = format;
  Result<std::string> variant =
      variant_key(image.sha256, preset.name, format, settings);
  if (!variant.ok()) return failure(variant.status());
  std::string key = std::move(variant).value();
  // "variants/<sha256>/<preset>.<tag>.<ext>" -> "<preset>.nobg1.<tag>...".
  key.insert(key.find('/', key.find('/') + 1) + 1 + preset.name.size(),
             kRemovedKeyMark);
  const std::string etag = etag_of_key(key);
  headers.emplace_back("ETag", etag);
  headers.emplace_back("Cache-Control", options.cache_control);
  plan.headers = std::move(headers);
  if (if_none_match_matches(request.if_none_match, etag)) {
    ++not_modified;
    plan.status = 304;
    return plan;
  }
  Result<BlobInfo> info = blobs->head(key);
  if (info.ok()) {
    plan.blob_size = info->size;
  } else if (info.status().code() != ErrorCode::kNotFound) {
    return failure(info.status());
  } else if (!options.generate_on_demand) {
    return failure(not_found_error("image " + std::to_string(image.id) +
                                   " has no " + preset.name + " " +
                                   plan.format + " without its background"));
  } else {
    Result<Located> made = fly(key, [&]() -> Result<Located> {
      IMAGEBANK_ASSIGN_OR_RETURN(std::vector<std::byte> original,
                                 blobs->get_bytes(image.blob_key));
      DecodeOptions decode_options;
      decode_options.limits = options.variants.limits;
      decode_options.target_width = preset.geometry.width;
      decode_options.target_height = preset.geometry.height;
      IMAGEBANK_ASSIGN_OR_RETURN(Image decoded,
                                 decode(original, decode_options));
      ResizeOptions resize;
      resize.filter = options.variants.filter;
      resize.pool = options.variants.pool;
      IMAGEBANK_ASSIGN_OR_RETURN(Image fitted,
                                 fit_to(decoded, preset.geometry, resize));
      IMAGEBANK_ASSIGN_OR_RETURN(Image cut, remove_background(fitted));
      IMAGEBANK_ASSIGN_OR_RETURN(std::vector<std::byte> bytes,
                                 encode(cut, settings));
      IMAGEBANK_RETURN_IF_ERROR(blobs->put(key, bytes));
      return Located{key, bytes.size()};
    });
    if (!made.ok()) {
      ImagePlan bad = failure(
          made.status().with_context("image " + std::to_string(image.id)));
      if (bad.status == 503) {
        bad.headers = {{"Retry-After", std::to_string(options.retry_after_s)}};
      }
      return bad;
    }
    plan.blob_size = made->size;
    plan.generated = true;
  }
  plan.blob_key = key;
  plan.length = plan.blob_size;
  return plan;
}

ImageService::ImageService(std::unique_ptr<State> state)
    : state_(std::move(state)) {}
ImageService::~ImageService() = default;

Result<std::unique_ptr<ImageService>> ImageService::create(
    std::shared_ptr<CatalogStore> catalog, std::shared_ptr<BlobStore> blobs,
    ImageServiceOptions options) {
  if (!catalog || !blobs) {
    return invalid_argument_error(
        "an image service needs a catalog and a blob store");
  }
  if (options.variants.formats.empty()) {
    return invalid_argument_error("an image service needs at least one format");
  }
  for (Format f : options.variants.formats) {
    if (!format_info(f).can_encode) {
      return invalid_argument_error("cannot serve variants in " +
                                    std::string(format_name(f)));
    }
  }
  for (const Preset& p : options.variants.presets) {
    IMAGEBANK_RETURN_IF_ERROR(validate_preset(p));
    if (p.name == kOriginal) {
      return invalid_argument_error("a preset may not be named 'original'");
    }
  }
  if (options.max_encodes < 1 || options.max_waiting_encodes < 0 ||
      options.cache_ms < 0 || options.retry_after_s < 0) {
    return invalid_argument_error(
        "max_encodes >= 1, max_waiting_encodes >= 0 and retry_after_s >= 0");
  }
  auto state = std::make_unique<State>();
  state->catalog = std::move(catalog);
  state->blobs = std::move(blobs);
  state->options = std::move(options);
  return std::unique_ptr<ImageService>(new ImageService(std::move(state)));
}

ImagePlan ImageService::plan(const ImageRequest& request) {
  ++state_->plans;
  return state_->plan(request);
}

std::optional<ImagePlan> ImageService::plan_cached(
    const ImageRequest& request) {
  ImagePlan plan = state_->plan(request, false, true);
  if (plan.status == kNeedsIo) return std::nullopt;
  ++state_->plans;
  return plan;
}

ImageServiceStats ImageService::stats() const {
  return ImageServiceStats{
      state_->plans.load(),     state_->not_modified.load(),
      state_->generated.load(), state_->joined.load(),
      state_->rejected.load(),  state_->failed.load()};
}

const ImageServiceOptions& ImageService::options() const {
  return state_->options;
}

}  // namespace imagebank
