"""One player's musical features on a fixed time grid, shared by the live screen and `analyze`.

Every feature is computed at grid points `k * GRID_STEP_S` from session start, from the notes
whose onsets fall before the grid point. The live engine calls `advance` whenever it likes; the
offline pipeline calls it once with the session length. Both walk the same grid in the same order
through the same code, so what `attune analyze` reports is what the live screen showed.

Windowed statistics come from prefix sums over note arrays (numpy, one vectorised pass per
`advance` call); only tempo, phrase and event state walk the grid point by point.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any, Literal, NamedTuple

import numpy as np
import numpy.typing as npt

from attune_tui.analysis.dynamics import (
    MARKINGS,
    Marking,
    Trend,
    marking_indices,
    trends_for,
)
from attune_tui.analysis.notes import Note, Player
from attune_tui.analysis.phrases import Phrase, PhraseSegmenter
from attune_tui.analysis.settings import FeatureSettings
from attune_tui.analysis.tempo import TempoEstimate, TempoTracker

GRID_STEP_S = 0.5
"""Spacing of the time grid: twice a second is smoother than a person reads a number, and cheap."""

HISTORY_S = 60.0
"""How much of each series `history` keeps for sparklines: the last minute."""

AutoEventCode = Literal[
    "tempo_change", "dynamics_change", "phrase_start", "phrase_end", "silence_start", "silence_end"
]
HistoryKind = Literal["bpm", "velocity", "density", "pitch"]


class PlayerSnapshot(NamedTuple):
    """What one player is doing at grid time `t`, from notes that started before `t`.

    A named tuple rather than a dataclass: a two-hour session makes 28,800 of them offline, and
    a tuple is built several times faster than a frozen dataclass.
    """

    t: float
    player: Player
    bpm: float | None
    tempo_confidence: float
    marking: Marking | None  # None when nothing was played in the smoothing window
    velocity: float | None  # mean velocity over the smoothing window
    trend: Trend
    density: float  # notes per second over `window_s`
    pitch_mean: float | None  # register over `window_s`
    pitch_low: int | None
    pitch_high: int | None
    in_phrase: bool
    phrase_start: float | None
    silence_s: float  # seconds since the last sound stopped; 0 while anything sounds


@dataclass(frozen=True, slots=True)
class AutoEvent:
    """An observation the analysis makes by itself, at the time the change happened.

    It is reported once it is certain (a silence after `silence_s`, a tempo change after its
    hold time), so `t` may lie a few seconds before the grid point that found it.
    """

    t: float
    player: Player
    code: AutoEventCode
    detail: str


class _Column:
    """A numpy array that grows by doubling, so appending notes live stays amortised O(1)."""

    def __init__(self, dtype: type[np.float64] | type[np.int64], first: float | None = None):
        self._data: npt.NDArray[Any] = np.empty(1024, dtype)
        self._n = 0
        if first is not None:
            self._data[0] = first
            self._n = 1

    def extend(self, values: npt.ArrayLike) -> None:
        new = np.asarray(values, dtype=self._data.dtype)
        need = self._n + len(new)
        if need > len(self._data):
            grown = np.empty(max(need, 2 * len(self._data)), self._data.dtype)
            grown[: self._n] = self._data[: self._n]
            self._data = grown
        self._data[self._n : need] = new
        self._n = need

    def view(self) -> npt.NDArray[Any]:
        return self._data[: self._n]

    def padded(self) -> npt.NDArray[Any]:
        """The values plus one slot of no meaning, for `reduceat` bounds equal to the length."""
        if self._n == len(self._data):
            self.extend(np.zeros(1, self._data.dtype))
            self._n -= 1
        return self._data[: self._n + 1]

    @property
    def last(self) -> float:
        return float(self._data[self._n - 1])


@dataclass(frozen=True, slots=True)
class _GridStats:
    """Windowed statistics for a run of grid points, as plain lists for the per-point walk."""

    hi: list[int]  # notes with onsets before each grid point
    may_rest: list[bool]  # a rest long enough to end a phrase may have been reached
    silence: list[float]  # seconds since the last sound stopped
    velocity: list[float | None]
    marking: list[int | None]
    trend: list[Trend]
    density: list[float]
    pitch_mean: list[float | None]
    pitch_low: list[int | None]
    pitch_high: list[int | None]


def _or_none(values: npt.NDArray[Any], known: npt.NDArray[np.bool_]) -> list[Any]:
    """`values` as Python numbers, None where `known` is False (an empty window)."""
    boxed = values.astype(object)
    boxed[~known] = None
    return boxed.tolist()  # type: ignore[no-any-return]


class _NoTempo:
    """Stands in for the tempo tracker when only phrases, dynamics and events are wanted (the
    session summary): the tracker is most of the cost of analysing a long session."""

    def add_onset(self, t: float, velocity: int = 64, pitch: int = 60) -> None:
        """Onsets are not needed without tempo."""

    def estimate(self, t: float) -> TempoEstimate:
        return TempoEstimate(t, None, 0.0)


class PlayerFeatures:
    """Tempo, dynamics, density, register, phrases and silences of one player, on the grid.

    Notes go in with `add_note` (live: `held=True` at note-on, then `end_note` at note-off;
    offline: complete notes). Notes must arrive in onset order. A note whose onset lies before a
    grid point already processed is counted from the next grid point on, so the live engine
    should advance to slightly behind its clock if it wants to match offline exactly.
    """

    def __init__(
        self, player: Player, settings: FeatureSettings | None = None, *, tempo: bool = True
    ) -> None:
        self.player: Player = player
        self.settings = settings if settings is not None else FeatureSettings()
        self._onsets: list[float] = []
        self._velocities: list[int] = []
        self._pitches: list[int] = []
        self._ends: list[float | None] = []  # None while held
        self._held: dict[int, list[int]] = {}
        self._onset_col = _Column(np.float64)
        self._pitch_col = _Column(np.int64)
        self._cum_velocity = _Column(np.int64, 0)
        self._cum_pitch = _Column(np.int64, 0)
        self._fed = 0  # notes handed to the tempo tracker and phrase segmenter
        self._k = 0  # last grid index processed
        self._tempo: TempoTracker | _NoTempo = (
            TempoTracker(self.settings.tempo) if tempo else _NoTempo()
        )
        self._segmenter = PhraseSegmenter(player, self.settings.phrases)
        self._boundaries_seen = 0
        self._events: list[AutoEvent] = []
        self._recent: deque[PlayerSnapshot] = deque(maxlen=round(HISTORY_S / GRID_STEP_S))
        self._tempo_ref: float | None = None
        self._tempo_since: float | None = None
        self._tempo_sign = 0
        self._dyn_ref: int | None = None
        self._dyn_since: float | None = None

    # -- input -------------------------------------------------------------------------------

    def add_note(self, note: Note, *, held: bool = False) -> None:
        """A note started; `held=True` when its end will come later through `end_note`."""
        if note.player != self.player:
            raise ValueError(f"{self.player} tracker was given a note of {note.player}")
        if self._onsets and note.t < self._onsets[-1]:
            raise ValueError(
                f"{self.player} note at {note.t:.3f} s came after one at {self._onsets[-1]:.3f} s;"
                " feed notes in onset order"
            )
        if held:
            self._held.setdefault(note.pitch, []).append(len(self._onsets))
        self._onsets.append(note.t)
        self._velocities.append(note.velocity)
        self._pitches.append(note.pitch)
        self._ends.append(None if held else note.end)

    def add_notes(self, notes: Sequence[Note]) -> None:
        """Complete notes of this player in onset order, in bulk (the offline path)."""
        if not notes:
            return
        onsets = [n.t for n in notes]
        previous = self._onsets[-1] if self._onsets else -math.inf
        if any(n.player != self.player for n in notes):
            raise ValueError(f"{self.player} tracker was given notes of another player")
        if onsets[0] < previous or np.any(np.diff(onsets) < 0):
            raise ValueError(f"{self.player} notes are not in onset order; sort them by `t`")
        self._onsets.extend(onsets)
        self._velocities.extend([n.velocity for n in notes])
        self._pitches.extend([n.pitch for n in notes])
        self._ends.extend([n.t + n.duration for n in notes])

    def end_note(self, pitch: int, t: float) -> bool:
        """The earliest held note of `pitch` stopped at `t`; False if none was held."""
        stack = self._held.get(pitch)
        if not stack:
            return False
        i = stack.pop(0)
        end = max(t, self._onsets[i])
        self._ends[i] = end
        if i < self._fed:
            self._segmenter.note_off(end)
        return True

    # -- output ------------------------------------------------------------------------------

    def advance(self, t: float) -> list[PlayerSnapshot]:
        """Process every grid point up to and including `t` not processed yet, in order."""
        k_last = math.floor(t / GRID_STEP_S)
        if k_last <= self._k:
            return []
        self._sync_columns()
        grid = np.arange(self._k + 1, k_last + 1, dtype=np.float64) * GRID_STEP_S
        stats = self._grid_stats(grid)
        snapshots = self._walk(grid.tolist(), stats)
        self._k = k_last
        self._recent.extend(snapshots)
        return snapshots

    def snapshot(self, t: float) -> PlayerSnapshot:
        """The features at the last grid point at or before `t`."""
        self.advance(t)
        return self._recent[-1] if self._recent else self._empty_snapshot()

    def auto_events(self, t: float) -> list[AutoEvent]:
        """Automatic observations found up to `t` since the previous call."""
        self.advance(t)
        events, self._events = self._events, []
        return events

    def finish(self, t: float) -> list[AutoEvent]:
        """The session ended at `t`: close the phrase still going and return remaining events."""
        self.advance(t)
        self._segmenter.finish(t)
        self._collect_boundaries()
        events, self._events = self._events, []
        return events

    @property
    def phrases(self) -> list[Phrase]:
        """Phrases completed so far (all of them after `finish`)."""
        return list(self._segmenter.phrases)

    def history(self, kind: HistoryKind) -> list[float]:
        """The last minute of one series on the grid, oldest first, for sparklines.

        0.0 where the value is undefined (no pulse, nothing played), so gaps sit on the floor.
        """
        if kind == "bpm":
            return [s.bpm or 0.0 for s in self._recent]
        if kind == "velocity":
            return [s.velocity or 0.0 for s in self._recent]
        if kind == "density":
            return [s.density for s in self._recent]
        return [s.pitch_mean or 0.0 for s in self._recent]

    # -- internals ---------------------------------------------------------------------------

    def _sync_columns(self) -> None:
        done = len(self._onset_col.view())
        if done == len(self._onsets):
            return
        self._onset_col.extend(self._onsets[done:])
        self._pitch_col.extend(self._pitches[done:])
        velocities = np.asarray(self._velocities[done:], dtype=np.int64)
        pitches = np.asarray(self._pitches[done:], dtype=np.int64)
        self._cum_velocity.extend(int(self._cum_velocity.last) + np.cumsum(velocities))
        self._cum_pitch.extend(int(self._cum_pitch.last) + np.cumsum(pitches))

    def _grid_stats(self, grid: npt.NDArray[np.float64]) -> _GridStats:
        s = self.settings
        onsets = self._onset_col.view()
        cv = self._cum_velocity.view()
        cp = self._cum_pitch.view()

        def before(times: npt.NDArray[np.float64]) -> npt.NDArray[np.intp]:
            return np.searchsorted(onsets, times, side="left")

        hi = before(grid)
        lo_smooth = before(grid - s.dynamics.smoothing_s)
        lo_win = before(grid - s.window_s)
        half = s.dynamics.trend_window_s / 2
        mid = before(grid - half)
        lo_trend = before(grid - s.dynamics.trend_window_s)

        with np.errstate(invalid="ignore", divide="ignore"):
            velocity = (cv[hi] - cv[lo_smooth]) / (hi - lo_smooth)
            recent = (cv[hi] - cv[mid]) / (hi - mid)
            older = (cv[mid] - cv[lo_trend]) / (mid - lo_trend)
            slope = (recent - older) / half
            pitch_mean = (cp[hi] - cp[lo_win]) / (hi - lo_win)
        density = (hi - lo_win) / s.window_s

        pitches = self._pitch_col.padded()
        bounds = np.empty(2 * len(grid), dtype=np.intp)
        bounds[0::2] = lo_win
        bounds[1::2] = hi
        low = np.minimum.reduceat(pitches, bounds)[0::2]
        high = np.maximum.reduceat(pitches, bounds)[0::2]
        played = hi > lo_smooth
        in_window = hi > lo_win
        slope_known = (hi > mid) & (mid > lo_trend)
        sound_end = self._sound_ends(hi)
        return _GridStats(
            hi=hi.tolist(),
            may_rest=(grid - sound_end >= s.phrases.rest_s).tolist(),
            silence=np.maximum(grid - sound_end, 0.0).tolist(),
            velocity=_or_none(velocity, played),
            marking=_or_none(marking_indices(velocity, s.dynamics), played),
            trend=trends_for(np.where(slope_known, slope, 0.0), s.dynamics),
            density=density.tolist(),
            pitch_mean=_or_none(pitch_mean, in_window),
            pitch_low=_or_none(low, in_window),
            pitch_high=_or_none(high, in_window),
        )

    def _sound_ends(self, hi: npt.NDArray[np.intp]) -> npt.NDArray[np.float64]:
        """When sound last stopped before each grid point, as the segmenter will see it.

        Ends are fixed while `advance` runs (no note-off arrives meanwhile), so the running
        maximum of the known ends (held notes: infinity) is exactly the segmenter's state.
        """
        fed = self._fed
        fresh = [math.inf if e is None else e for e in self._ends[fed : int(hi[-1])]]
        running = np.maximum.accumulate(np.array([self._segmenter.sound_end, *fresh]))
        return running[np.maximum(hi - fed, 0)]

    def _walk(self, grid: list[float], stats: _GridStats) -> list[PlayerSnapshot]:
        """The stateful part, grid point by grid point: tempo, phrases, automatic events."""
        segmenter = self._segmenter
        add_onset, estimate = self._tempo.add_onset, self._tempo.estimate
        onsets, velocities, ends = self._onsets, self._velocities, self._ends
        pitches = self._pitches
        bpms: list[float | None] = []
        confidences: list[float] = []
        phrase_starts: list[float | None] = []
        fed = self._fed
        for g, upto, may_rest, index in zip(
            grid, stats.hi, stats.may_rest, stats.marking, strict=True
        ):
            if upto > fed:
                for j in range(fed, upto):
                    add_onset(onsets[j], velocities[j], pitches[j])
                segmenter.notes_on(onsets, ends, velocities, fed, upto)
                self._fed = fed = upto
                if may_rest:
                    segmenter.tick(g)
                self._collect_boundaries()
            elif may_rest:
                segmenter.tick(g)
                self._collect_boundaries()
            tempo = estimate(g)
            if tempo.bpm is not None or self._tempo_since is not None:
                self._check_tempo(g, tempo.bpm, tempo.confidence)
            if index is not None and (index != self._dyn_ref or self._dyn_since is not None):
                self._check_dynamics(g, index)
            bpms.append(tempo.bpm)
            confidences.append(tempo.confidence)
            phrase_starts.append(segmenter.phrase_start)
        return list(
            map(
                PlayerSnapshot,
                grid,
                repeat(self.player),
                bpms,
                confidences,
                [None if i is None else MARKINGS[i] for i in stats.marking],
                stats.velocity,
                stats.trend,
                stats.density,
                stats.pitch_mean,
                stats.pitch_low,
                stats.pitch_high,
                [start is not None for start in phrase_starts],
                phrase_starts,
                stats.silence,
            )
        )

    def _collect_boundaries(self) -> None:
        boundaries = self._segmenter.boundaries
        if len(boundaries) == self._boundaries_seen:
            return
        for b in boundaries[self._boundaries_seen :]:
            self._events.append(AutoEvent(b.t, self.player, b.code, b.detail))
        self._boundaries_seen = len(boundaries)

    def _check_tempo(self, g: float, bpm: float | None, confidence: float) -> None:
        s = self.settings
        if bpm is None or confidence < s.tempo_min_confidence:
            self._tempo_since = None
            return
        if self._tempo_ref is None:
            self._tempo_ref = bpm
            return
        change = bpm / self._tempo_ref - 1.0
        sign = (change > 0) - (change < 0)
        if abs(change) * 100.0 < s.tempo_change_pct:
            self._tempo_since = None
            return
        if self._tempo_since is None or sign != self._tempo_sign:
            self._tempo_since, self._tempo_sign = g, sign
        if g - self._tempo_since >= s.tempo_change_hold_s:
            word = "faster" if sign > 0 else "slower"
            detail = f"{word}: {self._tempo_ref:.0f} -> {bpm:.0f} bpm"
            self._events.append(AutoEvent(self._tempo_since, self.player, "tempo_change", detail))
            self._tempo_ref, self._tempo_since = bpm, None

    def _check_dynamics(self, g: float, index: int) -> None:
        s = self.settings.dynamics
        if self._dyn_ref is None:
            self._dyn_ref = index
            return
        if abs(index - self._dyn_ref) < s.change_bands:
            self._dyn_since = None
            return
        if self._dyn_since is None:
            self._dyn_since = g
        if g - self._dyn_since >= s.change_hold_s:
            detail = f"{MARKINGS[self._dyn_ref]} -> {MARKINGS[index]}"
            self._events.append(AutoEvent(self._dyn_since, self.player, "dynamics_change", detail))
            self._dyn_ref, self._dyn_since = index, None

    def _empty_snapshot(self) -> PlayerSnapshot:
        return PlayerSnapshot(
            0.0,
            self.player,
            None,
            0.0,
            None,
            None,
            "steady",
            0.0,
            None,
            None,
            None,
            False,
            None,
            0.0,
        )
