"""Types of the compiled module's API that are defined in Python.

A typed ``NamedTuple`` and a ``Protocol`` have no pybind11 equivalent:
``imagebank._core`` returns ``PerceptualHashes`` (and re-exports it), and its
generated stub (``_core.pyi``) names ``SkuSource`` where any object with a
``skus()`` method is accepted.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple, Protocol


class PerceptualHashes(NamedTuple):
    """The 64-bit pHash, dHash and aHash of one image, as ints."""

    phash: int
    dhash: int
    ahash: int


class SkuSource(Protocol):
    """Anything with a skus() method, as Carteira has: known SKUs."""

    def skus(self) -> Iterable[str | bytes]: ...
