"""Session times as text: one format for the live clock, the review screen and every report.

A therapist who writes down the time a mark showed on screen must find the same time in the
note and the HTML report, so every place formats session seconds here.

Times are truncated, never rounded: a running clock shows `00:09` until ten seconds have
passed, so a mark pressed at 9.6 s was seen at `00:09` and reads `00:09` everywhere. A span
reads its start and its end the same way (`00:25-00:46`), and a duration (session length,
attuned time, time in a state) is truncated like a clock reading of that length.
"""

from __future__ import annotations

import math

_NOISE = 1e-6
"""In tenths of a second: differences land a hair under a whole tenth in binary floating point
(a state from 53.7 s to 67.0 s lasts 13.299999999999997 s) and must still read 00:13.3."""


def _tenths(seconds: float) -> int:
    """Whole tenths of a second elapsed, never negative."""
    return max(math.floor(seconds * 10.0 + _NOISE), 0)


def whole_seconds(seconds: float) -> int:
    """Whole seconds a running clock has shown by `seconds`: truncated, never rounded up."""
    return _tenths(seconds) // 10


def _clock(whole: int) -> str:
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def clock_text(seconds: float) -> str:
    """`00:09`, `12:07` under an hour and `1:02:07` past it: the live clock's reading."""
    return _clock(whole_seconds(seconds))


def tenths_text(seconds: float) -> str:
    """`00:09.6`: the clock's reading with the tenth after it, for moving a mark precisely."""
    tenths = _tenths(seconds)
    return f"{_clock(tenths // 10)}.{tenths % 10}"


def span_text(start: float, end: float) -> str:
    """`00:25-00:46`: both ends read as single marks would."""
    return f"{clock_text(start)}-{clock_text(end)}"
