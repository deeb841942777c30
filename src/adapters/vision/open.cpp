// open_vision_analyzer: the URI → the analyzer of its scheme.
#include <algorithm>
#include <cstdlib>
#include <set>
#include <string>

#include "adapters/vision/providers.hpp"
#include "imagebank/adapters/vision.hpp"

namespace imagebank {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX escapes decoded; control characters (escaped or not) refused.
Result<std::string> unescape(std::string_view text, std::string_view uri) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      const int hi = i + 2 < text.size() ? hex_digit(text[i + 1]) : -1;
      const int lo = hi >= 0 ? hex_digit(text[i + 2]) : -1;
      if (lo < 0) {
        return invalid_argument_error("vision URI '" + std::string(uri) +
                                      "': a bad %-escape");
      }
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return invalid_argument_error("vision URI '" + std::string(uri) +
                                    "': a control character");
    }
    out.push_back(c);
  }
  return out;
}

using Factory = Result<std::unique_ptr<VisionAnalyzer>> (*)(
    VisionUri, const VisionOpenOptions&);

struct Scheme {
  std::string_view name;
  Factory make;
};

constexpr Scheme kSchemes[] = {
    {"openai", vision::make_openai_analyzer},
    {"gemini", vision::make_gemini_analyzer},
    {"google-vision", vision::make_google_vision_analyzer},
    {"offline", vision::make_offline_analyzer},
};

}  // namespace

Result<VisionUri> parse_vision_uri(std::string_view uri) {
  const std::string quoted = "vision URI '" + std::string(uri) + "'";
  const std::size_t sep = uri.find("://");
  if (sep == std::string_view::npos || sep == 0) {
    return invalid_argument_error(quoted +
                                  ": expected <provider>://[model][?params]");
  }
  VisionUri out;
  out.scheme = std::string(uri.substr(0, sep));
  for (char c : out.scheme) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return invalid_argument_error(quoted + ": a bad provider name");
  }
  std::string_view rest = uri.substr(sep + 3);
  std::string_view query;
  if (const std::size_t q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  auto model = unescape(rest, uri);
  if (!model.ok()) return model.status();
  out.model = std::move(model).value();
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view()
                                          : query.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    auto name = unescape(pair.substr(0, eq), uri);
    if (!name.ok()) return name.status();
    auto value = unescape(
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1),
        uri);
    if (!value.ok()) return value.status();
    if (name->empty()) {
      return invalid_argument_error(quoted + ": a parameter without a name");
    }
    if (!out.params.emplace(*name, *value).second) {
      return invalid_argument_error(quoted + ": the parameter '" + *name +
                                    "' twice");
    }
  }
  return out;
}

Result<std::vector<std::string>> parse_vision_list(std::string_view list) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  std::string_view rest = list;
  if (rest.empty()) {
    return invalid_argument_error("the vision list is empty");
  }
  while (true) {
    const std::size_t comma = rest.find(',');
    std::string_view entry = rest.substr(0, comma);
    while (!entry.empty() && entry.front() == ' ') entry.remove_prefix(1);
    while (!entry.empty() && entry.back() == ' ') entry.remove_suffix(1);
    if (entry.empty()) {
      return invalid_argument_error("the vision list '" + std::string(list) +
                                    "' has an empty entry");
    }
    std::string uri(entry);
    if (uri.find("://") == std::string::npos) uri += "://";
    if (!seen.insert(uri).second) {
      return invalid_argument_error("the vision list '" + std::string(list) +
                                    "' names '" + uri + "' twice");
    }
    out.push_back(std::move(uri));
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  return out;
}

std::vector<std::string> vision_schemes() {
  std::vector<std::string> out;
  for (const Scheme& s : kSchemes) out.emplace_back(s.name);
  return out;
}

Result<std::unique_ptr<VisionAnalyzer>> open_vision_analyzer(
    std::string_view uri, const VisionOpenOptions& options) {
  auto parsed = parse_vision_uri(uri);
  if (!parsed.ok()) return parsed.status();
  for (const Scheme& s : kSchemes) {
    if (s.name != parsed->scheme) continue;
    auto made = s.make(std::move(parsed).value(), options);
    if (!made.ok()) {
      return made.status().with_context("vision URI '" + std::string(uri) +
                                        "'");
    }
    return made;
  }
  std::string known;
  for (const Scheme& s : kSchemes) {
    known += known.empty() ? "" : ", ";
    known += s.name;
  }
  return invalid_argument_error("vision URI '" + std::string(uri) +
                                "': unknown provider '" + parsed->scheme +
                                "' (known: " + known + ")");
}

namespace vision {

std::optional<std::string> take_param(VisionUri& uri, std::string_view name) {
  const auto it = uri.params.find(std::string(name));
  if (it == uri.params.end()) return std::nullopt;
  std::string value = std::move(it->second);
  uri.params.erase(it);
  return value;
}

Status refuse_unknown_params(const VisionUri& uri) {
  if (uri.params.empty()) return ok_status();
  return invalid_argument_error("unknown parameter '" +
                                uri.params.begin()->first + "' for " +
                                uri.scheme);
}

Result<std::string> api_key(VisionUri& uri, std::string_view default_env,
                            const VisionOpenOptions& options) {
  const std::string name =
      take_param(uri, "key_env").value_or(std::string(default_env));
  std::optional<std::string> value;
  if (options.getenv) {
    value = options.getenv(name);
  } else if (const char* v = std::getenv(name.c_str()); v != nullptr) {
    value = std::string(v);
  }
  if (!value || value->empty()) {
    return invalid_argument_error(uri.scheme + " needs an API key in $" + name);
  }
  return *value;
}

}  // namespace vision
}  // namespace imagebank
