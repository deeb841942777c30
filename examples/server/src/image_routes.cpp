#include "image_routes.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>

#include "api_support.hpp"
#include "problem.hpp"

namespace imagebank::server {
namespace {

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

Response image(Request& request, Bank& bank, ImageService& images, Auth& auth,
               MetricFamily& served) {
  if (Status allowed = auth.allow_image(request); !allowed.ok()) {
    return problem_response(allowed);
  }
  ImageRequest ask;
  ask.id = std::string(*request.path_params.find("id"));
  ask.size = param(request, "size", "original");
  ask.format = param(request, "format", "auto");
  ask.accept = header(request, "Accept");
  ask.if_none_match = header(request, "If-None-Match");
  ask.range = header(request, "Range");
  const ImagePlan plan = images.plan(ask);
  served.add({std::to_string(plan.status),
              plan.preset == "original" ? "original" : "variant"});
  Response response;
  if (plan.status >= 400) {
    response = problem_response(plan.status, plan.error.message(),
                                code_name(plan.error.code()));
  } else if (plan.status == 304) {
    response.status = 304;
  } else {
    const std::string key = plan.blob_key;
    const ByteRange range{plan.offset, plan.length};
    BlobStore& blobs = bank.blobs();
    response = Response::stream(
        plan.status, plan.length,
        [&blobs, key, range](const BodySink& sink) {
          return blobs.get(key, sink, range);
        },
        plan.content_type);
  }
  for (const auto& [name, value] : plan.headers) {
    response.headers.set(name, value);
  }
  return response;
}

std::int64_t now_unix_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
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
  // An <img src> works without headers: every size, negotiated, signed.
  boost::json::object urls;
  const std::int64_t expires = now_unix_s() + kSignedUrlSeconds;
  std::vector<std::string> sizes = {"original"};
  for (const Preset& p : images.options().variants.presets) {
    sizes.push_back(p.name);
  }
  for (const std::string& size : sizes) {
    const std::string target =
        "/images/" + std::to_string(img.id) + "?size=" + size;
    if (auth.access() == ImageAccess::kPublic) {
      urls[size] = target;
    } else {
      IMAGEBANK_ASSIGN_OR_RETURN(urls[size],
                                 auth.signer().sign(target, expires));
    }
  }
  body["urls"] = std::move(urls);
  return Response::json(200, boost::json::serialize(body));
}

}  // namespace

Status add_image_routes(Router& router, Bank& bank, ImageService& images,
                        Auth& auth, MetricsRegistry& metrics) {
  MetricFamily& served = metrics.counter(
      "imagebank_images_served_total",
      "Image requests answered, by status and kind", {"status", "kind"});
  MetricFamily& made =
      metrics.gauge("imagebank_variants_generated",
                    "Variants made on demand since the server started");
  MetricFamily& joined = metrics.gauge(
      "imagebank_variant_generation_joined",
      "Requests that waited for another request's encode of their variant");
  MetricFamily& busy =
      metrics.gauge("imagebank_variant_generation_rejected",
                    "Requests answered 503 because the encode queue was full");
  metrics.add_collector([&images, &made, &joined, &busy] {
    const ImageServiceStats s = images.stats();
    made.set({}, static_cast<double>(s.variants_generated));
    joined.set({}, static_cast<double>(s.generation_joined));
    busy.set({}, static_cast<double>(s.rejected_busy));
  });
  IMAGEBANK_RETURN_IF_ERROR(router.add(
      "GET", "/images/{id}",
      [&bank, &images, &auth, &served](Request& r) -> Result<Response> {
        return image(r, bank, images, auth, served);
      }));
  return router.add("GET", "/api/v1/images/{id}",
                    [&bank, &images, &auth](Request& r) -> Result<Response> {
                      return image_record(r, bank, images, auth);
                    });
}

}  // namespace imagebank::server
