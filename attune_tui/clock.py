"""One monotonic clock per session, shared by key presses, pedals and MIDI stamps.

Wall-clock time can jump (NTP, suspend); observation times must not, so everything that is
stored as "seconds from session start" is measured with `time.monotonic()` against one origin.
"""

from __future__ import annotations

import time


class SessionClock:
    """Seconds since the session started; `offset` continues a session after a restart."""

    __slots__ = ("_origin", "_stopped")

    def __init__(self, offset: float = 0.0) -> None:
        self._origin = time.monotonic() - offset
        self._stopped: float | None = None

    def now(self) -> float:
        if self._stopped is not None:
            return self._stopped
        return time.monotonic() - self._origin

    def at(self, monotonic: float) -> float:
        """Session time of a `time.monotonic()` reading taken elsewhere (a MIDI callback)."""
        return monotonic - self._origin

    def stop(self) -> float:
        """Fix the session's end at this moment: `now()` stays there (safe to call again).

        `at` is left as it is, so a message that arrives later is stamped after the end and can
        be told apart from the session's own.
        """
        if self._stopped is None:
            self._stopped = time.monotonic() - self._origin
        return self._stopped

    @property
    def stopped(self) -> float | None:
        """The end fixed by `stop`, or None while the session runs."""
        return self._stopped
