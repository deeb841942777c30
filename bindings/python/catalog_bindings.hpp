// Shared by catalog_bindings.cpp and bank_bindings.cpp.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

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

// A Python iterator over a keyset-paginated query: `fetch(after)` returns
// the page after `after`, called with the GIL released.
template <typename T>
class PageIterator {
 public:
  using Fetch = std::function<Result<Page<T>>(RowId after)>;
  explicit PageIterator(Fetch fetch, RowId after = 0)
      : fetch_(std::move(fetch)), after_(after) {}

  T next() {
    if (pos_ == items_.size()) {
      if (done_) throw py::stop_iteration();
      auto page = released<Page<T>>([&] { return fetch_(after_); });
      items_ = std::move(page.items);
      pos_ = 0;
      after_ = page.next_after;
      done_ = after_ == 0;
      if (items_.empty()) throw py::stop_iteration();
    }
    return std::move(items_[pos_++]);
  }

 private:
  Fetch fetch_;
  std::vector<T> items_;
  std::size_t pos_ = 0;
  RowId after_ = 0;
  bool done_ = false;
};

// Registers PageIterator<T> as the Python class `name`.
template <typename T>
void bind_page_iterator(py::module_& m, const char* name) {
  py::class_<PageIterator<T>>(m, name)
      .def("__iter__",
           [](PageIterator<T>& it) -> PageIterator<T>& { return it; })
      .def("__next__", &PageIterator<T>::next);
}

// invalid_argument (raised) for an unknown name.
ImageStatus status_from_str(const std::string& name);
std::optional<ImageStatus> status_from_optional(
    const std::optional<std::string>& name);

// A Python iterator over the images `query` selects, fetched a page of
// query.limit at a time with the GIL released.
PageIterator<ImageRecord> image_iterator(std::shared_ptr<CatalogStore> store,
                                         ImageQuery query);
// A Python iterator over the products without a photo (all collections, or
// one), fetched `page_size` at a time with the GIL released.
PageIterator<Product> missing_photo_iterator(
    std::shared_ptr<CatalogStore> store, std::optional<RowId> collection_id,
    std::size_t page_size);

}  // namespace imagebank::python
