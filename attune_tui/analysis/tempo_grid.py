"""Settings of the tempo tracker and the fixed log-period grid derived from them.

Why apart from the tracker: the grid, its kernels and its index offsets are computed once per
settings object, so the tracker's work at each refresh is a few slices and sums over them.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
_FLOOR_S = 0.05  # shortest interval on the grid; shorter ones (trills, rolls) share its cell

# Weights of the metrical-level scorer, one per feature of `tempo_evidence.FEATURES`: a
# conditional logit (which candidate lies within 4 % of the annotated beat?) fitted on the
# tuning half of bench/tempo_asap together with generated steady pulses and the steady
# stretches of generated scenarios (seeds 100-103, not those the benchmark scores), all
# weighted alike. Weighting the generated material more trades ASAP accuracy for it.
_LEVEL_WEIGHTS = (
    2.711,
    1.322,
    0.761,
    2.397,
    1.089,
    -0.517,
    1.337,
    0.459,
    2.78,
    -5.024,
    -0.067,
    0.176,
)


class TempoSettings(BaseModel):
    """Tracker parameters.

    The level weights and filter constants were fitted on the tuning half of bench/tempo_asap
    (ASAP piano performances, pieces at even positions in sorted (composer, title) order) with
    generated material added so that steady playing keeps its beat; the held-out half was only
    used to report."""

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
    bin_width: float = Field(default=0.01, gt=0.0, le=0.05)
    """Width of one period bin in natural-log units (0.01 is 1 %)."""
    lag_sigma: float = Field(default=0.03, gt=0.0)
    """Smoothing of the interval histograms, in log units: tolerance to timing spread."""
    harmonic_weights: tuple[float, ...] = (1.0, 0.6, 0.4, 0.3)
    """Weight of the histogram at 1, 2, 3, ... times a period when scoring that period."""
    bass_pitch: int = Field(default=52, ge=0, le=127)
    """Notes at or below this MIDI pitch count as bass notes: they tend to fall on beats."""
    peaks: int = Field(default=4, ge=1)
    """Strongest periodicities whose metrical levels (x1/3 to x3) are candidates for the beat."""
    level_weights: tuple[float, ...] = _LEVEL_WEIGHTS
    """Weights of the candidate features (see `tempo_evidence.FEATURES`) in the level score."""
    likelihood_floor: float = Field(default=1e-3, gt=0.0)
    """Likelihood left to every tempo bin, so that no tempo becomes impossible."""
    drift_per_s: float = Field(default=0.04, gt=0.0)
    """Expected tempo drift between estimates one second apart, in log units (4 %)."""
    jump_per_s: float = Field(default=0.003, ge=0.0, le=1.0)
    """Probability per second of a jump to an unrelated tempo (a new section)."""
    confidence_band: float = Field(default=0.04, ge=0.0)
    """Posterior mass within this relative band of the estimate is the confidence."""


class TempoGrid:
    """Log-period cells shared by the histograms, the tempo bins and every kernel."""

    def __init__(self, s: TempoSettings) -> None:
        self.bin_width = bw = s.bin_width
        self.floor = _FLOOR_S
        self.n_hist = math.ceil(math.log(s.window_s / _FLOOR_S) / bw) + 1
        self.period: FloatArray = _FLOOR_S * np.exp(bw * np.arange(self.n_hist))
        self.first = max(0, round(math.log(60.0 / s.max_bpm / _FLOOR_S) / bw))
        last = min(self.n_hist - 1, round(math.log(60.0 / s.min_bpm / _FLOOR_S) / bw))
        self.n_tempo = max(1, last - self.first + 1)
        self.bpm: FloatArray = 60.0 / self.period[self.first : self.first + self.n_tempo]
        radius = max(1, math.ceil(3.0 * s.lag_sigma / bw))
        x = np.arange(-radius, radius + 1) * bw / s.lag_sigma
        self.smooth: FloatArray = np.exp(-0.5 * x**2)
        self.comb_shifts = [round(math.log(k) / bw) for k in range(1, len(s.harmonic_weights) + 1)]
        # Metrical levels as period offsets in cells: x1/3, x1/2, x1, x2, x3 of a period.
        self.level_shifts: IntArray = np.array(
            [round(math.log(m) / bw) for m in (1 / 3, 1 / 2, 1.0, 2.0, 3.0)], dtype=np.intp
        )
        self.half_shift = round(math.log(2.0) / bw)
        self.band = max(0, round(math.log1p(s.confidence_band) / bw))
        self._kernels: dict[float, FloatArray] = {}
        self._drift = s.drift_per_s / bw

    def drift_kernel(self, dt: float) -> FloatArray:
        """Spread of the tempo posterior over `dt` seconds of drift."""
        key = round(dt, 3)
        kernel = self._kernels.get(key)
        if kernel is None:
            sigma = max(self._drift * math.sqrt(max(key, 1e-3)), 1e-3)
            radius = min(max(1, math.ceil(4.0 * sigma)), max(1, (self.n_tempo - 1) // 2))
            x = np.arange(-radius, radius + 1, dtype=np.float64)
            kernel = np.exp(-0.5 * (x / sigma) ** 2)
            kernel /= kernel.sum()
            if len(self._kernels) < 16:
                self._kernels[key] = kernel
        return kernel
