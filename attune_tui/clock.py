"""One monotonic clock per session, shared by key presses, pedals and MIDI stamps.

Wall-clock time can jump (NTP, suspend); observation times must not, so everything that is
stored as "seconds from session start" is measured with `time.monotonic()` against one origin.
"""

from __future__ import annotations

import time


class SessionClock:
    """Seconds since the session started; `offset` continues a session after a restart."""

    __slots__ = ("_origin",)

    def __init__(self, offset: float = 0.0) -> None:
        self._origin = time.monotonic() - offset

    def now(self) -> float:
        return time.monotonic() - self._origin

    def at(self, monotonic: float) -> float:
        """Session time of a `time.monotonic()` reading taken elsewhere (a MIDI callback)."""
        return monotonic - self._origin
