"""The raw capture journal: round trip, torn records, resuming, permissions, SIGKILL."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

from attune_tui.midi.events import RawEvent
from attune_tui.midi.journal import JournalWriter, StatusRecord, read_journal

EVENTS = [
    RawEvent(0.5, "Digital Piano", (0x90, 60, 100)),
    RawEvent(0.75, "Drum Pad", (0x99, 36, 120)),
    RawEvent(1.25, "Digital Piano", (0x80, 60, 0)),
    RawEvent(2.000001, "Digital Piano", (0xB0, 64, 127)),
]


def write(path: Path, events: list[RawEvent]) -> None:
    with JournalWriter(path) as journal:
        for event in events:
            journal.append(event)


def test_round_trip_with_status_changes(tmp_path: Path) -> None:
    path = tmp_path / "midi.jsonl"
    with JournalWriter(path) as journal:
        for event in EVENTS[:2]:
            journal.append(event)
        journal.status("Drum Pad", "disconnected", 1.0)
        journal.append(EVENTS[2])
        journal.status("Drum Pad", "connected", 1.5)
        journal.append(EVENTS[3])
    contents = read_journal(path)
    assert contents.events == EVENTS
    assert contents.statuses == [
        StatusRecord(1.0, "Drum Pad", "disconnected"),
        StatusRecord(1.5, "Drum Pad", "connected"),
    ]
    assert not contents.torn
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_torn_last_record_is_dropped_and_cut_before_resuming(tmp_path: Path) -> None:
    path = tmp_path / "midi.jsonl"
    write(path, EVENTS[:2])
    with path.open("ab") as file:
        file.write(b'[1.25,0,"80')
    contents = read_journal(path)
    assert contents.torn
    assert contents.events == EVENTS[:2]

    write(path, EVENTS[2:])
    resumed = read_journal(path)
    assert not resumed.torn
    assert resumed.events == EVENTS
    assert path.read_bytes().count(b'"name":"Digital Piano"') == 1


def test_complete_last_record_without_newline_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "midi.jsonl"
    write(path, EVENTS[:1])
    path.write_bytes(path.read_bytes().rstrip(b"\n"))
    assert read_journal(path).events == EVENTS[:1]
    write(path, EVENTS[1:2])
    assert read_journal(path).events == EVENTS[:2]


def test_damage_before_the_end_is_skipped_and_named(tmp_path: Path) -> None:
    path = tmp_path / "midi.jsonl"
    write(path, EVENTS)
    lines = path.read_bytes().splitlines(keepends=True)
    lines[2] = b"garbage\n"  # the first event
    path.write_bytes(b"".join(lines))
    before = path.read_bytes()
    contents = read_journal(path)
    assert len(contents.skipped) == 1 and contents.skipped[0].startswith("line 3: ")
    assert len(contents.events) == len(EVENTS) - 1  # one bad line costs one event
    assert path.read_bytes() == before


CHILD = """
import sys, time
from pathlib import Path
from attune_tui.midi.events import RawEvent
from attune_tui.midi.journal import JournalWriter
journal = JournalWriter(Path(sys.argv[1]))
print("ready", flush=True)
while True:
    journal.append(RawEvent(time.monotonic(), "keys", (0x90, 60, 100)))
    time.sleep(0.002)
"""


def test_sigkill_loses_at_most_the_last_second(tmp_path: Path) -> None:
    path = tmp_path / "midi.jsonl"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(1.5)
        killed = time.monotonic()
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    events = read_journal(path).events
    assert len(events) > 100
    assert killed - events[-1].t < 1.0
