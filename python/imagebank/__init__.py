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

from imagebank import _core
from imagebank._core import (
    Carteira,
    CarteiraIssue,
    CarteiraLimits,
    CarteiraRow,
    HashIndex,
    Image,
    ImageInfo,
    KnownSkus,
    Limits,
    MatchReport,
    Negotiation,
    PerceptualHashes,
    Preset,
    SkuMatch,
    SkuParse,
    SkuPhotos,
    SkuRules,
    Variant,
    __version__,
    ahash,
    apply_orientation,
    carteira_fields,
    crop,
    decode,
    default_presets,
    dhash,
    encode,
    encoder_fingerprint,
    file_extension,
    find_preset,
    fit,
    fitted_size,
    fold_text,
    format_from_name,
    hamming,
    is_supported,
    log_level,
    make_variants,
    match,
    mime_type,
    negotiate,
    parse_filename,
    pdq,
    pdq_dihedral,
    perceptual_hashes,
    phash,
    probe,
    read_carteira,
    resize,
    set_log_level,
    set_log_sink,
    sha256,
    shrink_on_load_factor,
    sniff_format,
    to_utf8,
    upper_without_accents,
    validate_preset,
    variant_key,
)
from imagebank.errors import (
    ConflictError,
    CorruptDataError,
    Error,
    InternalError,
    InvalidArgumentError,
    IoError,
    LimitExceededError,
    NotFoundError,
    UnavailableError,
    UnsupportedFormatError,
)

__all__ = [
    "Carteira",
    "CarteiraIssue",
    "CarteiraLimits",
    "CarteiraRow",
    "ConflictError",
    "CorruptDataError",
    "Error",
    "HashIndex",
    "Image",
    "ImageInfo",
    "InternalError",
    "InvalidArgumentError",
    "IoError",
    "KnownSkus",
    "LimitExceededError",
    "Limits",
    "MatchReport",
    "Negotiation",
    "NotFoundError",
    "PerceptualHashes",
    "Preset",
    "SkuMatch",
    "SkuParse",
    "SkuPhotos",
    "SkuRules",
    "UnavailableError",
    "UnsupportedFormatError",
    "Variant",
    "__version__",
    "ahash",
    "apply_orientation",
    "carteira_fields",
    "crop",
    "decode",
    "default_presets",
    "dhash",
    "encode",
    "encoder_fingerprint",
    "file_extension",
    "find_preset",
    "fit",
    "fitted_size",
    "fold_text",
    "format_from_name",
    "hamming",
    "is_supported",
    "log_level",
    "make_variants",
    "match",
    "mime_type",
    "negotiate",
    "parse_filename",
    "pdq",
    "pdq_dihedral",
    "perceptual_hashes",
    "phash",
    "probe",
    "read_carteira",
    "resize",
    "set_log_level",
    "set_log_sink",
    "sha256",
    "shrink_on_load_factor",
    "sniff_format",
    "to_utf8",
    "upper_without_accents",
    "validate_preset",
    "variant_key",
]

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
