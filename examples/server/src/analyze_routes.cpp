// POST /api/v1/images/{id}/analyze (review scope): describes one image with
// the server's vision chain (--vision; clients cannot name providers or
// endpoints) and answers the stored analysis. Body: empty or
// {"force": true} (analyse again even when an answer is stored).
#include "analyze_routes.hpp"

#include <boost/json/object.hpp>

#include "api_support.hpp"

namespace imagebank::server {
namespace {

Result<Response> analyze(Request& request, Bank& bank, Auth& auth,
                         const std::vector<std::string>& vision) {
  IMAGEBANK_RETURN_IF_ERROR(auth.require(request, ApiScope::kReview).status());
  IMAGEBANK_ASSIGN_OR_RETURN(RowId id, path_row_id(request, "image id"));
  IMAGEBANK_RETURN_IF_ERROR(check_query(request, {}));
  bool force = false;
  if (!request.text_body().empty()) {
    IMAGEBANK_ASSIGN_OR_RETURN(boost::json::object body,
                               json_object_body(request));
    for (const auto& field : body) {
      const std::string_view key(field.key().data(), field.key().size());
      if (key != "force" || !field.value().is_bool()) {
        return invalid_argument_error(
            "the body takes one field, \"force\" (true or false)");
      }
      force = field.value().get_bool();
    }
  }
  IMAGEBANK_RETURN_IF_ERROR(bank.catalog().get_image(id).status());
  AnalyzeOptions options;
  options.vision = vision;
  options.image_ids = {id};
  options.workers = 1;
  options.force = force;
  IMAGEBANK_ASSIGN_OR_RETURN(AnalyzeReport report, bank.analyze(options));
  if (!report.failures.empty()) return report.failures.front().error;
  // The answer that stands: the newest successful whole-photo analysis.
  IMAGEBANK_ASSIGN_OR_RETURN(std::vector<AiAnalysis> analyses,
                             bank.catalog().ai_analyses(id));
  const AiAnalysis* newest = nullptr;
  for (const AiAnalysis& a : analyses) {
    if (!a.item_position && a.error.ok()) newest = &a;
  }
  if (!newest) {
    return internal_error("image " + std::to_string(id) +
                          ": analysed, but no answer is stored");
  }
  IMAGEBANK_ASSIGN_OR_RETURN(ImageRecord image, bank.catalog().get_image(id));
  boost::json::object body{
      {"image_id", id},
      {"outcome", report.progress.analysed > 0 ? "analysed" : "cached"},
      {"status", image_status_name(image.status)},
      {"analysis", analysis_json(*newest)}};
  return json_response(200, body);
}

}  // namespace

Status add_analyze_routes(Router& router, Bank& bank, Auth& auth,
                          std::vector<std::string> vision) {
  return router.add(
      "POST", "/api/v1/images/{id}/analyze",
      [&bank, &auth, vision = std::move(vision)](Request& r) {
        return analyze(r, bank, auth, vision);
      },
      json_body(4096));
}

}  // namespace imagebank::server
