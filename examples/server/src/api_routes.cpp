#include "api_routes.hpp"

namespace imagebank::server {

Status add_api_routes(Router& router, Bank& bank, Auth& auth,
                      const Lifecycle& life, Ingestor& uploads,
                      const std::string& public_url) {
  IMAGEBANK_RETURN_IF_ERROR(
      add_batch_routes(router, bank, auth, life, uploads));
  IMAGEBANK_RETURN_IF_ERROR(add_image_list_routes(router, bank, auth));
  IMAGEBANK_RETURN_IF_ERROR(add_export_routes(router, bank, auth, public_url));
  IMAGEBANK_RETURN_IF_ERROR(add_conflict_routes(router, bank, auth));
  return add_report_routes(router, bank, auth);
}

}  // namespace imagebank::server
