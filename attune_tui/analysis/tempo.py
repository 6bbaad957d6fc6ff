"""Causal tempo tracking from note onsets, with the metrical level chosen explicitly.

Why this shape: played music carries its pulse at several metrical levels at once, and rubato
blurs any single one. At each refresh the onsets of the last `window_s` seconds give candidate
beats (`tempo_evidence`): the strongest period families of their pair histogram, each at its
levels x1/3 to x3. A small fitted scorer turns the candidates into a likelihood over tempo bins,
and a forward filter over those bins keeps successive estimates continuous, so one ambiguous
window does not switch the level. The scorer's weights are data in `TempoSettings`.

The evidence is recomputed only when new onsets arrived and at most once per `refresh_s`, from
the onsets in the window alone, so the work per estimate does not grow with the session.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from attune_tui.analysis.tempo_evidence import Evidence
from attune_tui.analysis.tempo_grid import FloatArray, TempoSettings

__all__ = ["TempoEstimate", "TempoSettings", "TempoTracker", "tempo_series"]

_COMPACT_AFTER = 4096  # expired onsets kept before the window lists are shortened


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
        self._ev = Evidence(settings)
        self._g = self._ev.grid
        self._weights: FloatArray = np.asarray(settings.level_weights, dtype=np.float64)
        self._last_onset = -math.inf
        self._last_t = -math.inf
        # Chord being gathered: start time, weight and bass weight.
        self._open: tuple[float, float, float] | None = None
        self._pending: list[tuple[float, float, float]] = []  # complete, not yet in the window
        # Window of merged onsets, oldest first, from index `_head` on.
        self._t: list[float] = []
        self._w: list[float] = []
        self._b: list[float] = []
        self._head = 0
        self._post: FloatArray | None = None
        self._post_t = -math.inf
        self._result: tuple[float | None, float] = (None, 0.0)
        self._refreshed = -math.inf

    def add_onset(self, t: float, velocity: int = 64, pitch: int = 60) -> None:
        """Take one note-on; notes within `chord_merge_s` of a chord's first note join it.

        A chord weighs the sum of its notes' loudness: accents mark the beat. Bass notes are
        counted apart because their own periodicity often is the beat.
        """
        if t < self._last_onset:
            raise ValueError(f"onsets must not go back in time: {t} after {self._last_onset}")
        self._last_onset = t
        weight = max(velocity, 1) / 64.0
        bass = weight if pitch <= self._s.bass_pitch else 0.0
        if self._open is not None and t - self._open[0] < self._s.chord_merge_s:
            start, w, b = self._open
            self._open = (start, w + weight, b + bass)
            return
        if self._open is not None:
            self._pending.append(self._open)
        self._open = (t, weight, bass)

    def estimate(self, t: float) -> TempoEstimate:
        """Tempo at `t` from the onsets before it; call at non-decreasing times."""
        if t < self._last_t:
            raise ValueError(f"estimate times must not go back: {t} after {self._last_t}")
        self._last_t = t
        merge = self._s.chord_merge_s
        if self._open is not None and self._open[0] + merge <= t and self._open[0] < t:
            self._pending.append(self._open)
            self._open = None
        # Chords complete before `t`: no later note can join them. Later ones wait.
        ready = 0
        while ready < len(self._pending) and self._pending[ready][0] + merge <= t:
            ready += 1
        ready = min(ready, bisect.bisect_left(self._pending, (t, -math.inf, -math.inf)))
        cutoff = t - self._s.window_s
        self._expire(cutoff)
        waiting = sum(1 for chord in self._pending[:ready] if chord[0] >= cutoff)
        if len(self._t) - self._head + waiting < self._s.min_onsets:
            self._post = None
            self._result = (None, 0.0)
            self._refreshed = -math.inf
            return TempoEstimate(t, None, 0.0)
        if ready and t - self._refreshed >= self._s.refresh_s - 1e-9:
            for start, weight, bass in self._pending[:ready]:
                self._t.append(start)
                self._w.append(weight)
                self._b.append(bass)
            del self._pending[:ready]
            self._expire(cutoff)
            self._refresh(t)
        bpm, confidence = self._result
        return TempoEstimate(t, bpm, confidence)

    def _expire(self, cutoff: float) -> None:
        self._head = bisect.bisect_left(self._t, cutoff, self._head)
        if self._head > _COMPACT_AFTER:
            del self._t[: self._head], self._w[: self._head], self._b[: self._head]
            self._head = 0

    def _likelihood(self) -> FloatArray:
        """Candidate beats, scored and spread over the tempo bins."""
        h = self._head
        bins, features = self._ev.candidates(
            np.array(self._t[h:]), np.array(self._w[h:]), np.array(self._b[h:])
        )
        like = np.full(self._g.n_tempo, self._s.likelihood_floor)
        if len(bins):
            score = features @ self._weights
            score -= score.max()
            prob = np.exp(score)
            np.add.at(like, bins, prob / prob.sum())
        out: FloatArray = np.convolve(like, self._g.smooth, mode="same")
        return out

    def _refresh(self, t: float) -> None:
        g = self._g
        self._refreshed = t
        like = self._likelihood()
        if self._post is None:
            post = like
        else:
            dt = t - self._post_t
            jump = 1.0 - (1.0 - self._s.jump_per_s) ** dt
            spread = np.convolve(self._post, g.drift_kernel(dt), mode="same")
            post = (spread * (1.0 - jump) + jump / g.n_tempo) * like
        post = post / float(post.sum())
        self._post, self._post_t = post, t
        best = int(post.argmax())
        confidence = float(post[max(0, best - g.band) : best + g.band + 1].sum())
        self._result = (float(g.bpm[best]), min(1.0, confidence))


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
