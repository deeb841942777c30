#include "test_routes.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <chrono>
#include <thread>
#include <vector>

namespace imagebank::server {

namespace {

std::uint64_t number_param(const Request& request, std::string_view name) {
  const auto text = request.query.find(name).value_or("0");
  std::uint64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

}  // namespace

Status add_test_routes(Router& router) {
  Status st = router.add(
      "POST", "/test/echo",
      [](Request& request) -> Result<Response> {
        boost::json::object o;
        o["bytes"] = request.text_body().size();
        o["body"] = request.text_body();
        return Response::json(200, boost::json::serialize(o));
      },
      json_body());
  if (!st.ok()) return st;
  st = router.add(
      "POST", "/test/upload",
      [](Request& request) -> Result<Response> {
        const UploadedFile* file = request.file_body();
        boost::json::object o;
        o["bytes"] = file ? file->size : 0;
        return Response::json(200, boost::json::serialize(o));
      },
      file_body(kTestUploadLimit));
  if (!st.ok()) return st;
  st = router.add(
      "GET", "/test/sleep", [](Request& request) -> Result<Response> {
        const auto ms =
            std::min<std::uint64_t>(number_param(request, "ms"), 30'000);
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
        return Response::json(200, R"({"slept":true})");
      });
  if (!st.ok()) return st;
  return router.add(
      "GET", "/test/stream", [](Request& request) -> Result<Response> {
        const std::uint64_t total = number_param(request, "bytes");
        const bool chunked = request.query.find("chunked") == "1";
        auto producer = [total](const BodySink& sink) -> Status {
          std::vector<std::byte> block(100'000, std::byte{'x'});
          for (std::uint64_t sent = 0; sent < total;) {
            const auto n = std::min<std::uint64_t>(block.size(), total - sent);
            Status st = sink(std::span<const std::byte>(block.data(), n));
            if (!st.ok()) return st;
            sent += n;
          }
          return ok_status();
        };
        return Response::stream(
            200, chunked ? std::nullopt : std::optional<std::uint64_t>(total),
            std::move(producer), "application/octet-stream");
      });
}

}  // namespace imagebank::server
