#include "bindings.hpp"

namespace imagebank::python {

void init_hash_index(py::module_& /*m*/) {}

}  // namespace imagebank::python
