"""The ingest queue's states (one enum for jobs, one for batches) and its
job kinds.

A member is a ``str`` equal to the name the catalog stores (``"done"``), so
a state compares equal to its name and prints as it; wherever a state goes
in, its name is accepted too. ``JobState("done")`` parses a name (C++
``parse_job_state``), ``.value`` is the name (``job_state_name``). The
compiled module checks at import that these match its own lists.
"""

from __future__ import annotations

import enum
import sys

if sys.version_info >= (3, 11):
    _StrEnum = enum.StrEnum
else:

    class _StrEnum(str, enum.Enum):
        """enum.StrEnum before Python 3.11: str() is the value."""

        def __str__(self) -> str:
            return str(self.value)


class JobState(_StrEnum):
    """A job's state: received -> leased -> done | duplicate | failed, back
    to received when a lease expires or a failure waits for its retry;
    received -> cancelled with its batch."""

    RECEIVED = "received"
    LEASED = "leased"
    DONE = "done"
    DUPLICATE = "duplicate"
    FAILED = "failed"
    CANCELLED = "cancelled"


class JobKind(_StrEnum):
    """What a job does: process a received file into an image, or analyze
    (describe with the batch's vision analyzers) an image a process job
    made."""

    PROCESS = "process"
    ANALYZE = "analyze"


class BatchState(_StrEnum):
    """A batch's state: queued -> running -> done (once finished), paused
    <-> queued/running, any but done -> cancelled; done -> running only when
    its failed jobs are retried."""

    QUEUED = "queued"
    RUNNING = "running"
    PAUSED = "paused"
    DONE = "done"
    CANCELLED = "cancelled"


__all__ = ["BatchState", "JobKind", "JobState"]
