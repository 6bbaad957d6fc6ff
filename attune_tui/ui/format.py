"""Small text formatting shared by the screens."""

from __future__ import annotations


def clock_text(seconds: float) -> str:
    """`12:07` for session times under an hour, `1:02:07` past it."""
    total = int(max(seconds, 0.0))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
