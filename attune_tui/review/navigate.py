"""Jumps between moments and between observations, from the selection or from the cursor.

With an item of the same kind selected, a jump steps through the list in order (so marks that
share a second are all visited); otherwise it goes to the first item past the cursor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from attune_tui.model.observation import Observation
from attune_tui.review.timeline import MomentBand

T = TypeVar("T")
EPS = 1e-6


def step(
    items: Sequence[T],
    time_of: Callable[[T], float],
    cursor: float,
    current: int | None,
    forward: bool,
) -> int | None:
    """Index of the next (or previous) item, or None past either end."""
    if current is not None:
        index = current + (1 if forward else -1)
        return index if 0 <= index < len(items) else None
    if forward:
        return next((i for i, item in enumerate(items) if time_of(item) > cursor + EPS), None)
    before = [i for i, item in enumerate(items) if time_of(item) < cursor - EPS]
    return before[-1] if before else None


def next_moment(
    moments: Sequence[MomentBand], cursor: float, selected: str | None, forward: bool
) -> MomentBand | None:
    keys = [m.key for m in moments]
    current = keys.index(selected) if selected in keys else None
    index = step(moments, lambda m: m.start, cursor, current, forward)
    return None if index is None else moments[index]


def next_observation(
    observations: Sequence[Observation], cursor: float, selected: str | None, forward: bool
) -> Observation | None:
    ids = [o.id for o in observations]
    current = ids.index(selected) if selected in ids else None
    index = step(observations, lambda o: o.t, cursor, current, forward)
    return None if index is None else observations[index]
