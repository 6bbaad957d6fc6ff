"""What each window says about two players: timing, intensity, shape and turn-taking.

Each measure is a score in [0, 1] read from onsets alone, so it works on any instrument pair:
- timing: pulse periods within tolerance (1:1, 1:2 or 2:1) and phase locking, i.e. the partner's
  onsets keep a constant offset on a shared pulse (a follower's steady lag still counts);
- intensity: mean loudness and note density close;
- shape: the two energy contours (velocity summed per bin) correlate within a short lag;
- turns: each player plays alone for a good share of the window, handing over without long
  silences (call and response).

Windows are computed in batches with numpy: the live tracker asks for a batch of one, the
offline analysis for hundreds, through this same code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from attune_tui.analysis.attunement_onsets import FloatArray
from attune_tui.analysis.attunement_settings import AttunementSettings

IntArray = NDArray[np.int64]
LOCKED_RATIOS = np.log(np.array([0.5, 1.0, 2.0]))
_KERNEL = np.array([1.0, 2.0, 3.0, 2.0, 1.0]) / 9.0
DILATE_BINS = 2  # a player is "playing" within 2 bins of an onset: notes of a phrase connect


@dataclass(frozen=True, slots=True)
class PlayerFeatures:
    """Per-window features of one player (NaN where there was nothing to measure)."""

    count: IntArray
    mean_velocity: FloatArray
    recent_velocity: FloatArray  # over the last `recent_s` of the window: for change timing
    period: FloatArray  # pulse (tatum) period in seconds


@dataclass(frozen=True, slots=True)
class WindowBatch:
    """Measures of consecutive windows, one array entry per window."""

    starts: FloatArray
    ends: FloatArray
    client: PlayerFeatures
    therapist: PlayerFeatures
    timing: FloatArray
    intensity: FloatArray
    shape: FloatArray
    turns: FloatArray
    tempo_ratio: FloatArray
    plv: FloatArray
    asynchrony: FloatArray  # therapist minus client on the shared pulse (positive: later)
    pulse: FloatArray  # the shared pulse period the phases were taken on


@dataclass(frozen=True, slots=True)
class _Local:
    """One player's onsets around a batch, with each window's index range into them."""

    t: FloatArray
    v: FloatArray
    i0: IntArray
    i1: IntArray


def _clip01(x: FloatArray) -> FloatArray:
    return np.minimum(np.maximum(x, 0.0), 1.0)


class WindowMeter:
    """Computes window measures; holds the pulse candidates so each batch reuses them."""

    def __init__(self, settings: AttunementSettings, recent_s: float = 2.0) -> None:
        s = settings
        self.s = s
        self.recent_s = recent_s
        count = int(math.log(s.max_period_s / s.min_period_s) / math.log(1.03)) + 1
        self._periods = s.min_period_s * 1.03 ** np.arange(count)
        self._inv = 2.0 * np.pi / self._periods
        self._nbins = round(s.window_s / s.shape_bin_s)
        self._lags = round(s.shape_max_lag_s / s.shape_bin_s)

    def measure(
        self, ct: FloatArray, cv: FloatArray, tt: FloatArray, tv: FloatArray, ends: FloatArray
    ) -> WindowBatch:
        """Measure the windows ending at `ends` (ascending) from both players' sorted onsets."""
        s = self.s
        starts = np.maximum(ends - s.window_s, 0.0)
        c = self._local(ct, cv, starts, ends)
        t = self._local(tt, tv, starts, ends)
        fc, ft = self._features(c, ends), self._features(t, ends)
        active = (fc.count >= s.min_onsets) & (ft.count >= s.min_onsets)
        timing, ratio, plv, asyn, pulse = self._timing(
            c, t, fc.period, ft.period, starts, ends, active
        )
        intensity = self._intensity(fc, ft)
        shape, turns = self._contour_measures(c, t, ends)
        zero = np.zeros(len(ends))
        return WindowBatch(
            starts=starts,
            ends=ends,
            client=fc,
            therapist=ft,
            timing=np.where(active, timing, zero),
            intensity=np.where(active, intensity, zero),
            shape=np.where(active, shape, zero),
            turns=np.where(active, turns, zero),
            tempo_ratio=np.where(active, ratio, np.nan),
            plv=np.where(active, plv, np.nan),
            asynchrony=np.where(active, asyn, np.nan),
            pulse=np.where(active, pulse, np.nan),
        )

    # -- per player ------------------------------------------------------------------------

    @staticmethod
    def _local(t: FloatArray, v: FloatArray, starts: FloatArray, ends: FloatArray) -> _Local:
        lo, hi = np.searchsorted(t, (starts[0], ends[-1]))
        tl, vl = t[lo:hi], v[lo:hi]
        return _Local(tl, vl, np.searchsorted(tl, starts), np.searchsorted(tl, ends))

    def _features(self, p: _Local, ends: FloatArray) -> PlayerFeatures:
        n = p.i1 - p.i0
        cum = np.concatenate(([0.0], np.cumsum(p.v)))
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (cum[p.i1] - cum[p.i0]) / n
            ir = np.maximum(np.searchsorted(p.t, ends - self.recent_s), p.i0)
            recent = (cum[p.i1] - cum[ir]) / (p.i1 - ir)
        return PlayerFeatures(n, mean, recent, self._period(p, n))

    def _period(self, p: _Local, n: IntArray) -> FloatArray:
        """The pulse period that best explains each window's inter-onset intervals."""
        s = self.s
        ioi = np.diff(p.t)
        valid = (ioi >= 0.8 * s.min_period_s) & (ioi <= s.max_ioi_s)
        fit_rows = np.cos(np.multiply.outer(ioi, self._inv)) * valid[:, None]
        cum = np.vstack((np.zeros((1, len(self._inv))), np.cumsum(fit_rows, axis=0)))
        cnt = np.concatenate(([0], np.cumsum(valid)))
        # IOI row r ends at onset r + 1: a window's IOIs are rows i0 .. i1 - 2
        a = np.minimum(p.i0, len(cnt) - 1)
        b = np.maximum(p.i1 - 1, a)
        used = cnt[b] - cnt[a]
        fit = (cum[b] - cum[a]) / np.maximum(used, 1)[:, None]
        best = np.argmax(fit, axis=1)
        score = fit[np.arange(len(best)), best]
        ok = (n >= 3) & (used >= 2) & (score >= 0.3)
        return np.where(ok, self._periods[best], np.nan)

    # -- timing ----------------------------------------------------------------------------

    def _timing(
        self,
        c: _Local,
        t: _Local,
        pc: FloatArray,
        pt: FloatArray,
        starts: FloatArray,
        ends: FloatArray,
        active: NDArray[np.bool_],
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
        s = self.s
        have_c, have_t = np.isfinite(pc), np.isfinite(pt)
        both = have_c & have_t
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = pc / pt
            log_r = np.log(ratio)
            off = np.min(np.abs(log_r[:, None] - LOCKED_RATIOS[None, :]), axis=1)
            tempo = np.where(both, _clip01(2.0 - off / math.log1p(s.tempo_tolerance)), 0.0)
            tempo = np.where(have_c ^ have_t, 0.7, tempo)
            shared = np.where(np.abs(log_r) > 0.35, np.fmin(pc, pt), np.sqrt(pc * pt))
        shared = np.where(both, shared, np.where(have_c, pc, pt))
        usable = active & np.isfinite(shared)
        plv, lag = self._phase_locking(c, t, shared, starts, ends, usable)
        locked = _clip01((plv - s.plv_floor) / (s.plv_full - s.plv_floor))
        return np.where(usable, tempo * locked, 0.0), ratio, plv, -lag, shared

    def _phase_locking(
        self,
        c: _Local,
        t: _Local,
        period: FloatArray,
        starts: FloatArray,
        ends: FloatArray,
        usable: NDArray[np.bool_],
    ) -> tuple[FloatArray, FloatArray]:
        """Bias-corrected phase-locking value on the shared pulse, and the client's lag.

        Each onset is compared with the partner's nearest onset in the window, modulo the pulse:
        a steady offset locks as well as unison; unrelated tempi spread the phases.
        """
        k = len(ends)
        w1, d1 = _nearest_offsets(c, t, starts, ends)
        w2, d2 = _nearest_offsets(t, c, starts, ends)
        win = np.concatenate((w1, w2))
        d = np.concatenate((d1, -d2))
        safe = np.where(usable, period, 1.0)
        phase = 2.0 * np.pi * d / safe[win]
        n = np.bincount(win, minlength=k).astype(np.float64)
        cs = np.bincount(win, weights=np.cos(phase), minlength=k)
        sn = np.bincount(win, weights=np.sin(phase), minlength=k)
        with np.errstate(invalid="ignore", divide="ignore"):
            r2 = (cs * cs + sn * sn) / (n * n)
            plv = np.sqrt(np.maximum(0.0, (n * r2 - 1.0) / (n - 1.0)))
        plv = np.where(usable & (n > 1), plv, np.nan)
        lag = np.where(usable, np.arctan2(sn, cs) / (2.0 * np.pi) * safe, np.nan)
        return plv, lag

    # -- intensity -------------------------------------------------------------------------

    def _intensity(self, fc: PlayerFeatures, ft: PlayerFeatures) -> FloatArray:
        s = self.s
        dv = np.abs(fc.mean_velocity - ft.mean_velocity)
        loud = _clip01(1.0 - (dv - s.velocity_match) / (s.velocity_tolerance - s.velocity_match))
        with np.errstate(invalid="ignore", divide="ignore"):
            dd = np.abs(np.log2(fc.count / ft.count))
        span = s.density_tolerance_log2 - s.density_match_log2
        dense = _clip01(1.0 - (dd - s.density_match_log2) / span)
        score = 0.7 * loud + 0.3 * dense
        return np.where(np.isfinite(score), score, 0.0)

    # -- shape and turns -------------------------------------------------------------------

    def _bins(self, p: _Local, first: int, size: int, weights: bool) -> FloatArray:
        idx = np.floor(p.t / self.s.shape_bin_s).astype(np.int64) - first
        return np.bincount(idx, weights=p.v if weights else None, minlength=size)[:size].astype(
            np.float64
        )

    def _contour_measures(
        self, c: _Local, t: _Local, ends: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        s = self.s
        nb = self._nbins
        first_bin = np.round((ends - s.window_s) / s.shape_bin_s).astype(np.int64)
        base = int(first_bin[0])
        size = int(first_bin[-1]) - base + nb
        rows = (first_bin - base)[:, None] + np.arange(nb)[None, :]
        energy_c = self._bins(c, base, size, True)[rows]
        energy_t = self._bins(t, base, size, True)[rows]
        shape = self._shape(_smooth(energy_c), _smooth(energy_t))
        turns = self._turns(energy_c > 0, energy_t > 0)
        return shape, turns

    def _shape(self, a: FloatArray, b: FloatArray) -> FloatArray:
        s = self.s
        a = a - a.mean(axis=1, keepdims=True)
        b = b - b.mean(axis=1, keepdims=True)
        na, nb_ = (a * a).sum(axis=1), (b * b).sum(axis=1)
        n = a.shape[1]
        best = np.full(len(a), -1.0)
        for lag in range(-self._lags, self._lags + 1):
            if lag >= 0:
                val = (a[:, lag:] * b[:, : n - lag]).sum(axis=1)
            else:
                val = (a[:, : n + lag] * b[:, -lag:]).sum(axis=1)
            best = np.maximum(best, val)
        ok = (na > 1e-9) & (nb_ > 1e-9)
        corr = np.where(ok, best / np.sqrt(np.where(ok, na * nb_, 1.0)), 0.0)
        return _clip01((corr - s.shape_floor) / (s.shape_full - s.shape_floor))

    def _turns(self, on_c: NDArray[np.bool_], on_t: NDArray[np.bool_]) -> FloatArray:
        s = self.s
        act_c, act_t = _dilate(on_c), _dilate(on_t)
        active = act_c | act_t
        n_active = np.maximum(active.sum(axis=1), 1)
        solo_c = (act_c & ~act_t).sum(axis=1) / n_active
        solo_t = (act_t & ~act_c).sum(axis=1) / n_active
        together = (act_c & act_t).sum(axis=1) / n_active
        nb = active.shape[1]
        first = np.argmax(active, axis=1)
        last = nb - 1 - np.argmax(active[:, ::-1], axis=1)
        silent = (last - first + 1) - active.sum(axis=1)
        alone = _clip01((np.minimum(solo_c, solo_t) - 0.12) / 0.13)
        apart = _clip01((0.5 - together) / 0.3)
        handed = _clip01(1.0 - silent * s.shape_bin_s / s.turn_max_gap_s)
        return alone * apart * handed


def _smooth(x: FloatArray) -> FloatArray:
    """Convolve each row with the kernel, zeros beyond the window's edges."""
    n = x.shape[1]
    half = len(_KERNEL) // 2
    pad = np.zeros((x.shape[0], n + 2 * half))
    pad[:, half : half + n] = x
    out: FloatArray = _KERNEL[0] * pad[:, :n]
    for j in range(1, len(_KERNEL)):
        out += _KERNEL[j] * pad[:, j : j + n]
    return out


def _dilate(x: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Widen each row's True runs by DILATE_BINS on both sides."""
    n = x.shape[1]
    pad = np.zeros((x.shape[0], n + 2 * DILATE_BINS), dtype=np.bool_)
    pad[:, DILATE_BINS : DILATE_BINS + n] = x
    out = pad[:, :n].copy()
    for j in range(1, 2 * DILATE_BINS + 1):
        out |= pad[:, j : j + n]
    return out


def _nearest_offsets(
    a: _Local, b: _Local, starts: FloatArray, ends: FloatArray
) -> tuple[IntArray, FloatArray]:
    """For every (window, onset of a) pair: the offset to b's nearest onset in that window."""
    n = a.i1 - a.i0
    total = int(n.sum())
    if total == 0 or len(b.t) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    win = np.repeat(np.arange(len(n)), n)
    idx = np.arange(total) - np.repeat(np.cumsum(n) - n - a.i0, n)
    at = a.t[idx]
    r = np.searchsorted(b.t, at, side="right")
    left_t = b.t[np.maximum(r - 1, 0)]
    right_t = b.t[np.minimum(r, len(b.t) - 1)]
    left_ok = (r > 0) & (left_t >= starts[win])
    right_ok = (r < len(b.t)) & (right_t < ends[win])
    dl, dr = at - left_t, right_t - at
    use_left = left_ok & (~right_ok | (dl <= dr))
    ok = left_ok | right_ok
    return win[ok], np.where(use_left, dl, -dr)[ok]
