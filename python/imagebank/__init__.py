"""imagebank: image banks for retail fashion catalogs.

The compiled core lives in ``imagebank._core``; this package re-exports it.
Every failure raises a subclass of :class:`imagebank.Error` whose ``code``
attribute names the error code (``"corrupt_data"``, ``"not_found"``, ...).
Log records of the C++ library go to the ``"imagebank"`` logger of the
standard :mod:`logging` module.
"""

from __future__ import annotations

import atexit as _atexit
import logging as _logging

# The export list is written nowhere: _core.__all__ names every public name
# of the compiled module, the exception classes of imagebank.errors (which
# the compiled module imports) and __version__; the generated stub
# (_core.pyi) carries the same list for type checkers and IDEs.
from imagebank import _core, errors
from imagebank._core import *  # noqa: F403
from imagebank._core import __all__ as __all__

_logger = _logging.getLogger("imagebank")
_LEVELS = {
    "debug": _logging.DEBUG,
    "info": _logging.INFO,
    "warning": _logging.WARNING,
    "error": _logging.ERROR,
}


def _forward_to_logging(level: str, message: str) -> None:
    _logger.log(_LEVELS.get(level, _logging.ERROR), message)


_core.set_log_sink(_forward_to_logging)
# Release the Python callable while the interpreter can still run it.
_atexit.register(_core.set_log_sink, None)
