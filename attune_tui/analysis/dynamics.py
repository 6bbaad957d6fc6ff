"""Loudness in the words a music therapist writes: pp..ff markings and crescendo/decrescendo.

MIDI velocity is what a keyboard measures; the session note speaks of markings. The bands are
settings because keyboards differ (a light action rarely goes above 100).
"""

from __future__ import annotations

import bisect
import itertools
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, field_validator

Marking = Literal["pp", "p", "mp", "mf", "f", "ff"]
MARKINGS: tuple[Marking, ...] = ("pp", "p", "mp", "mf", "f", "ff")
Trend = Literal["crescendo", "decrescendo", "steady"]


class DynamicsSettings(BaseModel):
    """Thresholds that turn velocities into markings, trends and "dynamics change" observations."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    band_upper: tuple[int, int, int, int, int, int] = (31, 47, 63, 79, 95, 127)
    """Highest velocity of each band pp, p, mp, mf, f, ff: six even bands over 1-127 are what
    most velocity curves map the printed markings to; ff must end at 127 so every velocity fits."""

    smoothing_s: float = Field(default=2.0, gt=0)
    """Mean velocity over the notes of the last seconds: one accent must not flip the marking,
    yet a marking should follow the player within a breath or two."""

    trend_window_s: float = Field(default=4.0, gt=0)
    """Span compared for crescendo/decrescendo: the mean of its recent half against its older
    half. A felt crescendo lasts a few seconds; shorter spans report accents as trends."""

    trend_slope: float = Field(default=4.0, gt=0)
    """Velocity change per second that counts as crescendo/decrescendo. p to f (about 40 to 88)
    over 6 s is 8/s; 4/s catches that and ignores the +-2/s wobble of steady playing."""

    change_bands: int = Field(default=2, ge=1, le=5)
    """How many bands the marking must move from the last reported one before it is logged as
    an automatic "dynamics change" observation: p -> mf counts, p -> mp is ordinary shading."""

    change_hold_s: float = Field(default=2.0, ge=0)
    """How long the new marking must hold before the change is logged, so a single loud chord
    in quiet playing is not reported."""

    @field_validator("band_upper")
    @classmethod
    def _ascending_to_127(
        cls, bands: tuple[int, int, int, int, int, int]
    ) -> tuple[int, int, int, int, int, int]:
        if bands[0] < 1 or any(b <= a for a, b in itertools.pairwise(bands)):
            raise ValueError(f"band_upper must rise strictly from at least 1; got {list(bands)}")
        if bands[-1] != 127:
            raise ValueError(
                f"band_upper must end at 127 so every velocity has a marking; got {bands[-1]}"
            )
        return bands


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
