#include "bindings.hpp"

namespace imagebank::python {

void init_perceptual(py::module_& /*m*/) {}

}  // namespace imagebank::python
