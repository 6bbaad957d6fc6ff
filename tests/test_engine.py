"""The live engine without ports: what replay and a port both hand it, and its faults."""

from __future__ import annotations

import time
from pathlib import Path

from attune_tui.clock import SessionClock
from attune_tui.live.engine import EngineCallbacks, EngineUpdate, LiveEngine
from attune_tui.midi.journal import read_journal
from attune_tui.model.preset import Preset


def _engine(
    folder: Path, preset: Preset, updates: list[EngineUpdate], failures: list[str]
) -> LiveEngine:
    callbacks = EngineCallbacks(update=updates.append, failed=failures.append)
    return LiveEngine(SessionClock(), preset, folder, callbacks)


def _play(engine: LiveEngine, notes: int) -> None:
    for i in range(notes):
        engine.capture.hand_off(([0x90, 60 + i % 5, 80], 0.0), "keys")
        engine.capture.hand_off(([0x80, 60 + i % 5, 0], 0.0), "keys")


def test_notes_reach_the_features_and_the_journal(tmp_path: Path, preset: Preset) -> None:
    updates: list[EngineUpdate] = []
    failures: list[str] = []
    engine = _engine(tmp_path, preset, updates, failures)
    engine.start()
    _play(engine, 12)
    time.sleep(0.5)
    engine.stop()
    assert failures == []
    assert updates and updates[-1].notes == {"client": 12, "therapist": 0}
    assert len(read_journal(tmp_path / "midi.jsonl").events) == 24


def test_a_fault_in_the_analysis_never_stops_the_recording(tmp_path: Path, preset: Preset) -> None:
    updates: list[EngineUpdate] = []
    failures: list[str] = []
    engine = _engine(tmp_path, preset, updates, failures)

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a bug")

    engine.features["client"].add_note = broken  # type: ignore[method-assign]
    engine.start()
    _play(engine, 10)
    time.sleep(0.3)
    engine.stop()
    assert failures == ["ZeroDivisionError: a bug"]
    assert len(read_journal(tmp_path / "midi.jsonl").events) == 20  # every message kept
