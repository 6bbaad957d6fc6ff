"""Per-player onset lists that grow note by note (live) or in one go (offline), identically.

Notes closer than `chord_merge_s` to the previous note of the same player are one gesture: they
join its onset (keeping the loudest velocity), so a chord is one event for pulse and density.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter

import numpy as np
from numpy.typing import NDArray

from attune_tui.analysis.notes import Note

FloatArray = NDArray[np.float64]


class OnsetStore:
    """Onset times and velocities of one player, sorted, in amortised-growth numpy arrays."""

    def __init__(self, chord_merge_s: float) -> None:
        self._merge = chord_merge_s
        self._t = np.empty(1024)
        self._v = np.empty(1024)
        self._n = 0
        self._last_note = -np.inf

    @property
    def t(self) -> FloatArray:
        return self._t[: self._n]

    @property
    def v(self) -> FloatArray:
        return self._v[: self._n]

    def _grow(self, need: int) -> None:
        if need <= len(self._t):
            return
        size = max(need, 2 * len(self._t))
        self._t = np.resize(self._t, size)
        self._v = np.resize(self._v, size)

    def add(self, t: float, velocity: float) -> None:
        """Add one note; notes are expected in time order, late ones are slotted in place."""
        if t < self._last_note:
            self._insert(t, velocity)
            return
        if self._n and t - self._last_note <= self._merge:
            self._v[self._n - 1] = max(self._v[self._n - 1], velocity)
        else:
            self._grow(self._n + 1)
            self._t[self._n] = t
            self._v[self._n] = velocity
            self._n += 1
        self._last_note = t

    def _insert(self, t: float, velocity: float) -> None:
        i = int(np.searchsorted(self.t, t, side="right"))
        if i and t - self._t[i - 1] <= self._merge:
            self._v[i - 1] = max(self._v[i - 1], velocity)
            return
        self._grow(self._n + 1)
        self._t[i + 1 : self._n + 1] = self._t[i : self._n]
        self._v[i + 1 : self._n + 1] = self._v[i : self._n]
        self._t[i] = t
        self._v[i] = velocity
        self._n += 1

    def extend_sorted(self, t: FloatArray, v: FloatArray) -> None:
        """Add many time-ordered notes at once with the same chord rule as `add`."""
        if len(t) == 0:
            return
        gaps = np.diff(t, prepend=self._last_note if self._n else -np.inf)
        new = gaps > self._merge
        if self._n and not new[0]:
            head = int(np.argmax(new)) if new.any() else len(t)
            self._v[self._n - 1] = max(self._v[self._n - 1], float(v[:head].max()))
            t, v, new = t[head:], v[head:], new[head:]
            self._last_note = float(t[-1]) if len(t) else self._last_note
            if len(t) == 0:
                return
        starts = np.flatnonzero(new)
        self._grow(self._n + len(starts))
        self._t[self._n : self._n + len(starts)] = t[starts]
        self._v[self._n : self._n + len(starts)] = np.maximum.reduceat(v, starts)
        self._n += len(starts)
        self._last_note = float(t[-1])

    def window(self, start: float, end: float) -> tuple[FloatArray, FloatArray]:
        """Onsets with start <= t < end."""
        t = self.t
        i, j = np.searchsorted(t, (start, end), side="left")
        return t[i:j], self._v[i:j]


def split_by_player(notes: Sequence[Note]) -> dict[str, tuple[FloatArray, FloatArray]]:
    """Sorted onset times and velocities of each player's sounding notes (velocity > 0)."""
    n = len(notes)
    t = np.fromiter(map(attrgetter("t"), notes), dtype=np.float64, count=n)
    v = np.fromiter(map(attrgetter("velocity"), notes), dtype=np.float64, count=n)
    is_client = np.fromiter((note.player == "client" for note in notes), dtype=np.bool_, count=n)
    out: dict[str, tuple[FloatArray, FloatArray]] = {}
    for player, mine in (("client", is_client), ("therapist", ~is_client)):
        sel = mine & (v > 0)
        pt, pv = t[sel], v[sel]
        order = np.argsort(pt, kind="stable")
        out[player] = (pt[order], pv[order])
    return out
