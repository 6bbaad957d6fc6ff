"""Hands-free codes from switches, pedal double taps and reserved keys never become notes."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from attune_tui.midi.events import RawEvent
from attune_tui.midi.handsfree import HandsFreeMatcher, HandsFreeSettings
from attune_tui.midi.pipeline import MidiPipeline

SETTINGS = HandsFreeSettings.model_validate(
    {
        "mappings": [
            {"kind": "cc", "number": 80, "code": "attunement"},
            {"kind": "double_tap", "number": 64, "window_ms": 400, "code": "breath"},
            {"kind": "note_range", "numbers": [21, 23], "code": "affect-shift"},
            {"kind": "note", "numbers": [36], "channel": 10, "code": "eye-contact"},
        ]
    }
)


def ev(t: float, *data: int) -> RawEvent:
    return RawEvent(t, "keys", data)


def codes(events: list[RawEvent]) -> list[str | None]:
    matcher = HandsFreeMatcher(SETTINGS)
    return [matcher.feed(event) for event in events]


def test_foot_switch_fires_once_per_press() -> None:
    events = [ev(0.0, 0xB0, 80, 127), ev(0.1, 0xB0, 80, 127), ev(0.2, 0xB0, 80, 0)]
    events.append(ev(0.3, 0xB0, 80, 100))
    assert codes(events) == ["attunement", None, None, "attunement"]


def test_double_tap_within_the_window_only() -> None:
    slow = [ev(0.0, 0xB0, 64, 127), ev(0.2, 0xB0, 64, 0), ev(0.6, 0xB0, 64, 127)]
    assert codes(slow) == [None, None, None]
    quick = [ev(0.0, 0xB0, 64, 127), ev(0.1, 0xB0, 64, 0), ev(0.3, 0xB0, 64, 127)]
    assert codes(quick) == [None, None, "breath"]


def test_reserved_keys_and_pads() -> None:
    assert codes([ev(0.0, 0x90, 22, 50), ev(0.1, 0x90, 24, 50), ev(0.2, 0x90, 22, 0)]) == [
        "affect-shift",
        None,
        None,
    ]
    assert codes([ev(0.0, 0x99, 36, 90), ev(0.1, 0x90, 36, 90)]) == ["eye-contact", None]


def test_mappings_are_validated() -> None:
    with pytest.raises(ValidationError, match="low then high"):
        HandsFreeSettings.model_validate(
            {"mappings": [{"kind": "note_range", "numbers": [30, 20], "code": "x"}]}
        )
    with pytest.raises(ValidationError, match="0-127"):
        HandsFreeSettings.model_validate({"mappings": [{"kind": "cc", "number": 200, "code": "x"}]})


def test_codes_never_reach_the_note_tracker() -> None:
    pipeline = MidiPipeline(hands_free=SETTINGS)
    events = [
        ev(0.0, 0x90, 60, 80),
        ev(0.05, 0x90, 22, 90),
        ev(0.1, 0xB0, 64, 127),
        ev(0.15, 0xB0, 64, 0),
        ev(0.2, 0xB0, 64, 127),
        ev(0.25, 0x80, 22, 0),
        ev(0.3, 0x80, 60, 0),
        ev(0.35, 0xB0, 64, 0),
    ]
    routed = [pipeline.feed(event) for event in events]
    assert [r.code for r in routed if r.code] == ["affect-shift", "breath"]
    notes = [c.note for r in routed for c in r.changes]
    assert {note.pitch for note in notes} == {60}
    assert [(c.kind, c.note.duration) for r in routed for c in r.changes] == [
        ("onset", 0.0),
        ("end", 0.3),
    ]
