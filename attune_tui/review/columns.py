"""Time data folded into screen columns: per-column means, covering spans, marks.

Every function takes the column boundaries (`Viewport.edges()`) and works with numpy over the
columns, not over the data, so a redraw costs the same for a two-minute session and for a
two-hour one: about width searches in sorted arrays.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def series_columns(t: FloatArray, values: FloatArray, edges: FloatArray) -> FloatArray:
    """Mean of the finite values sampled in each column; a column narrower than the sampling
    step takes the next sample, so a zoomed-in curve is a step line, not a dotted one."""
    finite = np.isfinite(values)
    sums = np.concatenate(([0.0], np.cumsum(np.where(finite, values, 0.0))))
    counts = np.concatenate(([0], np.cumsum(finite)))
    lo = np.searchsorted(t, edges[:-1], side="left")
    hi = np.maximum(np.searchsorted(t, edges[1:], side="left"), np.minimum(lo + 1, len(t)))
    n = counts[hi] - counts[lo]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (sums[hi] - sums[lo]) / n
    return np.where(n > 0, mean, np.nan)


def span_columns(starts: FloatArray, ends: FloatArray, edges: FloatArray) -> IntArray:
    """Index of the span (sorted by start, not overlapping) over each column, or -1."""
    if len(starts) == 0:
        return np.full(len(edges) - 1, -1, dtype=np.int64)
    idx = np.searchsorted(starts, edges[1:], side="left") - 1
    safe = np.maximum(idx, 0)
    covered = (idx >= 0) & (ends[safe] > edges[:-1])
    return np.where(covered, idx, -1).astype(np.int64)


def mark_columns(times: FloatArray, edges: FloatArray) -> tuple[IntArray, IntArray]:
    """For each column: index of its first mark and how many marks fall in it."""
    lo = np.searchsorted(times, edges[:-1], side="left")
    hi = np.searchsorted(times, edges[1:], side="left")
    return lo.astype(np.int64), (hi - lo).astype(np.int64)


def levels(values: FloatArray, low: float, high: float, steps: int) -> IntArray:
    """Values scaled to 1..steps (0 where undefined), clipped to [low, high]."""
    span = max(high - low, 1e-9)
    scaled = np.clip((values - low) / span, 0.0, 1.0) * (steps - 1) + 1
    return np.where(np.isfinite(values), np.rint(np.nan_to_num(scaled)), 0).astype(np.int64)
