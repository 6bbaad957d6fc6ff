"""Loudness in the words a music therapist writes: pp..ff markings and crescendo/decrescendo.

MIDI velocity is what a keyboard measures; the session note speaks of markings. The bands are
settings because keyboards differ (a light action rarely goes above 100).
"""

from __future__ import annotations

import bisect
from typing import Literal

import numpy as np
import numpy.typing as npt

from attune_tui.analysis.settings import DynamicsSettings

Marking = Literal["pp", "p", "mp", "mf", "f", "ff"]
MARKINGS: tuple[Marking, ...] = ("pp", "p", "mp", "mf", "f", "ff")
Trend = Literal["crescendo", "decrescendo", "steady"]


def marking_for(velocity: float, settings: DynamicsSettings) -> Marking:
    """The printed marking of a (possibly averaged) velocity."""
    return MARKINGS[min(bisect.bisect_left(settings.band_upper, velocity), len(MARKINGS) - 1)]


def marking_indices(
    velocities: npt.NDArray[np.float64], settings: DynamicsSettings
) -> npt.NDArray[np.intp]:
    """Band index 0 (pp) .. 5 (ff) of many velocities at once (a whole grid of them)."""
    bands = np.asarray(settings.band_upper[:-1], dtype=np.float64)
    return np.searchsorted(bands, velocities, side="left")


def trends_for(slopes: npt.NDArray[np.float64], settings: DynamicsSettings) -> list[Trend]:
    """Crescendo/decrescendo/steady for velocity slopes per second (vectorised over a grid)."""
    codes = np.zeros(len(slopes), dtype=np.intp)
    codes[slopes >= settings.trend_slope] = 1
    codes[slopes <= -settings.trend_slope] = 2
    return _TRENDS[codes].tolist()  # type: ignore[no-any-return]


_TRENDS = np.array(["steady", "crescendo", "decrescendo"], dtype=object)
