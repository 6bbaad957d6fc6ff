"""Replay goes through the live hand-off: stamped by the session clock on delivery."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from attune_tui.clock import SessionClock
from attune_tui.midi.capture import Capture
from attune_tui.midi.events import RawEvent
from attune_tui.midi.journal import JournalWriter
from attune_tui.midi.replay import Replayer
from attune_tui.midi.smf import export_smf

RECORDING = [
    RawEvent(0.1, "keys", (0x90, 60, 100)),
    RawEvent(0.3, "keys", (0x91, 48, 80)),
    RawEvent(0.5, "keys", (0x80, 60, 0)),
    RawEvent(0.7, "keys", (0x81, 48, 0)),
]


@pytest.mark.parametrize("speed", [1.0, 2.0])
def test_replayed_midi_file_is_stamped_at_delivery(tmp_path: Path, speed: float) -> None:
    path = tmp_path / "session.mid"
    export_smf(RECORDING, path)
    clock = SessionClock(offset=100.0)
    capture = Capture(clock)
    replayer = Replayer(path, speed, capture.hand_off)
    started = clock.now()
    replayer.start()
    assert replayer.wait(timeout=5)
    events = capture.drain()
    assert [(e.port, e.data) for e in events] == [
        ("client", (0x90, 60, 100)),
        ("therapist", (0x91, 48, 80)),
        ("client", (0x80, 60, 0)),
        ("therapist", (0x81, 48, 0)),
    ]
    for event, original in zip(events, RECORDING, strict=True):
        lateness = event.t - (started + original.t / speed)
        assert 0.0 <= lateness < 0.05, lateness


def test_replay_of_a_journal_filters_like_a_port_and_stops(tmp_path: Path) -> None:
    path = tmp_path / "midi.jsonl"
    with JournalWriter(path) as journal:
        journal.append(RawEvent(0.0, "keys", (0xF8,)))
        journal.append(RawEvent(0.01, "keys", (0x90, 60, 100)))
        journal.append(RawEvent(30.0, "keys", (0x80, 60, 0)))
    capture = Capture(SessionClock())
    replayer = Replayer(path, 1.0, capture.hand_off)
    replayer.start()
    time.sleep(0.2)
    replayer.stop()
    assert replayer.wait(timeout=0)
    assert [e.data for e in capture.drain()] == [(0x90, 60, 100)]


def test_speed_must_be_positive() -> None:
    with pytest.raises(ValueError, match="above 0"):
        Replayer(RECORDING, 0.0, Capture(SessionClock()).hand_off)
