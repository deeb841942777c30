#include "bindings.hpp"

namespace imagebank::python {

void init_pdq(py::module_& /*m*/) {}

}  // namespace imagebank::python
