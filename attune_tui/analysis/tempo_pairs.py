"""Onset-pair histograms of the tempo window, kept up to date as onsets arrive and leave.

Why incremental: rebuilding the histograms from every pair of the window at each refresh costs
work quadratic in the window; adding the pairs of each arriving onset and removing those of
each leaving one costs work linear in it. The sums stay exact: onset weights are integer
velocity sums, so their products are integers that add and cancel without rounding, and the
histograms are always those a rebuild from the window would give.
"""

from __future__ import annotations

import bisect

import numpy as np

from attune_tui.analysis.tempo_grid import FloatArray, TempoGrid


class PairHistograms:
    """Raw histograms over log-period cells of the pairs and consecutive intervals in a window.

    Rows of `hist`: pair weight (product of the two onsets' weights), pair count, bass pair
    weight. Only cells that can reach a smoothed value read by the evidence are kept: column
    `front + c - low` holds cell `c`, and the last column collects what nothing reads.
    `flat` is `hist` row after row, then `2 radius` zeros, so one strided view smooths all rows.
    `ioi` counts consecutive intervals at `c + radius`, with `radius` empty cells either side;
    it is the head of `aux`, whose `tail` further values belong to the reader, so that one
    gather fetches both.
    """

    def __init__(self, grid: TempoGrid, tail: int = 0) -> None:
        g = grid
        self.radius = r = (len(g.smooth) - 1) // 2
        self.start = max(g.first - 1, 0)  # first cell whose smoothed value is read
        low = max(self.start - r, 0)  # first cell that can reach it
        front = r - (self.start - low)
        self.width = g.n_hist - self.start
        self.cols = cols = front + (g.n_hist - low) + r + 1
        # An interval falls in cell c when edges[c] < interval <= edges[c + 1]; searching the
        # edges gives c + 1, 0 for intervals <= 0 and n_hist + 1 beyond the grid.
        upper = g.floor * np.exp(g.bin_width * (np.arange(g.n_hist) + 0.5))
        self._edges: FloatArray = np.concatenate(([0.0], upper))
        self._edge_list: list[float] = self._edges.tolist()
        to_col = np.full(g.n_hist + 2, cols - 1, dtype=np.intp)
        to_col[low + 1 : g.n_hist + 1] = np.arange(front, front + g.n_hist - low)
        self._to_col = to_col
        self._to_ioi = [g.n_hist + 2 * r, *range(r, g.n_hist + r), g.n_hist + 2 * r]
        self.flat: FloatArray = np.zeros(3 * cols + 2 * r)
        self.hist: FloatArray = self.flat[: 3 * cols].reshape(3, cols)
        self.aux: FloatArray = np.zeros(g.n_hist + 2 * r + 1 + tail)
        self.ioi: FloatArray = self.aux[: g.n_hist + 2 * r + 1]

    def update(
        self,
        onsets: tuple[list[float], list[float], list[float]],
        columns: FloatArray,
        span: tuple[int, int, int, int],
        with_bass: bool,
    ) -> None:
        """Move the window from onsets [head, end) to [new_head, new_end).

        `onsets` are the lists of times, weights and bass weights; `columns` holds the same
        three as rows of an array. Arriving onsets pair with every earlier one from `head`
        on, leaving onsets with every later one up to `new_end`: the pairs of an onset that
        both arrives and leaves cancel.
        """
        times, weights, bass = onsets
        head, new_head, end, new_end = span
        gone = new_head - head
        lag = np.subtract.outer(times[head:new_head] + times[end:new_end], columns[0, head:new_end])
        if gone:
            lag[:gone] *= -1.0
        cols = self._to_col.take(np.searchsorted(self._edges, lag)).ravel()
        signed = [-w for w in weights[head:new_head]] + weights[end:new_end]
        pair_w = np.multiply.outer(signed, columns[1, head:new_end]).ravel()
        n = self.cols
        self.hist[0] += np.bincount(cols, pair_w, n)
        self.hist[1] += np.bincount(cols, np.sign(pair_w), n)
        if with_bass:
            signed = [-b for b in bass[head:new_head]] + bass[end:new_end]
            bass_w = np.multiply.outer(signed, columns[2, head:new_end]).ravel()
            self.hist[2] += np.bincount(cols, bass_w, n)
        # Consecutive intervals: an arriving onset and its predecessor, a leaving onset and
        # its successor (onsets before `head` or from `new_end` on are not in the window).
        edges, to_ioi, ioi = self._edge_list, self._to_ioi, self.ioi
        for i in range(max(end, head + 1), new_end):
            ioi[to_ioi[bisect.bisect_left(edges, times[i] - times[i - 1])]] += 1.0
        for i in range(head, min(new_head, new_end - 1)):
            ioi[to_ioi[bisect.bisect_left(edges, times[i + 1] - times[i])]] -= 1.0

    def clear(self) -> None:
        """Forget every pair: the window is empty."""
        self.flat.fill(0.0)
        self.ioi.fill(0.0)
