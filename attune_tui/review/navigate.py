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


def jump(
    items: Sequence[T],
    key_of: Callable[[T], str],
    time_of: Callable[[T], float],
    cursor: float,
    selected: str | None,
    forward: bool,
) -> T | None:
    """The item a jump lands on: stepping from the selected one, else from the cursor."""
    keys = [key_of(item) for item in items]
    current = keys.index(selected) if selected in keys else None
    index = step(items, time_of, cursor, current, forward)
    return None if index is None else items[index]


def next_moment(
    moments: Sequence[MomentBand], cursor: float, selected: str | None, forward: bool
) -> MomentBand | None:
    return jump(moments, lambda m: m.key, lambda m: m.start, cursor, selected, forward)


def next_observation(
    observations: Sequence[Observation], cursor: float, selected: str | None, forward: bool
) -> Observation | None:
    return jump(observations, lambda o: o.id, lambda o: o.t, cursor, selected, forward)
