"""Moving a mark by a small step (`<` `>` in review): the whole mark moves, never its length.

A stopped state moves its start and end together, in one edit, so a correction of where it was
marked cannot stretch or shrink it. An open state has no end yet and moves its start only. A
mark stops at the session's start and end: it moves as far as it can, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from attune_tui.model.observation import Observation
from attune_tui.review.details import seconds_text

PLACES = 4
"""Stored times are rounded to a tenth of a millisecond, as the store rounds them."""


@dataclass(frozen=True)
class Nudge:
    """The fields of one edit (empty: nothing moves) and, when the step was cut, why."""

    fields: dict[str, float] = field(default_factory=dict)
    note: str = ""


def nudged(obs: Observation, seconds: float, session_end: float) -> Nudge:
    """Move `obs` by `seconds`, kept between 0 and `session_end` (0: the end is not known,
    so there is no upper limit)."""
    last = obs.end if obs.end is not None else obs.t
    step = seconds
    if seconds < 0:
        step = max(seconds, -obs.t)
    elif session_end > 0:
        step = min(seconds, max(session_end - last, 0.0))
    step = round(step, PLACES)
    if step == 0:
        if seconds < 0:
            return Nudge(note="The mark is already at the session's start.")
        if obs.end is not None:
            return Nudge(note="The state already ends at the session's end.")
        return Nudge(note="The mark is already at the session's end.")
    fields = {"t": round(obs.t + step, PLACES)}
    if obs.end is not None:
        fields["end"] = round(obs.end + step, PLACES)
    note = ""
    if step != round(seconds, PLACES):
        edge = "start" if seconds < 0 else "end"
        at = seconds_text(0.0 if seconds < 0 else session_end)
        note = f"Moved only {abs(step):.2f} s, as far as the session's {edge} ({at})."
    return Nudge(fields, note)
