"""Periodicity evidence of a window of onsets, as scored candidate beats.

Why two steps: the strongest periodicity of played music is often not its beat but a
subdivision or a bar. The evidence (an onset-pair histogram, smoothed and summed over period
multiples) finds the strongest period families; the beat is then an explicit choice among
each family's metrical levels (x1/3 to x3), made by a small linear scorer over `FEATURES`.
The histograms are kept up to date by `tempo_pairs`; here they are only read, over the cells
that the tempo range and the candidates need, and each feature is folded into its weight so
that a refresh is a few array operations.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

from attune_tui.analysis.settings import TempoSettings
from attune_tui.analysis.tempo_grid import FloatArray, IntArray, TempoGrid
from attune_tui.analysis.tempo_pairs import PairHistograms

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
_LOG_FLOOR = 1e-3


class Evidence:
    """Turns the pair histograms of one window into candidate tempo bins and their scores."""

    def __init__(self, settings: TempoSettings) -> None:
        if len(settings.level_weights) != len(FEATURES):
            raise ValueError(
                f"level_weights has {len(settings.level_weights)} values; "
                f"it needs one per feature: {', '.join(FEATURES)}"
            )
        self._s = settings
        self.grid = g = TempoGrid(settings)
        self.pairs = PairHistograms(g, tail=2 * g.n_tempo)
        w = dict(zip(FEATURES, settings.level_weights, strict=True))
        self._init_comb(w)
        self._init_aux(w)

    def _init_comb(self, w: dict[str, float]) -> None:
        """Smoothing, harmonic sums and the weights of the features read from them."""
        g, p = self.grid, self.pairs
        stop = min(g.first + g.n_tempo + 1, g.n_hist)
        self._i0 = g.first - p.start  # comb column of the first tempo bin
        self._levels: list[int] = g.level_shifts.tolist()
        # Neighbours of every tempo bin lie inside the comb unless the range meets the grid.
        self._inside = self._i0 == 1 and stop == g.first + g.n_tempo + 1
        # Smoothing is a dot product of the kernel with a fixed strided view of the rows: cell
        # `start + x` of row j lands at `j * cols + x`; the slot after the rows stays 0.
        taps, cols, step = len(g.smooth), p.cols, p.flat.itemsize
        self._rows_view = {
            rows: as_strided(p.flat, (taps, rows * cols), (step, step), writeable=False)
            for rows in (2, 3)
        }
        self._smoothed: FloatArray = np.zeros(3 * cols + 1)
        x = np.add.outer(g.comb_shifts, np.arange(stop - p.start, dtype=np.intp))
        row_at = np.arange(3, dtype=np.intp)[:, None, None] * cols
        self._comb_at: IntArray = np.where(x < p.width, x + row_at, 3 * cols)
        # Per row: its comb (harmonic weights) and its smoothed histogram (shift 0 alone).
        harmonics = np.asarray(self._s.harmonic_weights, dtype=np.float64)
        self._sum: FloatArray = np.stack([harmonics, np.eye(len(harmonics))[0]])
        # Weights of (row, comb or smoothed) for rows pairs, plain, bass.
        linear = np.array([[w["comb"], w["pairs"]], [w["plain"], 0.0], [w["bass"], 0.0]])
        logs = np.array([[w["log_comb"], 0.0], [0.0, 0.0], [w["log_bass"], 0.0]])
        self._linear = {rows: linear[:rows].ravel() for rows in (2, 3)}
        self._logs = {rows: logs[:rows].ravel() for rows in (2, 3)}

    def _init_aux(self, w: dict[str, float]) -> None:
        """Per candidate, one gather from `pairs.aux` fetches the consecutive intervals around
        its period and half its period, and two tempo terms: the rate and tempo features
        expanded in u = log2(bpm / 100), constants dropped (scores compete within a refresh).
        """
        g, p = self.grid, self.pairs
        r, n, size = p.radius, g.n_tempo, len(p.ioi)
        u = np.log2(g.bpm / 100.0)
        p.aux[size : size + n] = (w["rate_sq"] + w["tempo_sq"]) * u * u
        p.aux[size : size + n] += (w["rate"] + w["tempo"]) * u
        p.aux[size + n :] = u
        around = np.arange(2 * r + 1, dtype=np.intp)
        cells = np.arange(n, dtype=np.intp) + g.first
        half = np.maximum(cells - g.half_shift, 0)
        tempo = np.arange(n, dtype=np.intp)[:, None] + np.array([size, size + n], dtype=np.intp)
        self._aux_at: IntArray = np.concatenate(
            [np.add.outer(cells, around), np.add.outer(half, around), tempo], axis=1
        )
        smooth = g.smooth
        self._ioi_weights: FloatArray = np.concatenate([w["ioi"] * smooth, w["ioi_half"] * smooth])
        self._aux_weights: FloatArray = np.zeros(len(self._ioi_weights) + 2)
        self._aux_weights[-2] = 1.0
        self._rate_sq = w["rate_sq"]
        mass = np.zeros(size)
        mass[r : r + g.n_hist] = np.convolve(np.ones(g.n_hist), smooth, mode="same")
        self._ioi_mass: FloatArray = mass

    def scores(self, count: int, span: float, with_bass: bool) -> tuple[IntArray, FloatArray]:
        """Tempo bins of the candidate beats (indices into `grid.bpm`) and their scores.

        `count` onsets over `span` seconds are in the window; `with_bass` says whether two of
        them hold bass notes.
        """
        g, p = self.grid, self.pairs
        rows = 3 if with_bass else 2
        sm = self._smoothed
        np.dot(g.smooth, self._rows_view[rows], out=sm[: rows * p.cols])
        both = np.matmul(self._sum, sm.take(self._comb_at[:rows]))  # (row, comb/smoothed, cell)
        bins = self._peak_levels(both[0, 0])
        if len(bins) == 0:
            return bins, np.zeros(0)
        i0, n = self._i0, g.n_tempo
        tops = both[:, :, i0 : i0 + n].max(axis=2)
        if with_bass:
            np.maximum(tops, 1e-300, out=tops)  # no bass pairs: every value is 0
        rel = (both.take(bins + i0, axis=2) / tops[:, :, None]).reshape(2 * rows, len(bins))
        score = self._linear[rows] @ rel + self._logs[rows] @ np.log(rel + _LOG_FLOOR)
        rate = count / max(span, _EPS)
        predicted = _RATE_A + _RATE_B * math.log2(rate) + math.log2(60.0 / 100.0)
        total = max(float(p.ioi @ self._ioi_mass), _EPS)
        aux_w = self._aux_weights
        np.multiply(self._ioi_weights, 1.0 / total, out=aux_w[:-2])
        aux_w[-1] = -2.0 * self._rate_sq * predicted
        score += p.aux.take(self._aux_at.take(bins, axis=0)) @ aux_w
        return bins, score

    def _peak_levels(self, comb: FloatArray) -> IntArray:
        """Metrical levels of the strongest local maxima, as tempo bins inside the range."""
        i0, n = self._i0, self.grid.n_tempo
        inner = comb[i0 : i0 + n]
        if self._inside:  # comb >= 0, so a bin above its left neighbour is above 0
            found = ((inner > comb[:n]) & (inner >= comb[2 : n + 2])).nonzero()[0]
        else:
            pad = ([-np.inf] * (1 - i0), comb, [-np.inf] * (n + 1 + i0 - len(comb)))
            ext = np.concatenate(pad)
            found = ((inner > ext[:n]) & (inner >= ext[2 : n + 2]) & (inner > 0.0)).nonzero()[0]
        if len(found) > self._s.peaks:
            found = found.take(np.argsort(-inner.take(found), kind="stable")[: self._s.peaks])
        levels = [f + s for f in found.tolist() for s in self._levels if 0 <= f + s < n]
        return np.array(levels, dtype=np.intp)
