"""Moving a mark by a small step (`<` `>` in review): the whole mark moves, never its length.

A stopped state moves its start and end together, in one edit, so a correction of where it was
marked cannot stretch or shrink it. An open state has no end yet and moves its start only. A
mark stops at the session's start and end: it moves as far as it can, and says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from attune_tui.model.observation import Observation
from attune_tui.review.details import seconds_text

PLACES = 4
EPS = 1e-6
"""Stored times are rounded to a tenth of a millisecond, as the store rounds them."""


@dataclass(frozen=True)
class Nudge:
    """The fields of one edit (empty: nothing moves) and, when the step was cut, why."""

    fields: dict[str, float] = field(default_factory=dict)
    note: str = ""


def nudged(
    obs: Observation,
    seconds: float,
    session_end: float,
    group: Sequence[Observation] = (),
    labels: Mapping[str, str] | None = None,
) -> Nudge:
    """Move `obs` by `seconds`, kept between 0 and `session_end` (0: the end is not known,
    so there is no upper limit), and, for a state, clear of the other states of its exclusive
    `group` (they cannot overlap: one ends where the next begins)."""

    def name(o: Observation) -> str:
        return (labels or {}).get(o.code, o.code)

    last = obs.end if obs.end is not None else obs.t
    low, low_name = 0.0, "the session's start"
    high, high_name = (session_end, "the session's end") if session_end > 0 else (None, "")
    for other in group:
        if other.id == obs.id or (other.end is None and other.t < obs.t):
            continue
        if other.end is not None and other.end <= obs.t + EPS and other.end > low:
            low, low_name = other.end, f"the end of {name(other)}"
        elif other.t >= last - EPS and (high is None or other.t < high):
            high, high_name = other.t, f"the start of {name(other)}"
    step = seconds
    if seconds < 0:
        step = max(seconds, low - obs.t)
    elif high is not None:
        step = min(seconds, max(high - last, 0.0))
    step = round(step, PLACES)
    if step == 0:
        if seconds < 0:
            verb = "already starts" if obs.end is not None else "is already"
            return Nudge(note=f"{name(obs)} {verb} at {low_name}.")
        if obs.end is not None:
            return Nudge(note=f"{name(obs)} already ends at {high_name}.")
        return Nudge(note=f"{name(obs)} is already at {high_name}.")
    fields = {"t": round(obs.t + step, PLACES)}
    if obs.end is not None:
        fields["end"] = round(obs.end + step, PLACES)
    note = ""
    if step != round(seconds, PLACES):
        edge, at = (low_name, low) if seconds < 0 else (high_name, high or 0.0)
        note = f"Moved only {abs(step):.2f} s, as far as {edge} ({seconds_text(at)})."
    return Nudge(fields, note)


def clash(
    code: str,
    start: float,
    end: float | None,
    group: Sequence[Observation],
    labels: Mapping[str, str] | None = None,
    own_id: str | None = None,
) -> str:
    """Why a state at [start, end) may not be stored: it would overlap another state of its
    exclusive group (an open state runs on to the end). Empty when it may.

    Adding or editing in review must keep the rule live logging keeps (one stops the other),
    or time in state would count the overlap twice."""
    names = labels or {}
    high = end if end is not None else float("inf")
    for other in group:
        other_high = other.end if other.end is not None else float("inf")
        if other.id == own_id or not (start < other_high - EPS and other.t < high - EPS):
            continue
        other_name = names.get(other.code, other.code)
        until = seconds_text(other.end) if other.end is not None else "on"
        return (
            f"{names.get(code, code)} would overlap {other_name} ({seconds_text(other.t)}-"
            f"{until}): states of one group take turns; change the times, or those of "
            f"{other_name} first."
        )
    return ""
