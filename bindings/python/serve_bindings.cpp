// Serving: API keys, signed URLs, image request plans and the HTTP rules
// behind them. Scopes are strings ("read", "upload", "review", "admin").
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "catalog_bindings.hpp"
#include "imagebank/serve/api_keys.hpp"
#include "imagebank/serve/image_service.hpp"
#include "imagebank/serve/signed_url.hpp"

namespace imagebank::python {
namespace {

std::vector<std::string> scope_names(std::span<const ApiScope> scopes) {
  std::vector<std::string> out;
  for (ApiScope s : scopes) out.emplace_back(api_scope_name(s));
  return out;
}

std::vector<ApiScope> parse_scope_list(const std::vector<std::string>& names) {
  std::string joined;
  for (const std::string& n : names) {
    if (n.find(',') != std::string::npos) {
      throw_status(invalid_argument_error("a scope name has no comma: '" +
                                          n.substr(0, 40) + "'"));
    }
    joined += n + ",";
  }
  return unwrap(parse_api_scopes(joined));
}

ApiScope parse_scope(const std::string& name) {
  return unwrap(parse_api_scope(name));
}

std::string repr_key(const ApiKeyRecord& k) {
  return "ApiKeyRecord(prefix='" + k.prefix +
         "', name=" + py::repr(py::str(k.name)).cast<std::string>() +
         ", scopes='" + api_scopes_text(k.scopes) + "'" +
         (k.revoked_ms ? ", revoked" : "") + ")";
}

}  // namespace

void init_serve(py::module_& m) {
  m.def(
      "parse_api_scopes",
      [](const std::string& text) {
        return scope_names(unwrap(parse_api_scopes(text)));
      },
      py::arg("text"),
      "'review, read' -> ['read', 'review']: sorted, merged; "
      "InvalidArgumentError naming an unknown scope or for an empty list.");
  m.def(
      "api_scopes_allow",
      [](const std::vector<std::string>& granted, const std::string& needed) {
        return api_scopes_allow(parse_scope_list(granted), parse_scope(needed));
      },
      py::arg("granted"), py::arg("needed"),
      "Whether a key with `granted` scopes may do what needs `needed` "
      "(admin grants all; every scope reads).");

  py::class_<ApiKeyRecord>(m, "ApiKeyRecord",
                           "An API key as the catalog keeps it: never the key "
                           "itself, only its SHA-256.")
      .def(py::init([](const std::string& name, const std::string& prefix,
                       const std::string& secret_hash,
                       const std::vector<std::string>& scopes) {
             ApiKeyRecord k;
             k.name = name;
             k.prefix = prefix;
             k.secret_hash = secret_hash;
             k.scopes = parse_scope_list(scopes);
             return k;
           }),
           py::kw_only(), py::arg("name"), py::arg("prefix"),
           py::arg("secret_hash"), py::arg("scopes"))
      .def_readonly("id", &ApiKeyRecord::id)
      .def_readonly("name", &ApiKeyRecord::name)
      .def_readonly("prefix", &ApiKeyRecord::prefix)
      .def_readonly("secret_hash", &ApiKeyRecord::secret_hash)
      .def_property_readonly(
          "scopes", [](const ApiKeyRecord& k) { return scope_names(k.scopes); })
      .def_readonly("created_ms", &ApiKeyRecord::created_ms)
      .def_readonly("revoked_ms", &ApiKeyRecord::revoked_ms)
      .def("__repr__", &repr_key)
      .def("__eq__", eq_method<ApiKeyRecord>(), py::arg("other"));
  py::class_<CatalogStore, std::shared_ptr<CatalogStore>>(
      m.attr("CatalogStore"))
      .def(
          "insert_api_key",
          [](CatalogStore& s, const ApiKeyRecord& key) {
            return released<ApiKeyRecord>(
                [&] { return s.insert_api_key(key); });
          },
          py::arg("key"),
          "Stores a key record (id, created_ms assigned); ConflictError when "
          "its prefix is taken. ApiKeys.create makes keys.")
      .def("api_keys",
           [](CatalogStore& s) {
             return released<std::vector<ApiKeyRecord>>(
                 [&] { return s.api_keys(); });
           })
      .def(
          "find_api_key",
          [](CatalogStore& s, const std::string& prefix) {
            return released<ApiKeyRecord>(
                [&] { return s.find_api_key(prefix); });
          },
          py::arg("prefix"))
      .def(
          "revoke_api_key",
          [](CatalogStore& s, const std::string& prefix) {
            return released<ApiKeyRecord>(
                [&] { return s.revoke_api_key(prefix); });
          },
          py::arg("prefix"));
  m.def(
      "validate_api_key_record",
      [](const ApiKeyRecord& key) { check(validate_api_key_record(key)); },
      py::arg("key"),
      "Raises InvalidArgumentError naming what the catalog would refuse.");

  py::class_<NewApiKey>(m, "NewApiKey",
                        "A key just made: `key` exists nowhere else; show it "
                        "once.")
      .def_readonly("record", &NewApiKey::record)
      .def_readonly("key", &NewApiKey::key)
      .def("__repr__", [](const NewApiKey& k) {
        return "NewApiKey(" + repr_key(k.record) + ")";  // never the key
      });

  py::class_<ApiKeys, std::shared_ptr<ApiKeys>>(
      m, "ApiKeys",
      "Makes, lists, revokes and checks the server's API keys (stored in the "
      "catalog as hashes). Thread-safe; calls release the GIL.")
      .def(py::init([](std::shared_ptr<CatalogStore> catalog,
                       std::int64_t cache_ms) {
             return std::make_shared<ApiKeys>(std::move(catalog),
                                              ApiKeysOptions{cache_ms});
           }),
           py::arg("catalog"), py::kw_only(), py::arg("cache_ms") = 5000)
      .def(
          "create",
          [](ApiKeys& k, const std::string& name,
             const std::vector<std::string>& scopes) {
            const std::vector<ApiScope> parsed = parse_scope_list(scopes);
            return released<NewApiKey>([&] { return k.create(name, parsed); });
          },
          py::arg("name"), py::kw_only(), py::arg("scopes"))
      .def("list",
           [](ApiKeys& k) {
             return released<std::vector<ApiKeyRecord>>(
                 [&] { return k.list(); });
           })
      .def(
          "revoke",
          [](ApiKeys& k, const std::string& prefix) {
            return released<ApiKeyRecord>([&] { return k.revoke(prefix); });
          },
          py::arg("prefix"))
      .def(
          "authenticate",
          [](ApiKeys& k, const std::string& key) {
            return released<ApiKeyRecord>([&] { return k.authenticate(key); });
          },
          py::arg("key"),
          "The key's record; UnauthenticatedError for a malformed, unknown, "
          "revoked or wrong key.")
      .def(
          "authorize",
          [](ApiKeys& k, const std::string& key, const std::string& scope) {
            const ApiScope needed = parse_scope(scope);
            return released<ApiKeyRecord>(
                [&] { return k.authorize(key, needed); });
          },
          py::arg("key"), py::arg("scope"),
          "authenticate(), then PermissionDeniedError when the key's scopes "
          "do not allow `scope`.")
      .def_static("prefix_of", &ApiKeys::prefix_of, py::arg("key"),
                  "'ib_3f9a1c2e' for a well-formed key, '' otherwise.");

  py::class_<UrlSigner>(m, "UrlSigner",
                        "Signs and verifies image URLs (HMAC-SHA256, expiry, "
                        "several keys for rotation: the first signs).")
      .def(
          py::init(
              [](const std::vector<std::pair<std::string, std::string>>& keys) {
                std::vector<SigningKey> k;
                for (const auto& [id, secret] : keys) k.push_back({id, secret});
                return unwrap(UrlSigner::create(std::move(k)));
              }),
          py::arg("keys"),
          "keys: [(id, secret)], secrets of at least 32 bytes.")
      .def(
          "sign",
          [](const UrlSigner& s, const std::string& target,
             std::int64_t expires_unix_s) {
            return unwrap(s.sign(target, expires_unix_s));
          },
          py::arg("target"), py::arg("expires_unix_s"))
      .def(
          "verify",
          [](const UrlSigner& s, const std::string& target,
             std::int64_t now_unix_s) { check(s.verify(target, now_unix_s)); },
          py::arg("target"), py::arg("now_unix_s"),
          "Returns when the signature is valid and unexpired; raises "
          "UnauthenticatedError (unsigned, malformed) or PermissionDeniedError "
          "(wrong, unknown key, expired).")
      .def_property_readonly("key_ids",
                             [](const UrlSigner& s) {
                               std::vector<std::string> ids;
                               for (const auto& k : s.keys()) {
                                 ids.push_back(k.id);
                               }
                               return ids;
                             })
      .def_static("strip_signature", &UrlSigner::strip_signature,
                  py::arg("query"));
  m.def(
      "hmac_sha256_base64url",
      [](const py::bytes& key, const py::bytes& message) {
        return hmac_sha256_base64url(std::string(key), std::string(message));
      },
      py::arg("key"), py::arg("message"));
  m.def(
      "base64url",
      [](const py::bytes& data) { return base64url(std::string(data)); },
      py::arg("data"), "base64url without padding.");
  m.def(
      "constant_time_equal",
      [](const py::bytes& a, const py::bytes& b) {
        return constant_time_equal(std::string(a), std::string(b));
      },
      py::arg("a"), py::arg("b"));

  m.def("if_none_match_matches", &if_none_match_matches, py::arg("header"),
        py::arg("etag"));
  m.def(
      "parse_byte_range",
      [](const std::string& header, std::uint64_t size)
          -> std::optional<std::pair<std::uint64_t, std::uint64_t>> {
        const auto r = parse_byte_range(header, size);
        if (!r) return std::nullopt;
        return std::make_pair(r->offset, r->length);
      },
      py::arg("header"), py::arg("size"),
      "(offset, length) of one byte range; None to serve the whole object; "
      "length 0 when unsatisfiable (416).");
  m.def(
      "http_status",
      [](const std::string& code) {
        const auto parsed = parse_error_code(code);
        if (!parsed) {
          throw_status(invalid_argument_error("unknown error code '" +
                                              code.substr(0, 40) + "'"));
        }
        return http_status(*parsed);
      },
      py::arg("code"), "The HTTP status of an error code ('not_found': 404).");

  py::class_<ImageServiceStats>(m, "ImageServiceStats")
      .def_readonly("plans", &ImageServiceStats::plans)
      .def_readonly("not_modified", &ImageServiceStats::not_modified)
      .def_readonly("variants_generated",
                    &ImageServiceStats::variants_generated)
      .def_readonly("generation_joined", &ImageServiceStats::generation_joined)
      .def_readonly("rejected_busy", &ImageServiceStats::rejected_busy)
      .def_readonly("generation_failed", &ImageServiceStats::generation_failed);

  py::class_<ImagePlan>(m, "ImagePlan",
                        "What to answer an image request: status, headers "
                        "and the blob range to send.")
      .def_readonly("status", &ImagePlan::status)
      .def_property_readonly(
          "error", [](const ImagePlan& p) { return error_instance(p.error); },
          "The reason of a 4xx/5xx as an imagebank.Error (not raised); None "
          "otherwise.")
      .def_readonly("image_id", &ImagePlan::image_id)
      .def_readonly("preset", &ImagePlan::preset)
      .def_readonly("format", &ImagePlan::format)
      .def_readonly("content_type", &ImagePlan::content_type)
      .def_readonly("blob_key", &ImagePlan::blob_key)
      .def_readonly("blob_size", &ImagePlan::blob_size)
      .def_readonly("offset", &ImagePlan::offset)
      .def_readonly("length", &ImagePlan::length)
      .def_readonly("headers", &ImagePlan::headers)
      .def_readonly("generated", &ImagePlan::generated)
      .def(
          "header",
          [](const ImagePlan& p,
             const std::string& name) -> std::optional<std::string> {
            for (const auto& [k, v] : p.headers) {
              if (k == name) return v;
            }
            return std::nullopt;
          },
          py::arg("name"))
      .def("__repr__", [](const ImagePlan& p) {
        return "ImagePlan(status=" + std::to_string(p.status) + ", preset='" +
               p.preset + "', format='" + p.format + "', blob_key='" +
               p.blob_key + "')";
      });

  py::class_<ImageService, std::shared_ptr<ImageService>>(
      m, "ImageService",
      "Image requests -> response plans: negotiation, ETags, cache headers, "
      "ranges, on-demand variants with single flight. Thread-safe; plan() "
      "releases the GIL.")
      .def(
          py::init([](std::shared_ptr<CatalogStore> catalog,
                      std::shared_ptr<BlobStore> blobs,
                      const std::optional<std::vector<Typed<"str | Preset">>>&
                          presets,
                      const std::vector<std::string>& formats,
                      bool generate_on_demand, int max_encodes,
                      int max_waiting_encodes, int retry_after_s,
                      const std::string& cache_control, std::int64_t cache_ms,
                      std::size_t cache_entries) {
            ImageServiceOptions o;
            if (presets) {
              o.variants.presets.clear();
              for (const py::object& p : *presets) {
                if (py::isinstance<py::str>(p)) {
                  o.variants.presets.push_back(
                      unwrap(find_preset(p.cast<std::string>())));
                } else {
                  o.variants.presets.push_back(p.cast<Preset>());
                }
              }
            }
            o.variants.formats.clear();
            for (const std::string& f : formats) {
              o.variants.formats.push_back(parse_format_name(f));
            }
            o.generate_on_demand = generate_on_demand;
            o.max_encodes = max_encodes;
            o.max_waiting_encodes = max_waiting_encodes;
            o.retry_after_s = retry_after_s;
            o.cache_control = cache_control;
            o.cache_ms = cache_ms;
            o.cache_entries = cache_entries;
            return std::shared_ptr<ImageService>(unwrap(ImageService::create(
                std::move(catalog), std::move(blobs), std::move(o))));
          }),
          py::arg("catalog"), py::arg("blobs"), py::kw_only(),
          py::arg("presets") = py::none(),
          py::arg("formats") = std::vector<std::string>{"avif", "webp", "jpeg"},
          py::arg("generate_on_demand") = true, py::arg("max_encodes") = 2,
          py::arg("max_waiting_encodes") = 32, py::arg("retry_after_s") = 2,
          py::arg("cache_control") = "public, max-age=31536000, immutable",
          py::arg("cache_ms") = ImageServiceOptions{}.cache_ms,
          py::arg("cache_entries") = ImageServiceOptions{}.cache_entries)
      .def(
          "plan",
          [](ImageService& s, const std::string& id, const std::string& size,
             const std::string& format, const std::string& accept,
             const std::string& if_none_match, const std::string& range,
             const std::string& background) {
            ImageRequest r{id,    size,      format, accept, if_none_match,
                           range, background};
            py::gil_scoped_release release;
            return s.plan(r);
          },
          py::arg("id"), py::kw_only(), py::arg("size") = "original",
          py::arg("format") = "auto", py::arg("accept") = "",
          py::arg("if_none_match") = "", py::arg("range") = "",
          py::arg("background") = "",
          "The plan for /images/{id}?size=&format=&bg= with these request "
          "headers (background 'removed': the preset cut out onto "
          "transparency). Never raises for a bad request: see status and "
          "error.")
      .def(
          "plan_cached",
          [](ImageService& s, const std::string& id, const std::string& size,
             const std::string& format, const std::string& accept,
             const std::string& if_none_match, const std::string& range,
             const std::string& background) {
            ImageRequest r{id,    size,      format, accept, if_none_match,
                           range, background};
            return s.plan_cached(r);
          },
          py::arg("id"), py::kw_only(), py::arg("size") = "original",
          py::arg("format") = "auto", py::arg("accept") = "",
          py::arg("if_none_match") = "", py::arg("range") = "",
          py::arg("background") = "",
          "The plan when memory alone can make it (for an event loop); None "
          "when the catalog, the storage or an encoder is needed.")
      .def("stats", &ImageService::stats);
}

}  // namespace imagebank::python
