"""Settings of the tempo tracker and the fixed log-period grid derived from them.

Why apart from the tracker: the grid, its kernels and its index offsets are computed once per
settings object, so the tracker's work at each refresh is a few slices and sums over them.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from attune_tui.analysis.settings import TempoSettings

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
_FLOOR_S = 0.05  # shortest interval on the grid; shorter ones (trills, rolls) share its cell


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
