#include "router.hpp"

#include <set>

namespace imagebank::server {

namespace {

// The number of literal segments when `route` matches `segments`, -1 when
// it does not.
int match_score(const Route& route, const std::vector<std::string>& segments,
                Params* params) {
  if (route.segments.size() != segments.size()) return -1;
  int literals = 0;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const auto& want = route.segments[i];
    if (want.is_param) {
      if (segments[i].empty()) return -1;
    } else if (want.text != segments[i]) {
      return -1;
    } else {
      ++literals;
    }
  }
  if (params) {
    for (std::size_t i = 0; i < segments.size(); ++i) {
      if (route.segments[i].is_param) {
        params->add(route.segments[i].text, segments[i]);
      }
    }
  }
  return literals;
}

const Route* best_route(const std::vector<Route>& routes,
                        std::string_view method,
                        const std::vector<std::string>& segments) {
  const Route* best = nullptr;
  int best_score = -1;
  for (const auto& route : routes) {
    if (route.method != method) continue;
    const int score = match_score(route, segments, nullptr);
    if (score > best_score) {
      best = &route;
      best_score = score;
    }
  }
  return best;
}

}  // namespace

Status Router::add(std::string method, std::string pattern, Handler handler,
                   RouteOptions options) {
  if (method.empty() || pattern.empty() || pattern.front() != '/') {
    return invalid_argument_error("route pattern must start with '/': " +
                                  pattern);
  }
  Route route;
  if (pattern != "/") {
    std::size_t start = 1;
    while (start <= pattern.size()) {
      std::size_t end = pattern.find('/', start);
      if (end == std::string::npos) end = pattern.size();
      std::string text = pattern.substr(start, end - start);
      if (text.empty()) {
        return invalid_argument_error("empty segment in route pattern " +
                                      pattern);
      }
      Route::Segment segment;
      if (text.front() == '{' && text.back() == '}') {
        if (text.size() == 2) {
          return invalid_argument_error("unnamed parameter in " + pattern);
        }
        segment.text = text.substr(1, text.size() - 2);
        segment.is_param = true;
      } else {
        segment.text = std::move(text);
      }
      route.segments.push_back(std::move(segment));
      start = end + 1;
    }
  }
  for (const auto& other : routes_) {
    if (other.method == method && other.pattern == pattern) {
      return invalid_argument_error("route added twice: " + method + " " +
                                    pattern);
    }
  }
  route.method = std::move(method);
  route.pattern = std::move(pattern);
  route.handler = std::move(handler);
  route.options = options;
  routes_.push_back(std::move(route));
  return ok_status();
}

RouteMatch Router::match(std::string_view method,
                         const std::vector<std::string>& segments) const {
  RouteMatch out;
  const Route* route = best_route(routes_, method, segments);
  if (!route && method == "HEAD") route = best_route(routes_, "GET", segments);
  if (route) {
    out.kind = RouteMatch::Kind::kFound;
    out.route = route;
    match_score(*route, segments, &out.path_params);
    return out;
  }
  out.allow = allowed_methods(segments);
  out.kind = out.allow.empty() ? RouteMatch::Kind::kNotFound
                               : RouteMatch::Kind::kMethodNotAllowed;
  return out;
}

std::string Router::allowed_methods(
    const std::vector<std::string>& segments) const {
  std::set<std::string> methods;
  for (const auto& route : routes_) {
    if (match_score(route, segments, nullptr) >= 0) {
      methods.insert(route.method);
      if (route.method == "GET") methods.insert("HEAD");
    }
  }
  std::string allow;
  for (const auto& m : methods) {
    if (!allow.empty()) allow += ", ";
    allow += m;
  }
  return allow;
}

}  // namespace imagebank::server
