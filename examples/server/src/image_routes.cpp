#include "image_routes.hpp"

#include <array>
#include <atomic>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>

#include "api_support.hpp"
#include "imagebank/hash/perceptual.hpp"
#include "problem.hpp"

namespace imagebank::server {
namespace {

// Bodies up to this size are read whole before the answer starts; larger
// ones (originals) are streamed with bounded memory.
constexpr std::uint64_t kInMemoryBytes = 256 * 1024;

// How long the signed URLs the API hands out stay valid.
constexpr std::int64_t kSignedUrlSeconds = 24 * 3600;

std::string param(const Request& r, std::string_view name,
                  std::string_view fallback) {
  const auto v = r.query.find(name);
  return std::string(v ? *v : fallback);
}

std::string header(const Request& r, std::string_view name) {
  const std::string* v = r.headers.find(name);
  return v != nullptr ? *v : std::string();
}

ImageRequest image_request(const Request& request) {
  ImageRequest ask;
  ask.id = std::string(*request.path_params.find("id"));
  ask.size = param(request, "size", "original");
  ask.format = param(request, "format", "auto");
  ask.background = param(request, "bg", "");
  ask.accept = header(request, "Accept");
  ask.if_none_match = header(request, "If-None-Match");
  ask.range = header(request, "Range");
  return ask;
}

// The response of a plan whose body (if any) is `body`.
Response answer(const ImagePlan& plan, ResponseBody body) {
  Response response;
  if (plan.status >= 400) {
    response = problem_response(plan.status, plan.error.message(),
                                code_name(plan.error.code()));
  } else {
    response.status = plan.status;
    if (plan.status != 304) {
      response.body = std::move(body);
      response.headers.set("Content-Type", plan.content_type);
    }
  }
  for (const auto& [name, value] : plan.headers) {
    response.headers.set(name, value);
  }
  return response;
}

bool has_body(const ImagePlan& plan) {
  return plan.status == 200 || plan.status == 206;
}

// imagebank_images_served_total, counted on every image request: the
// cells of the usual statuses are found without a label lookup.
class ServedCounter {
 public:
  explicit ServedCounter(MetricFamily& family) : family_(family) {}

  void add(int status, bool original, bool memory) {
    const int s = status == 200   ? 0
                  : status == 206 ? 1
                  : status == 304 ? 2
                                  : -1;
    if (s < 0) {
      family_.add({std::to_string(status), original ? "original" : "variant",
                   memory ? "memory" : "storage"});
      return;
    }
    std::atomic<MetricCell*>& slot = cells_[static_cast<std::size_t>(
        s * 4 + (original ? 2 : 0) + (memory ? 1 : 0))];
    MetricCell* cell = slot.load(std::memory_order_acquire);
    if (cell == nullptr) {
      // Made on first use (an unused series is not listed); a race makes
      // the same cell twice over.
      cell = &family_.cell({std::to_string(status),
                            original ? "original" : "variant",
                            memory ? "memory" : "storage"});
      slot.store(cell, std::memory_order_release);
    }
    cell->add();
  }

 private:
  MetricFamily& family_;
  std::array<std::atomic<MetricCell*>, 12> cells_{};
};

}  // namespace

struct ImageRoutes {
  ImageRoutes(Bank& b, ImageService& i, Auth& a, std::size_t cache_bytes,
              MetricFamily& s)
      : bank(b), images(i), auth(a), cache(cache_bytes), served(s) {}

  Bank& bank;
  ImageService& images;
  Auth& auth;
  ByteCache cache;
  ServedCounter served;

  void count(const ImagePlan& plan, bool memory) {
    served.add(plan.status, plan.preset == "original", memory);
  }

  // On the io thread: a signed (or public) request whose plan and bytes are
  // in memory. Anything else goes to a worker.
  std::optional<Result<Response>> fast(Request& request) {
    if (auth.access() == ImageAccess::kSigned && !request.query.find("sig")) {
      return std::nullopt;  // a Bearer key may need the catalog
    }
    if (Status allowed = auth.allow_image(request); !allowed.ok()) {
      return Result<Response>(problem_response(allowed));
    }
    const std::optional<ImagePlan> plan =
        images.plan_cached(image_request(request));
    if (!plan) return std::nullopt;
    std::shared_ptr<const std::string> bytes;
    if (has_body(*plan)) {
      bytes = cache.get(plan->blob_key);
      if (!bytes) return std::nullopt;
    }
    count(*plan, true);
    // The cached bytes are shared, not copied, by every answer.
    if (!bytes) return Result<Response>(answer(*plan, std::string()));
    return Result<Response>(answer(*plan, SharedBody{std::move(bytes)}));
  }

  Response slow(Request& request) {
    if (Status allowed = auth.allow_image(request); !allowed.ok()) {
      return problem_response(allowed);
    }
    const ImagePlan plan = images.plan(image_request(request));
    count(plan, false);
    if (!has_body(plan)) return answer(plan, std::string());
    if (plan.length > kInMemoryBytes) {
      const std::string key = plan.blob_key;
      const ByteRange range{plan.offset, plan.length};
      BlobStore& blobs = bank.blobs();
      Response response = Response::stream(
          plan.status, plan.length,
          [&blobs, key, range](const BodySink& sink) {
            return blobs.get(key, sink, range);
          },
          plan.content_type);
      for (const auto& [name, value] : plan.headers) {
        response.headers.set(name, value);
      }
      return response;
    }
    // Small (variants): read whole on this worker and sent as one buffer,
    // kept for the io thread's next answer.
    auto body = std::make_shared<std::string>();
    body->reserve(plan.length);
    Status read = bank.blobs().get(
        plan.blob_key,
        [&body](std::span<const std::byte> bytes) {
          body->append(reinterpret_cast<const char*>(bytes.data()),
                       bytes.size());
          return Status();
        },
        ByteRange{plan.offset, plan.length});
    if (!read.ok()) return problem_response(read);
    if (plan.preset != "original" && plan.status == 200) {
      cache.put(plan.blob_key, body);
    }
    return answer(plan, SharedBody{std::move(body)});
  }
};

namespace {

std::int64_t now_unix_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Near duplicates listed in an image's record (a photo of a hundred
// near-identical shots lists the first ones).
constexpr std::size_t kMaxListedNearDuplicates = 1000;

// The PDQ bytes are big-endian: their hex is pdq_to_hex()'s form.
std::string hex_bytes(const PdqBytes& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const std::uint8_t b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

Result<Response> image_record(Request& request, Bank& bank,
                              ImageService& images, Auth& auth) {
  IMAGEBANK_RETURN_IF_ERROR(auth.require(request, ApiScope::kRead).status());
  IMAGEBANK_ASSIGN_OR_RETURN(RowId row, path_row_id(request, "image id"));
  IMAGEBANK_ASSIGN_OR_RETURN(ImageRecord img, bank.catalog().get_image(row));
  IMAGEBANK_ASSIGN_OR_RETURN(std::vector<VariantRecord> variants,
                             bank.catalog().variants(row));
  boost::json::object body = image_json(img);
  boost::json::array stored;
  for (const VariantRecord& v : variants) {
    stored.push_back({{"preset", v.preset},
                      {"format", v.format},
                      {"width", v.width},
                      {"height", v.height},
                      {"bytes", v.bytes}});
  }
  body["variants"] = std::move(stored);
  IMAGEBANK_ASSIGN_OR_RETURN(body["urls"], image_urls(img.id, images, auth));
  body["hashes"] = boost::json::object{{"phash", hash_to_hex(img.phash)},
                                       {"dhash", hash_to_hex(img.dhash)},
                                       {"pdq", hex_bytes(img.pdq)},
                                       {"pdq_quality", img.pdq_quality}};
  // Its near duplicates, from either side of each pair, named from here.
  IMAGEBANK_ASSIGN_OR_RETURN(
      std::vector<NearDuplicate> pairs,
      bank.catalog().near_duplicates(row, 0, kMaxListedNearDuplicates));
  boost::json::array near;
  for (const NearDuplicate& d : pairs) {
    near.push_back(
        {{"image_id", d.image_id == row ? d.other_image_id : d.image_id},
         {"distance", d.distance},
         {"algorithm", d.algorithm}});
  }
  body["near_duplicates"] = std::move(near);
  IMAGEBANK_ASSIGN_OR_RETURN(std::vector<AiAnalysis> analyses,
                             bank.catalog().ai_analyses(row));
  boost::json::array ai;
  for (const AiAnalysis& a : analyses) ai.push_back(analysis_json(a));
  body["analyses"] = std::move(ai);
  IMAGEBANK_ASSIGN_OR_RETURN(std::vector<ImageItem> items,
                             bank.catalog().image_items(row));
  boost::json::array listed;
  for (const ImageItem& item : items) {
    boost::json::object attributes;
    for (const auto& [k, v] : item.attributes) attributes[k] = v;
    listed.push_back({{"position", item.position},
                      {"label", item.label},
                      {"box", boost::json::array{item.box[0], item.box[1],
                                                 item.box[2], item.box[3]}},
                      {"attributes", std::move(attributes)}});
  }
  body["items"] = std::move(listed);
  return Response::json(200, boost::json::serialize(body));
}

}  // namespace

Result<boost::json::object> image_urls(RowId image_id,
                                       const ImageService& images,
                                       const Auth& auth) {
  // An <img src> works without headers: every size, negotiated, signed.
  boost::json::object urls;
  const std::int64_t expires = now_unix_s() + kSignedUrlSeconds;
  std::vector<std::string> sizes = {"original"};
  for (const Preset& p : images.options().variants.presets) {
    sizes.push_back(p.name);
  }
  for (const std::string& size : sizes) {
    const std::string target =
        "/images/" + std::to_string(image_id) + "?size=" + size;
    if (auth.access() == ImageAccess::kPublic) {
      urls[size] = target;
    } else {
      IMAGEBANK_ASSIGN_OR_RETURN(urls[size],
                                 auth.signer().sign(target, expires));
    }
  }
  return urls;
}

Status add_image_routes(Router& router, Bank& bank, ImageService& images,
                        Auth& auth, MetricsRegistry& metrics,
                        std::size_t memory_cache_bytes) {
  MetricFamily& served = metrics.counter(
      "imagebank_images_served_total",
      "Image requests answered, by status, kind and where the bytes came "
      "from (memory: on the io thread; storage: on a worker)",
      {"status", "kind", "path"});
  MetricFamily& made =
      metrics.gauge("imagebank_variants_generated",
                    "Variants made on demand since the server started");
  MetricFamily& joined = metrics.gauge(
      "imagebank_variant_generation_joined",
      "Requests that waited for another request's encode of their variant");
  MetricFamily& busy =
      metrics.gauge("imagebank_variant_generation_rejected",
                    "Requests answered 503 because the encode queue was full");
  MetricFamily& cached = metrics.gauge("imagebank_memory_cache_bytes",
                                       "Bytes of variants kept in memory");
  auto routes = std::make_shared<ImageRoutes>(bank, images, auth,
                                              memory_cache_bytes, served);
  metrics.add_collector([&images, &made, &joined, &busy, &cached, routes] {
    const ImageServiceStats s = images.stats();
    made.set({}, static_cast<double>(s.variants_generated));
    joined.set({}, static_cast<double>(s.generation_joined));
    busy.set({}, static_cast<double>(s.rejected_busy));
    cached.set({}, static_cast<double>(routes->cache.bytes()));
  });
  RouteOptions options;
  options.try_inline = [routes](Request& r) { return routes->fast(r); };
  IMAGEBANK_RETURN_IF_ERROR(router.add(
      "GET", "/images/{id}",
      [routes](Request& r) -> Result<Response> { return routes->slow(r); },
      std::move(options)));
  return router.add("GET", "/api/v1/images/{id}",
                    [&bank, &images, &auth](Request& r) -> Result<Response> {
                      return image_record(r, bank, images, auth);
                    });
}

}  // namespace imagebank::server
