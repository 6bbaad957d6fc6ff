"""Causal tempo tracking from note onsets, at a small fixed cost per estimate.

Why this shape: played music carries its pulse at several metrical levels at once, and rubato
blurs any single one. The tracker keeps a decaying histogram of the intervals between onset
pairs (an onset autocorrelation on a log-period grid), in which accented and bass notes weigh
more because they mark the beat. Each tempo is scored by how strongly its period and their
multiples recur and by a log-normal tempo prior (whose centre may follow the onset rate); a
forward filter over the tempo bins then keeps successive estimates continuous. The scoring
weights are data in `TempoSettings`.

Every onset pair enters the histogram once, when its later onset is complete, and old pairs fade
by a single rescaling, so the work per estimate does not grow with the session; the evidence is
recomputed only when new onsets arrived and at most once per `refresh_s`.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from attune_tui.analysis.tempo_grid import FloatArray, TempoGrid, TempoSettings

__all__ = ["TempoEstimate", "TempoSettings", "TempoTracker", "tempo_series"]

_RESCALE_AFTER = 30.0  # log units of growth before the histograms are brought back to scale


@dataclass(frozen=True, slots=True)
class TempoEstimate:
    """Tempo at time `t`; `bpm` is None (and confidence 0) while too little has been played."""

    t: float
    bpm: float | None
    confidence: float


class TempoTracker:
    """Causal tempo of one player's onsets; `estimate(t)` looks only at onsets before `t`."""

    def __init__(self, settings: TempoSettings = TempoSettings()) -> None:  # noqa: B008
        self._s = settings
        self._g = TempoGrid(settings)
        self._loud = [(max(v, 1) / 64.0) ** settings.velocity_exponent for v in range(128)]
        self._bass = 1.0 + settings.bass_weight
        self._last_onset = -math.inf
        self._last_t = -math.inf
        # Chord being gathered: start time and accumulated weight.
        self._open_t = -math.inf
        self._open_w = 0.0
        self._pending: list[tuple[float, float]] = []  # complete chords not yet in the window
        # Window of merged onsets, oldest first, in [head, tail) of fixed-size buffers: time,
        # weight, and weight grown by exp((t - ref) / decay_s) so that old pairs fade.
        size = 256
        self._t: FloatArray = np.zeros(size)
        self._w: FloatArray = np.zeros(size)
        self._gw: FloatArray = np.zeros(size)
        self._head = 0
        self._tail = 0
        self._pairs: FloatArray = np.zeros(self._g.n_hist + 1)  # last cell: discarded pairs
        self._iois: FloatArray = np.zeros(self._g.n_hist + 1)
        self._ref = 0.0
        self._post: FloatArray | None = None
        self._post_t = -math.inf
        self._result: tuple[float | None, float] = (None, 0.0)
        self._refreshed = -math.inf

    def add_onset(self, t: float, velocity: int = 64, pitch: int = 60) -> None:
        """Take one note-on; notes within `chord_merge_s` of a chord's first note join it.

        A chord weighs the sum of its notes, a note more when loud or low: accents and bass
        notes mark the notated beat.
        """
        if t < self._last_onset:
            raise ValueError(f"onsets must not go back in time: {t} after {self._last_onset}")
        self._last_onset = t
        weight = self._loud[min(max(velocity, 0), 127)]
        if pitch <= self._s.bass_pitch:
            weight *= self._bass
        if t - self._open_t < self._s.chord_merge_s:
            self._open_w += weight
            return
        if self._open_w > 0.0:
            self._pending.append((self._open_t, self._open_w))
        self._open_t, self._open_w = t, weight

    def estimate(self, t: float) -> TempoEstimate:
        """Tempo at `t` from the onsets before it; call at non-decreasing times."""
        if t < self._last_t:
            raise ValueError(f"estimate times must not go back: {t} after {self._last_t}")
        self._last_t = t
        merge = self._s.chord_merge_s
        if self._open_w > 0.0 and self._open_t + merge <= t and self._open_t < t:
            self._pending.append((self._open_t, self._open_w))
            self._open_t, self._open_w = -math.inf, 0.0
        # Chords complete before `t`: no later note can join them. Later ones wait.
        ready = 0
        while ready < len(self._pending) and self._pending[ready][0] + merge <= t:
            ready += 1
        ready = min(ready, bisect.bisect_left(self._pending, (t, -math.inf)))
        cutoff = t - self._s.window_s
        self._expire(cutoff)
        waiting = sum(1 for start, _ in self._pending[:ready] if start >= cutoff)
        if self._tail - self._head + waiting < self._s.min_onsets:
            self._post = None
            self._result = (None, 0.0)
            self._refreshed = -math.inf
            return TempoEstimate(t, None, 0.0)
        if ready and t - self._refreshed >= self._s.refresh_s - 1e-9:
            self._take_chords(ready)
            self._expire(cutoff)
            self._refresh(t)
        bpm, confidence = self._result
        return TempoEstimate(t, bpm, confidence)

    # -- onsets and histograms ---------------------------------------------------------------

    def _take_chords(self, count: int) -> None:
        """Move the first `count` waiting chords into the window, their pairs into the histogram."""
        ready, self._pending = self._pending[:count], self._pending[count:]
        if self._tail + len(ready) > len(self._t):
            self._compact(len(ready))
        self._rescale(ready[-1][0])
        g, decay, ref = self._g, self._s.decay_s, self._ref
        times, weights, grown, iois = self._t, self._w, self._gw, self._iois
        first = tail = self._tail
        prev = times[tail - 1] if tail > self._head else -math.inf
        for start, weight in ready:
            growth = math.exp((start - ref) / decay)
            times[tail], weights[tail], grown[tail] = start, weight, weight * growth
            iois[g.cell(start - prev)] += growth  # consecutive intervals, unweighted
            prev = start
            tail += 1
        self._tail = tail
        self._add_pairs(first)

    def _add_pairs(self, first: int) -> None:
        """Enter every pair whose later onset is new, weighted by both onsets and by age."""
        g = self._g
        lo = bisect.bisect_left(self._t, self._t[first] - self._s.max_lag_s, self._head, first)
        t_all = self._t[lo : self._tail]
        lags = np.subtract.outer(t_all[first - lo :], t_all)
        cells = g.lag_cells(lags)
        # The earlier onset's age weighs the pair: long intervals fade sooner, as in a window.
        weights = np.multiply.outer(self._w[first : self._tail], self._gw[lo : self._tail])
        self._pairs += np.bincount(cells.ravel(), weights.ravel(), minlength=g.n_hist + 1)

    def _rescale(self, now: float) -> None:
        """Bring grown weights back to scale before they could overflow."""
        if now - self._ref < _RESCALE_AFTER * self._s.decay_s:
            return
        scale = math.exp(-(now - self._ref) / self._s.decay_s)
        self._pairs *= scale
        self._iois *= scale
        self._gw[self._head : self._tail] *= scale
        self._ref = now

    def _compact(self, incoming: int) -> None:
        """Shift the window to the front of the buffers, growing them if it would not fit."""
        n = self._tail - self._head
        size = len(self._t)
        while (n + incoming) * 2 > size:
            size *= 2
        for name in ("_t", "_w", "_gw"):
            old: FloatArray = getattr(self, name)
            new = np.zeros(size)
            new[:n] = old[self._head : self._tail]
            setattr(self, name, new)
        self._head, self._tail = 0, n

    def _expire(self, cutoff: float) -> None:
        head = bisect.bisect_left(self._t, cutoff, self._head, self._tail)
        if head == self._tail and head > self._head:
            self._pairs[:] = 0.0  # nothing left to pair with: forget the past entirely
            self._iois[:] = 0.0
        self._head = head

    # -- evidence, filter, read-out ----------------------------------------------------------

    def _refresh(self, t: float) -> None:
        g = self._g
        self._refreshed = t
        like = g.likelihood(self._pairs, g.median_period(self._iois))
        if self._post is None:
            post = like
        else:
            dt = t - self._post_t
            jump = 1.0 - (1.0 - self._s.jump_per_s) ** dt
            spread = np.convolve(self._post, g.drift_kernel(dt), mode="same")
            post = (spread * (1.0 - jump) + jump / g.n_tempo) * like
        total = float(post.sum())
        post = post / total if total > 0.0 else np.full(g.n_tempo, 1.0 / g.n_tempo)
        self._post, self._post_t = post, t
        best = int(post.argmax())
        confidence = float(post[max(0, best - g.band) : best + g.band + 1].sum())
        self._result = (g.refine(self._pairs, best), min(1.0, confidence))


def tempo_series(
    onsets: Sequence[float],
    times: Sequence[float],
    settings: TempoSettings = TempoSettings(),  # noqa: B008
) -> list[TempoEstimate]:
    """Offline tempo on a time grid, through the very tracker the live screen uses."""
    tracker = TempoTracker(settings)
    ordered = sorted(onsets)
    out: list[TempoEstimate] = []
    i = 0
    for t in times:
        while i < len(ordered) and ordered[i] < t:
            tracker.add_onset(ordered[i])
            i += 1
        out.append(tracker.estimate(t))
    return out
