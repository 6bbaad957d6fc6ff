"""Breathing-matched phrasing: the client's breath rate from the therapist's taps, and which
phrases last about one (or two) breaths.

The therapist taps once per inhale, so tap intervals are breath periods. Medians, not means, so a
missed or doubled tap does not swing the rate.
"""

from __future__ import annotations

import bisect
import itertools
import statistics
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field, field_validator

from attune_tui.analysis.phrases import Phrase

BREATH_CODE = "breath"
"""The code of an inhale tap, whatever logs it: a key, the pedal or a MIDI trigger."""


class BreathSettings(BaseModel):
    """How breath taps become a rate and when a phrase counts as breath-matched."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tolerance: float = Field(default=0.2, gt=0, lt=1)
    """How far a phrase may be from a whole number of breath cycles, as a fraction of one cycle:
    taps land anywhere in an inhale, so a fifth of a cycle is the precision a tap can give."""

    rate_intervals: int = Field(default=4, ge=1)
    """How many recent tap intervals define the rate: a few breaths follow a change in breathing
    within about 20 s, and the median of four ignores one missed tap."""

    cycles: tuple[int, ...] = (1, 2)
    """Phrase lengths, in breath cycles, that count as matched: therapists shape a phrase over one
    breath, or over an inhale-exhale pair of breaths for slow phrasing."""

    stale_after_s: float = Field(default=60.0, gt=0)
    """Taps further than this from the time in question say nothing about the breathing then:
    the therapist taps for a stretch of the session, not all of it."""

    @field_validator("cycles")
    @classmethod
    def _positive_cycles(cls, cycles: tuple[int, ...]) -> tuple[int, ...]:
        if not cycles or any(c < 1 for c in cycles):
            raise ValueError(f"cycles must list at least one whole number >= 1; got {list(cycles)}")
        return cycles


def breath_rate(taps: Sequence[float], t: float, settings: BreathSettings) -> float | None:
    """Breaths per minute at `t` from the last taps before it; None without two recent taps."""
    past = sorted(tap for tap in taps if tap <= t)
    if len(past) < 2 or t - past[-1] > settings.stale_after_s:
        return None
    recent = past[-(settings.rate_intervals + 1) :]
    intervals = [b - a for a, b in itertools.pairwise(recent)]
    period = statistics.median(intervals)
    return 60.0 / period if period > 0 else None


def breath_period_near(taps: Sequence[float], t: float, settings: BreathSettings) -> float | None:
    """The breath period (s) around `t`, from the tap intervals centred on it (before and after).

    Offline the taps after a phrase describe its breathing as well as those before it.
    """
    return _TapIntervals(taps).period_near(t, settings)


def breath_matched(
    phrases: Sequence[Phrase], taps: Sequence[float], settings: BreathSettings
) -> list[bool | None]:
    """Per phrase: does it last a whole number of breath cycles? None if no taps are near."""
    intervals = _TapIntervals(taps)
    result: list[bool | None] = []
    for phrase in phrases:
        period = intervals.period_near((phrase.start + phrase.end) / 2, settings)
        if period is None:
            result.append(None)
            continue
        result.append(
            any(
                abs(phrase.length - k * period) <= settings.tolerance * period
                for k in settings.cycles
            )
        )
    return result


class _TapIntervals:
    """Taps sorted once, with their intervals and the midpoints they belong to."""

    def __init__(self, taps: Sequence[float]) -> None:
        self.taps = sorted(taps)
        self.intervals = [b - a for a, b in itertools.pairwise(self.taps)]
        self.mids = [(a + b) / 2 for a, b in itertools.pairwise(self.taps)]

    def period_near(self, t: float, settings: BreathSettings) -> float | None:
        if not self.intervals:
            return None
        if not self.taps[0] - settings.stale_after_s <= t <= self.taps[-1] + settings.stale_after_s:
            return None
        n = min(settings.rate_intervals, len(self.intervals))
        lo = min(max(bisect.bisect_left(self.mids, t) - n // 2, 0), len(self.intervals) - n)
        period = statistics.median(self.intervals[lo : lo + n])
        return period if period > 0 else None
