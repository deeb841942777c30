"""The exceptions imagebank raises: one class per error code, all under Error.

Where a built-in exception means the same thing it is a second base, so that
``except FileNotFoundError`` or ``except ValueError`` work as Python users
expect. ``code`` names the library's error code; the message names the input
and the reason.
"""

from __future__ import annotations


class Error(Exception):
    """Base class of every imagebank error.

    ``retry_after`` is the delay in seconds the failing service asked for
    before another attempt, or None when it named none.
    """

    code: str = "error"
    retry_after: float | None = None


class InvalidArgumentError(Error, ValueError):
    """An argument is malformed."""

    code = "invalid_argument"


class NotFoundError(Error, FileNotFoundError):
    """A file, key or row does not exist."""

    code = "not_found"


class CorruptDataError(Error):
    """The input is damaged or truncated."""

    code = "corrupt_data"


class UnsupportedFormatError(Error):
    """The input is not in a supported format."""

    code = "unsupported_format"


class LimitExceededError(Error):
    """The input is larger than the configured Limits allow."""

    code = "limit_exceeded"


class IoError(Error, OSError):
    """The operating system or a device failed."""

    code = "io_error"


class UnavailableError(Error):
    """A service is unreachable; retrying may succeed."""

    code = "unavailable"


class ConflictError(Error):
    """The operation clashes with the current state."""

    code = "conflict"


class InternalError(Error):
    """A bug in imagebank."""

    code = "internal"


class DeadlineExceededError(LimitExceededError, TimeoutError):
    """An operation ran out of its time budget (Limits.decode_deadline).

    The input may be fine: a less busy machine may finish it. A subclass of
    LimitExceededError, which decode deadlines raised before they had their
    own code.
    """

    code = "deadline_exceeded"


class UnauthenticatedError(Error, PermissionError):
    """No credentials, or malformed, unknown, revoked or expired ones."""

    code = "unauthenticated"


class PermissionDeniedError(Error, PermissionError):
    """Known credentials that may not do this, or a signed URL that does not
    match."""

    code = "permission_denied"


class RateLimitedError(Error):
    """A service asks the caller to slow down (HTTP 429); ``retry_after``
    says for how long when the service named a delay."""

    code = "rate_limited"


class QuotaExhaustedError(Error):
    """A service's quota is used up: retrying soon will not help; fall back
    to another service."""

    code = "quota_exhausted"


class RefusedError(Error):
    """A service declined the request on its content policy; the same input
    will be refused again."""

    code = "refused"


__all__ = [
    "ConflictError",
    "CorruptDataError",
    "DeadlineExceededError",
    "Error",
    "InternalError",
    "InvalidArgumentError",
    "IoError",
    "LimitExceededError",
    "NotFoundError",
    "PermissionDeniedError",
    "QuotaExhaustedError",
    "RateLimitedError",
    "RefusedError",
    "UnauthenticatedError",
    "UnavailableError",
    "UnsupportedFormatError",
]
