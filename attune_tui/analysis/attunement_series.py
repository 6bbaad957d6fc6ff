"""Per-window series kept by the tracker: vitality of each player, built from robust steps.

Vitality is loudness plus pace on one scale; leader detection and match-then-guide read its
changes. Everything is extended a batch of windows at a time, live (one) or offline (many).
"""

from __future__ import annotations

import math

import numpy as np

from attune_tui.analysis.attunement_onsets import FloatArray
from attune_tui.analysis.attunement_roles import vitality


class Series:
    """Amortised-growth float array: one value per judged window."""

    def __init__(self) -> None:
        self._a = np.zeros(256)
        self.n = 0

    def append(self, x: float) -> None:
        if self.n == len(self._a):
            self._a = np.resize(self._a, 2 * self.n)
        self._a[self.n] = x
        self.n += 1

    def extend(self, xs: FloatArray) -> None:
        need = self.n + len(xs)
        if need > len(self._a):
            self._a = np.resize(self._a, max(need, 2 * len(self._a)))
        self._a[self.n : need] = xs
        self.n = need

    @property
    def values(self) -> FloatArray:
        return self._a[: self.n]


def _finite(x: FloatArray) -> FloatArray:
    """NaN (nothing measured yet) as 0."""
    return np.where(np.isfinite(x), x, 0.0)


def _ffill(x: FloatArray) -> FloatArray:
    """Carry the last finite value forward over NaNs (leading NaNs stay NaN)."""
    idx = np.where(np.isfinite(x), np.arange(len(x)), 0)
    np.maximum.accumulate(idx, out=idx)
    return x[idx]


class Vitality:
    """One player's vitality per window, built from robust increments.

    Loudness holds through silences; the pace part takes each step's change of pulse folded
    to the nearest octave (a switch to off-beats is not a tempo change) and ignores implausible
    jumps (a mis-read pulse), so one bad estimate cannot shift everything after it.
    """

    MAX_LOUD_STEP = 30.0  # velocity units per step; more is a new phrase, not a change
    MAX_PACE_STEP = 0.2  # log2 units per step (~15 %); more is a mis-read pulse

    def __init__(self) -> None:
        self.series = Series()
        self.loud_series = Series()  # held loudness (NaN before the first note)
        self.pace_series = Series()  # accumulated pace changes, in vitality units
        self._loud = np.nan
        self._pace = np.nan
        self._level = 0.0
        self._pace_level = 0.0

    def extend(self, recent_velocity: FloatArray, period: FloatArray) -> None:
        """Add the next windows' loudness (last seconds) and pulse period (NaN: nothing)."""
        if len(period) == 1:  # live: one window a second, where numpy's overhead would dominate
            with np.errstate(divide="ignore", invalid="ignore"):
                log_period = float(np.log2(period)[0])
            self._extend_one(float(recent_velocity[0]), log_period)
            return
        loud = _ffill(np.concatenate(([self._loud], recent_velocity)))
        with np.errstate(divide="ignore", invalid="ignore"):
            pace = _ffill(np.concatenate(([self._pace], np.log2(period))))
        loud_step = _finite(np.diff(loud))
        loud_step = np.minimum(np.maximum(loud_step, -self.MAX_LOUD_STEP), self.MAX_LOUD_STEP)
        change = _finite(np.diff(pace))
        change -= np.round(change)
        change = np.where(np.abs(change) <= self.MAX_PACE_STEP, change, 0.0)
        pace_step = vitality(0.0, change)
        level = self._level + np.cumsum(loud_step + pace_step)
        pace_level = self._pace_level + np.cumsum(pace_step)
        self.series.extend(level)
        self.pace_series.extend(pace_level)
        self.loud_series.extend(_finite(loud[1:]))
        self._loud, self._pace = float(loud[-1]), float(pace[-1])
        self._level, self._pace_level = float(level[-1]), float(pace_level[-1])

    def _extend_one(self, recent_velocity: float, log_period: float) -> None:
        """`extend` for a single window, step for step the same arithmetic on floats."""
        loud = recent_velocity if math.isfinite(recent_velocity) else self._loud
        pace = log_period if math.isfinite(log_period) else self._pace
        loud_step = loud - self._loud
        loud_step = loud_step if math.isfinite(loud_step) else 0.0
        loud_step = min(max(loud_step, -self.MAX_LOUD_STEP), self.MAX_LOUD_STEP)
        change = pace - self._pace
        change = change if math.isfinite(change) else 0.0
        change -= round(change)
        change = change if abs(change) <= self.MAX_PACE_STEP else 0.0
        pace_step = float(vitality(0.0, change))
        self._level += loud_step + pace_step
        self._pace_level += pace_step
        self.series.append(self._level)
        self.pace_series.append(self._pace_level)
        self.loud_series.append(loud if math.isfinite(loud) else 0.0)
        self._loud, self._pace = loud, pace
