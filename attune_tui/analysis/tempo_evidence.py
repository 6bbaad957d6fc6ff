"""Periodicity evidence of a window of onsets, as candidate beats with features to score them.

Why two steps: the strongest periodicity of played music is often not its beat but a
subdivision or a bar. The evidence (an onset-pair histogram, smoothed and summed over period
multiples) finds the strongest period families; the beat is then an explicit choice among
each family's metrical levels (x1/3 to x3), made by a small scorer over these features.
"""

from __future__ import annotations

import math

import numpy as np

from attune_tui.analysis.tempo_grid import FloatArray, IntArray, TempoGrid, TempoSettings

FEATURES = (
    "comb",  # harmonic sum of the weighted pair histogram, relative to its maximum
    "pairs",  # the weighted pair histogram itself at the period, relative
    "bass",  # harmonic sum over bass-note pairs, relative: bass notes fall on beats
    "plain",  # harmonic sum over unweighted pairs, relative
    "rate",  # log2 of the tempo over the beat that the onset rate predicts
    "rate_sq",
    "tempo",  # log2 of the tempo over 100 BPM
    "tempo_sq",
    "ioi",  # share of consecutive intervals near the period: one note per beat
    "ioi_half",  # share near half the period: two notes per beat
    "log_comb",
    "log_bass",
)
# The beat that the onset rate predicts on notated music: log2(beats/s) = a + b log2(onsets/s).
_RATE_A, _RATE_B = -1.02, 0.545
_EPS = 1e-9


class Evidence:
    """Turns the onsets of one window into candidate tempo bins and their features."""

    def __init__(self, settings: TempoSettings) -> None:
        self._s = settings
        self.grid = g = TempoGrid(settings)
        self._pad = g.n_hist + max(g.comb_shifts) + 1
        self._harmonics = list(zip(g.comb_shifts, settings.harmonic_weights, strict=True))
        self._log2_bpm_100 = np.log2(g.bpm / 100.0)

    def candidates(
        self, times: FloatArray, weights: FloatArray, bass: FloatArray
    ) -> tuple[IntArray, FloatArray]:
        """Tempo bins of the candidate beats (indices into `grid.bpm`) and their features.

        `times` are merged onsets in order, `weights` their strength, `bass` the strength of
        their bass notes.
        """
        g = self.grid
        lags = np.subtract.outer(times, times).ravel()
        cells = g.cells(lags)
        cells[lags <= 0.0] = g.n_hist
        n = g.n_hist + 1
        pairs = self._smooth(_hist(cells, np.outer(weights, weights).ravel(), n))
        plain = self._smooth(_hist(cells, None, n))
        iois = self._smooth(_hist(g.cells(np.diff(times)), None, n))
        comb = self._comb(pairs)
        bins = self._peak_levels(comb)
        if len(bins) == 0:
            return bins, np.zeros((0, len(FEATURES)))
        cells_c = bins + g.first
        rel_comb = _relative(comb, cells_c, g)
        rel_bass = np.zeros(len(bins))
        if bass.any():
            rel_bass = _relative(
                self._comb(self._smooth(_hist(cells, np.outer(bass, bass).ravel(), n))),
                cells_c,
                g,
            )
        span = float(times[-1] - times[0])
        rate = len(times) / max(span, _EPS)
        predicted = _RATE_A + _RATE_B * math.log2(rate) + math.log2(60.0 / 100.0)
        tempo = self._log2_bpm_100[bins]
        ratio = tempo - predicted
        total = max(float(iois.sum()), _EPS)
        half = np.maximum(cells_c - g.half_shift, 0)
        features = np.stack(
            [
                rel_comb,
                _relative(pairs, cells_c, g),
                rel_bass,
                _relative(self._comb(plain), cells_c, g),
                ratio,
                ratio * ratio,
                tempo,
                tempo * tempo,
                iois[cells_c] / total,
                iois[half] / total,
                np.log(rel_comb + 1e-3),
                np.log(rel_bass + 1e-3),
            ],
            axis=1,
        )
        return bins, features

    def _smooth(self, hist: FloatArray) -> FloatArray:
        out: FloatArray = np.convolve(hist[: self.grid.n_hist], self.grid.smooth, mode="same")
        return out

    def _comb(self, hist: FloatArray) -> FloatArray:
        """Each period supported by its multiples; multiples beyond the grid count as empty."""
        padded = np.zeros(self._pad)
        padded[: len(hist)] = hist
        n = len(hist)
        out = np.zeros(n)
        for shift, weight in self._harmonics:
            out += weight * padded[shift : shift + n]
        return out

    def _peak_levels(self, comb: FloatArray) -> IntArray:
        """Metrical levels of the strongest local maxima, as tempo bins inside the range."""
        g = self.grid
        lo, hi = g.first, g.first + g.n_tempo
        ext = np.concatenate(([-np.inf], comb, [-np.inf]))
        inner, left, right = ext[lo + 1 : hi + 1], ext[lo:hi], ext[lo + 2 : hi + 2]
        is_peak = (inner > left) & (inner >= right) & (inner > 0.0)
        found = np.flatnonzero(is_peak)
        if len(found) > self._s.peaks:
            found = found[np.argsort(-inner[found], kind="stable")[: self._s.peaks]]
        levels = np.add.outer(found, g.level_shifts).ravel()
        out: IntArray = levels[(levels >= 0) & (levels < g.n_tempo)]
        return out


def _hist(cells: IntArray, weights: FloatArray | None, n: int) -> FloatArray:
    out: FloatArray = np.bincount(cells, weights, n).astype(np.float64, copy=False)
    return out


def _relative(values: FloatArray, cells: IntArray, g: TempoGrid) -> FloatArray:
    top = float(values[g.first : g.first + g.n_tempo].max())
    out: FloatArray = values[cells] / top if top > 0.0 else np.zeros(len(cells))
    return out
