"""Causal tempo tracking from note onsets, with the metrical level chosen explicitly.

Why this shape: played music carries its pulse at several metrical levels at once, and rubato
blurs any single one. At each refresh the onsets of the last `window_s` seconds give candidate
beats (`tempo_evidence`): the strongest period families of their pair histogram, each at its
levels x1/3 to x3. A small fitted scorer turns the candidates into a likelihood over tempo bins,
and a forward filter over those bins keeps successive estimates continuous, so one ambiguous
window does not switch the level. The scorer's weights are data in `TempoSettings`.

The evidence is refreshed only when new onsets arrived and at most once per `refresh_s`. Its
pair histograms are kept up to date (`tempo_pairs`: the pairs of arriving onsets added, those
of leaving onsets removed) rather than rebuilt, so a refresh costs work linear in the window
and the work per estimate does not grow with the session.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from attune_tui.analysis.settings import TempoSettings
from attune_tui.analysis.tempo_evidence import Evidence
from attune_tui.analysis.tempo_filter import TempoFilter
from attune_tui.analysis.tempo_grid import FloatArray, IntArray

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
        self._g = g = self._ev.grid
        self._last_onset = -math.inf
        self._last_t = -math.inf
        # Chord being gathered: start time, weight and bass weight (sums of velocities).
        self._open: tuple[float, float, float] | None = None
        self._pending: list[tuple[float, float, float]] = []  # complete, not yet in the window
        # Merged onsets, oldest first; the window starts at `_head`. The pair histograms hold
        # onsets [_held, _held_end), the window of the last refresh, `_bass_held` of them with
        # bass notes; `_buf` mirrors the three lists as rows for vector work.
        self._t: list[float] = []
        self._w: list[float] = []
        self._b: list[float] = []
        self._head = 0
        self._held = 0
        self._held_end = 0
        self._bass_held = 0
        self._buf: FloatArray = np.zeros((3, 256))
        self._filter = TempoFilter(settings, g)
        self._post_t = -math.inf
        self._result: tuple[float | None, float] = (None, 0.0)
        self._refreshed = -math.inf
        self._bins: IntArray = np.zeros(0, dtype=np.intp)  # candidates of the last refresh
        self._radius = (len(g.smooth) - 1) // 2
        floor = np.full(g.n_tempo, settings.likelihood_floor)
        self._floor: FloatArray = np.convolve(floor, g.smooth, mode="same")

    def add_onset(self, t: float, velocity: int = 64, pitch: int = 60) -> None:
        """Take one note-on; notes within `chord_merge_s` of a chord's first note join it.

        A chord weighs the sum of its notes' loudness: accents mark the beat. Bass notes are
        counted apart because their own periodicity often is the beat.
        """
        if t < self._last_onset:
            raise ValueError(f"onsets must not go back in time: {t} after {self._last_onset}")
        self._last_onset = t
        weight = float(max(velocity, 1))
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
        pending, ready = self._pending, 0
        if pending:
            while ready < len(pending) and pending[ready][0] + merge <= t:
                ready += 1
            if ready:
                ready = min(ready, bisect.bisect_left(pending, (t, -math.inf, -math.inf)))
        cutoff = t - self._s.window_s
        self._head = bisect.bisect_left(self._t, cutoff, self._head)
        held = len(self._t) - self._head
        if held < self._s.min_onsets:
            held += sum(1 for chord in self._pending[:ready] if chord[0] >= cutoff)
        if held < self._s.min_onsets:
            self._filter.reset()
            self._bins = self._bins[:0]
            self._result = (None, 0.0)
            self._refreshed = -math.inf
            return TempoEstimate(t, None, 0.0)
        if ready and t - self._refreshed >= self._s.refresh_s - 1e-9:
            self._take(self._pending[:ready])
            del self._pending[:ready]
            self._head = bisect.bisect_left(self._t, cutoff, self._head)
            self._refresh(t)
        bpm, confidence = self._result
        return TempoEstimate(t, bpm, confidence)

    @property
    def candidates(self) -> FloatArray:
        """Tempi (BPM) the last refresh chose among: tells a wrong level from a missed pulse."""
        out: FloatArray = self._g.bpm.take(self._bins)
        return out

    def _take(self, chords: list[tuple[float, float, float]]) -> None:
        """Append complete chords to the onset lists and their buffer."""
        start = len(self._t)
        for onset, weight, bass in chords:
            self._t.append(onset)
            self._w.append(weight)
            self._b.append(bass)
        end = len(self._t)
        if end > self._buf.shape[1]:
            grown = np.zeros((3, 2 * end))
            grown[:, :start] = self._buf[:, :start]
            self._buf = grown
        self._buf[0, start:end] = self._t[start:]
        self._buf[1, start:end] = self._w[start:]
        self._buf[2, start:end] = self._b[start:]

    def _update_pairs(self) -> None:
        """Bring the pair histograms from the last refresh's window to the current one."""
        held, head, end, new_end = self._held, self._head, self._held_end, len(self._t)
        if held == head and end == new_end:
            return
        leaving = sum(1 for b in self._b[held:head] if b > 0.0)
        arriving = sum(1 for b in self._b[end:new_end] if b > 0.0)
        if head == new_end:
            self._ev.pairs.clear()
        else:
            onsets = (self._t, self._w, self._b)
            span = (held, head, end, new_end)
            self._ev.pairs.update(onsets, self._buf, span, leaving + arriving > 0)
        self._bass_held += arriving - leaving
        self._held, self._held_end = head, new_end
        if head > _COMPACT_AFTER:
            del self._t[:head], self._w[:head], self._b[:head]
            self._buf[:, : new_end - head] = self._buf[:, head:new_end]
            self._head = self._held = 0
            self._held_end = new_end - head

    def _likelihood(self) -> FloatArray:
        """Candidate beats, scored and spread over the tempo bins."""
        h = self._head
        span = self._t[-1] - self._t[h]
        bins, score = self._ev.scores(len(self._t) - h, span, self._bass_held >= 2)
        self._bins = bins
        if not len(bins):
            return self._floor
        score -= score.max()
        prob = np.exp(score, out=score)
        prob *= 1.0 / float(prob.sum())
        r = self._radius
        spikes = np.bincount(bins + r, prob, self._g.n_tempo + 2 * r)
        out: FloatArray = self._floor + np.convolve(spikes, self._g.smooth, mode="valid")
        return out

    def _refresh(self, t: float) -> None:
        self._refreshed = t
        self._update_pairs()
        self._result = self._filter.update(self._likelihood(), t - self._post_t)
        self._post_t = t


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
