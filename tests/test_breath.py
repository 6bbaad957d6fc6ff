"""Breath rate from taps and breath-matched phrases."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from attune_tui.analysis.breath import (
    BreathSettings,
    breath_matched,
    breath_period_near,
    breath_rate,
)
from attune_tui.analysis.phrases import Phrase

SETTINGS = BreathSettings()


def taps_every(period: float, start: float, count: int) -> list[float]:
    return [start + i * period for i in range(count)]


def phrase(start: float, length: float) -> Phrase:
    return Phrase("therapist", start, start + length, 8, 70)


def test_rate_needs_two_taps() -> None:
    assert breath_rate([], 10.0, SETTINGS) is None
    assert breath_rate([3.0], 10.0, SETTINGS) is None
    assert breath_rate([3.0, 7.0], 10.0, SETTINGS) == pytest.approx(15.0)


def test_rate_uses_only_taps_up_to_t_and_the_last_intervals() -> None:
    taps = taps_every(6.0, 0.0, 10) + taps_every(3.0, 57.0, 6)  # 10/min, then 20/min
    assert breath_rate(taps, 40.0, SETTINGS) == pytest.approx(10.0)
    assert breath_rate(taps, 80.0, SETTINGS) == pytest.approx(20.0)


def test_rate_ignores_one_missed_tap() -> None:
    taps = [0.0, 4.0, 8.0, 16.0, 20.0]  # the tap at 12 s was missed
    assert breath_rate(taps, 21.0, SETTINGS) == pytest.approx(15.0)


def test_rate_goes_stale_when_tapping_stops() -> None:
    taps = taps_every(4.0, 0.0, 5)
    assert breath_rate(taps, 16.0 + SETTINGS.stale_after_s + 1.0, SETTINGS) is None


def test_period_near_looks_both_ways() -> None:
    taps = taps_every(4.0, 0.0, 6) + taps_every(6.0, 26.0, 6)
    assert breath_period_near(taps, 5.0, SETTINGS) == pytest.approx(4.0)
    assert breath_period_near(taps, 50.0, SETTINGS) == pytest.approx(6.0)
    assert breath_period_near(taps, 500.0, SETTINGS) is None


def test_phrases_of_one_or_two_breaths_match() -> None:
    taps = taps_every(4.0, 0.0, 30)  # a 4 s breath cycle for two minutes
    phrases = [
        phrase(10.0, 4.3),  # one cycle, within 0.2 of a cycle (0.8 s)
        phrase(20.0, 7.5),  # two cycles
        phrase(40.0, 6.0),  # one and a half: neither
        phrase(60.0, 2.0),  # half a cycle
        phrase(500.0, 4.0),  # no taps anywhere near
    ]
    assert breath_matched(phrases, taps, SETTINGS) == [True, True, False, False, None]


def test_one_cycle_only_when_configured() -> None:
    taps = taps_every(4.0, 0.0, 30)
    one = BreathSettings(cycles=(1,))
    assert breath_matched([phrase(20.0, 8.0)], taps, one) == [False]


def test_no_taps_means_unknown() -> None:
    assert breath_matched([phrase(1.0, 4.0)], [], SETTINGS) == [None]


@pytest.mark.parametrize("cycles", [(), (0, 1)])
def test_cycles_must_be_positive(cycles: tuple[int, ...]) -> None:
    with pytest.raises(ValidationError, match="cycles"):
        BreathSettings(cycles=cycles)
