"""Settings of the tempo tracker and the fixed grid, tables and kernels derived from them.

Why apart from the tracker: everything here is computed once per settings object, so the
tracker's per-estimate work is a few slices and sums over these precomputed arrays.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
_FLOOR_S = 0.04  # shortest interval on the grid; shorter ones (trills, rolls) share its cell
_CELLS_PER_S = 2000  # resolution of the interval-to-cell lookup table (0.5 ms)


class TempoSettings(BaseModel):
    """Tracker parameters.

    The weighting, prior, filter and comb defaults were fitted by a random local search on the
    tuning half of bench/tempo_asap (ASAP piano performances, pieces at even positions in
    sorted (composer, title) order), maximising Acc1 + Acc2 there subject to recovering
    generated steady pulses (72-150 BPM) in at least 97 % of estimates; the held-out half was
    only used to report. Under that constraint the fit turned the onset-rate term of the prior
    off (`prior_rate_weight` 0)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    window_s: float = Field(default=8.0, gt=0.0)
    """Onsets older than this (seconds before the estimate time) are forgotten."""
    chord_merge_s: float = Field(default=0.05, ge=0.0)
    """Onsets closer than this to the first note of a chord count as one onset."""
    min_bpm: float = Field(default=20.0, gt=0.0)
    """Slowest tempo reported."""
    max_bpm: float = Field(default=260.0, gt=0.0)
    """Fastest tempo reported."""
    min_onsets: int = Field(default=4, ge=2)
    """Fewer merged onsets than this in the window and the tempo is unknown."""
    refresh_s: float = Field(default=1.0, ge=0.0)
    """The evidence is recomputed at most this often; between, the last estimate stands."""
    decay_s: float = Field(default=3.7, gt=0.0)
    """Time constant with which old onset pairs fade from the interval histogram."""
    bin_width: float = Field(default=0.01, gt=0.0, le=0.05)
    """Width of one period bin in natural-log units (0.01 is 1 %)."""
    max_lag_s: float = Field(default=3.2, gt=0.0)
    """Longest onset-pair interval counted."""
    lag_sigma: float = Field(default=0.042, gt=0.0)
    """Smoothing of the interval histogram, in log units: tolerance to timing spread."""
    harmonic_weights: tuple[float, ...] = (1.0, 0.82, 0.25, 0.48)
    """Weight of the histogram at 1, 2, 3, ... times a period when scoring that period."""
    velocity_exponent: float = Field(default=1.11, ge=0.0)
    """A note weighs (velocity / 64) to this power: accents mark the beat."""
    bass_pitch: int = Field(default=52, ge=0, le=127)
    """Notes at or below this MIDI pitch count as bass notes."""
    bass_weight: float = Field(default=1.97, ge=0.0)
    """Extra weight of a bass note (1.0 doubles it): bass notes tend to fall on beats."""
    prior_bpm: float = Field(default=142.0, gt=0.0)
    """Tempo preferred when onsets come every `prior_ioi_s`: the centre of the tempo prior."""
    prior_ioi_s: float = Field(default=0.15, gt=0.0)
    """Reference median interval between merged onsets for `prior_bpm`."""
    prior_rate_weight: float = Field(default=0.0)
    """How far the prior's centre follows the onset rate (log-log slope): the notated beat of
    busy music is faster, yet holds more onsets."""
    prior_octaves: float = Field(default=1.29, gt=0.0)
    """Standard deviation of the tempo prior in octaves (doublings of tempo)."""
    salience_exponent: float = Field(default=2.4, gt=0.0)
    """Sharpens the normalised periodicity before it enters the filter."""
    salience_floor: float = Field(default=0.018, ge=0.0)
    """Added to the normalised periodicity so that no tempo becomes impossible."""
    drift_per_s: float = Field(default=0.07, gt=0.0)
    """Expected tempo drift between estimates one second apart, in log units (4 %)."""
    jump_per_s: float = Field(default=0.008, ge=0.0, le=1.0)
    """Probability per second of a jump to an unrelated tempo (a new section)."""
    refine_tolerance: float = Field(default=0.1, ge=0.0, lt=0.5)
    """Relative band around the chosen period whose pair intervals refine it (0 disables)."""
    confidence_band: float = Field(default=0.04, ge=0.0)
    """Posterior mass within this relative band of the estimate is the confidence."""


class TempoGrid:
    """Log-period cells shared by the histograms, the tempo bins and every kernel."""

    def __init__(self, s: TempoSettings) -> None:
        self._s = s
        bw = s.bin_width
        top = len(s.harmonic_weights)
        self.n_hist = math.ceil(math.log(top * s.max_lag_s / _FLOOR_S) / bw) + 2
        self.period: FloatArray = _FLOOR_S * np.exp(bw * np.arange(self.n_hist))
        # Interval (in table steps) to cell; a zero, negative or too long interval goes to the
        # extra cell `n_hist`, whose content is never read.
        lag_s = np.arange(int(s.max_lag_s * _CELLS_PER_S) + 1) / _CELLS_PER_S
        table = np.rint(np.log(np.maximum(lag_s, _FLOOR_S) / _FLOOR_S) / bw).astype(np.intp)
        table[0] = table[-1] = self.n_hist
        self._table: IntArray = table
        self.first = round(math.log(60.0 / s.max_bpm / _FLOOR_S) / bw)
        self.n_tempo = round(math.log(s.max_bpm / s.min_bpm) / bw) + 1
        tempo_period = self.period[self.first : self.first + self.n_tempo]
        self.bpm: FloatArray = 60.0 / tempo_period
        radius = math.ceil(3.0 * s.lag_sigma / bw)
        x = np.arange(-radius, radius + 1) * bw / s.lag_sigma
        self.smooth: FloatArray = np.exp(-0.5 * x**2)
        # Comb over period multiples: rows are multiples, columns tempo bins; each column is
        # normalised by the weight of the multiples that fit within `max_lag_s`.
        shifts = [round(math.log(k) / bw) for k in range(1, top + 1)]
        self._comb_cells: IntArray = self.first + np.add.outer(shifts, np.arange(self.n_tempo))
        fits = np.outer(range(1, top + 1), tempo_period) <= s.max_lag_s
        weights = np.asarray(s.harmonic_weights)[:, None] * fits
        weights /= np.maximum(weights.sum(axis=0), s.harmonic_weights[0])
        self._comb_weights: FloatArray = weights
        self._double = shifts[1] if top > 1 else round(math.log(2.0) / bw)
        # Log-normal tempo prior whose centre moves with the median onset interval.
        self._log2_bpm: FloatArray = np.log2(self.bpm) / s.prior_octaves
        self._centre_const = (
            math.log2(s.prior_bpm) + s.prior_rate_weight * math.log2(s.prior_ioi_s)
        ) / s.prior_octaves
        self._centre_slope = -s.prior_rate_weight / s.prior_octaves
        self.band = max(0, round(math.log1p(s.confidence_band) / bw))
        self._kernels: dict[float, FloatArray] = {}

    def cell(self, interval: float) -> int:
        """Histogram cell of one interval (the discard cell when out of range)."""
        if not 0.0 < interval < self._s.max_lag_s:
            return self.n_hist
        return int(self._table[int(interval * _CELLS_PER_S)])

    def lag_cells(self, lags: FloatArray) -> IntArray:
        """Histogram cells of many intervals (the discard cell when out of range)."""
        steps = (lags * _CELLS_PER_S).astype(np.intp)
        np.minimum(steps, len(self._table) - 1, out=steps)
        np.maximum(steps, 0, out=steps)
        cells: IntArray = self._table[steps]
        return cells

    def median_period(self, iois: FloatArray) -> float:
        """Weighted median interval between consecutive onsets, in seconds."""
        cum = np.cumsum(iois[: self.n_hist])
        if cum[-1] <= 0.0:
            return float(self.period[self.first])
        return float(self.period[int(np.searchsorted(cum, 0.5 * cum[-1]))])

    def likelihood(self, pairs: FloatArray, ioi_s: float) -> FloatArray:
        """How well each tempo bin explains the window, times the tempo prior."""
        s = self._s
        smooth = np.convolve(pairs[: self.n_hist], self.smooth, mode="same")
        comb: FloatArray = (self._comb_weights * smooth[self._comb_cells]).sum(axis=0)
        top = float(comb.max())
        prior = self._log2_bpm - (self._centre_const + self._centre_slope * math.log2(ioi_s))
        prior *= prior
        prior *= -0.5
        np.exp(prior, out=prior)
        if top <= 0.0:
            return prior
        comb *= 1.0 / top
        np.power(comb, s.salience_exponent, out=comb)
        comb += s.salience_floor
        comb *= prior
        return comb

    def drift_kernel(self, dt: float) -> FloatArray:
        """Spread of the tempo posterior over `dt` seconds of drift."""
        key = round(dt, 3)
        kernel = self._kernels.get(key)
        if kernel is None:
            sigma = self._s.drift_per_s * math.sqrt(max(key, 1e-3)) / self._s.bin_width
            radius = min(max(1, math.ceil(4.0 * sigma)), (self.n_tempo - 1) // 2)
            x = np.arange(-radius, radius + 1, dtype=np.float64)
            kernel = np.exp(-0.5 * (x / max(sigma, 1e-9)) ** 2)
            kernel /= kernel.sum()
            if len(self._kernels) < 16:
                self._kernels[key] = kernel
        return kernel

    def refine(self, pairs: FloatArray, best: int) -> float:
        """Sharpen a tempo bin to the weighted median of pair intervals near 1 and 2 periods."""
        s = self._s
        bpm = float(self.bpm[best])
        if s.refine_tolerance <= 0.0:
            return bpm
        half = max(1, round(math.log1p(s.refine_tolerance) / s.bin_width))
        lo, hi = self.first + best - half, self.first + best + half + 1
        double = self._double
        cum = np.cumsum(pairs[lo:hi] + pairs[lo + double : hi + double])
        if cum[-1] <= 0.0:
            return bpm
        median = float(self.period[lo + int(np.searchsorted(cum, 0.5 * cum[-1]))])
        return min(max(60.0 / median, s.min_bpm), s.max_bpm)
