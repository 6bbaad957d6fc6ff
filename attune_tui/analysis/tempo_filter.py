"""Forward filter over the tempo bins: keeps successive estimates continuous.

Why: one ambiguous window must not switch the metrical level. Between refreshes the belief
drifts a little (a Gaussian in log tempo, wider for longer gaps) and may jump anywhere with a
small probability; each refresh's likelihood then sharpens it. The drift is a dot product of
the kernel with a fixed strided view of the padded belief, so a refresh allocates little.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from attune_tui.analysis.settings import TempoSettings
from attune_tui.analysis.tempo_grid import FloatArray, TempoGrid


class TempoFilter:
    """Posterior over `grid.bpm`, updated with one likelihood per refresh."""

    def __init__(self, settings: TempoSettings, grid: TempoGrid) -> None:
        self._s = settings
        self._g = grid
        n = grid.n_tempo
        self._pad = pad = max(1, (n - 1) // 2)  # widest drift kernel's radius
        self._padded: FloatArray = np.zeros(n + 2 * pad)
        self.post: FloatArray = self._padded[pad : pad + n]
        self._spread: FloatArray = np.zeros(n)
        self._views: dict[int, FloatArray] = {}
        self.empty = True

    def reset(self) -> None:
        """Forget the belief: the next likelihood starts afresh."""
        self.empty = True

    def update(self, like: FloatArray, dt: float) -> tuple[float, float]:
        """Fold in one likelihood `dt` seconds after the last; the best tempo and its mass."""
        g, post = self._g, self.post
        jump = 1.0 - (1.0 - self._s.jump_per_s) ** dt
        if self.empty or jump >= 1.0:
            spread = like
        else:
            kernel = g.drift_kernel(dt)
            spread = self._spread
            np.dot(kernel, self._view(len(kernel) // 2), out=spread)
            # (spread (1 - jump) + jump / n) like, up to a factor the normalising removes.
            spread += jump / (g.n_tempo * (1.0 - jump))
            spread *= like
        np.multiply(spread, 1.0 / float(spread.sum()), out=post)
        self.empty = False
        best = int(post.argmax())
        confidence = float(post[max(0, best - g.band) : best + g.band + 1].sum())
        return float(g.bpm[best]), min(1.0, confidence)

    def _view(self, radius: int) -> FloatArray:
        """Rows k: the belief shifted by k - radius bins, zero beyond the range."""
        view = self._views.get(radius)
        if view is None:
            p = self._padded
            start = p[self._pad - radius :]
            shape = (2 * radius + 1, self._g.n_tempo)
            view = as_strided(start, shape, (p.itemsize, p.itemsize), writeable=False)
            self._views[radius] = view
        return view
