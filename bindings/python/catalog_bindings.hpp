// Shared by catalog_bindings.cpp and bank_bindings.cpp.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "bindings.hpp"
#include "imagebank/catalog/catalog_store.hpp"

namespace imagebank::python {

// Runs fn (returning Result<T>) with the GIL released, then unwraps it with
// the GIL held (an error raises its imagebank.Error subclass).
template <typename T, typename F>
T released(F&& fn) {
  std::optional<Result<T>> result;
  {
    py::gil_scoped_release release;
    result.emplace(fn());
  }
  return unwrap(std::move(*result));
}

// invalid_argument (raised) for an unknown name.
ImageStatus status_from_str(const std::string& name);
std::optional<ImageStatus> status_from_optional(
    const std::optional<std::string>& name);

// A Python iterator over the images `query` selects, fetched a page of
// query.limit at a time with the GIL released.
py::object image_iterator(std::shared_ptr<CatalogStore> store,
                          ImageQuery query);
// A Python iterator over the products without a photo (all collections, or
// one), fetched `page_size` at a time with the GIL released.
py::object missing_photo_iterator(std::shared_ptr<CatalogStore> store,
                                  std::optional<RowId> collection_id,
                                  std::size_t page_size);

}  // namespace imagebank::python
