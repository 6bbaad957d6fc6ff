"""Standard MIDI File export and import keep every event within 1 ms of its capture time."""

from __future__ import annotations

import random
from pathlib import Path

import mido

from attune_tui.midi.events import RawEvent
from attune_tui.midi.roles import RoleSettings
from attune_tui.midi.smf import PPQ, TEMPO, export_smf, read_events


def capture(count: int = 400) -> list[RawEvent]:
    """Two players on channels 1 and 2 at irregular, sub-millisecond times."""
    rng = random.Random(7)
    events = []
    t = 0.0
    for i in range(count):
        t += rng.uniform(0.0, 0.2)
        channel = i % 2
        pitch = 40 + (i * 7) % 60
        events.append(RawEvent(t, "keys", (0x90 | channel, pitch, 1 + i % 127)))
        events.append(RawEvent(t + rng.uniform(0.01, 0.5), "keys", (0x80 | channel, pitch, 0)))
    events.append(RawEvent(t, "keys", (0xB0, 64, 127)))
    return sorted(events, key=lambda event: event.t)


def test_one_tick_is_under_a_millisecond() -> None:
    assert TEMPO / PPQ / 1_000_000 <= 0.001


def test_mido_reads_the_export_back_within_1ms(tmp_path: Path) -> None:
    events = capture()
    path = tmp_path / "session.mid"
    export_smf(events, path)
    midi = mido.MidiFile(str(path))
    assert [track.name for track in midi.tracks] == ["client", "therapist"]
    read = []
    t = 0.0
    for message in midi:
        t += message.time
        if not message.is_meta:
            read.append((t, tuple(message.bytes())))
    assert len(read) == len(events)
    by_bytes = sorted(read, key=lambda item: (item[1], item[0]))
    expected = sorted(events, key=lambda event: (event.data, event.t))
    for (t_read, data), event in zip(by_bytes, expected, strict=True):
        assert data == event.data
        assert abs(t_read - event.t) < 0.001


def test_read_events_merges_tracks_with_player_names(tmp_path: Path) -> None:
    events = capture()
    path = tmp_path / "session.mid"
    export_smf(events, path)
    read = read_events(path)
    assert len(read) == len(events)
    for got, want in zip(
        sorted(read, key=lambda e: (e.data, e.t)),
        sorted(events, key=lambda e: (e.data, e.t)),
        strict=True,
    ):
        assert got.data == want.data
        assert abs(got.t - want.t) < 0.001
        assert got.port == ("therapist" if want.data[0] & 0x0F == 1 else "client")
    assert [e.t for e in read] == sorted(e.t for e in read)


def test_unassigned_events_get_their_own_track(tmp_path: Path) -> None:
    path = tmp_path / "session.mid"
    events = [RawEvent(0.1, "keys", (0x99, 36, 100)), RawEvent(0.2, "keys", (0x90, 60, 90))]
    export_smf(events, path, RoleSettings(fallback=None))
    assert [(e.port, e.data) for e in read_events(path)] == [
        ("unassigned", (0x99, 36, 100)),
        ("client", (0x90, 60, 90)),
    ]


def test_tempo_changes_in_foreign_files_are_honoured(tmp_path: Path) -> None:
    midi = mido.MidiFile(type=0, ticks_per_beat=480)
    track = mido.MidiTrack()
    track.append(mido.Message("note_on", note=60, velocity=64, time=480))
    track.append(mido.MetaMessage("set_tempo", tempo=1_000_000, time=0))
    track.append(mido.Message("note_off", note=60, velocity=0, time=480))
    midi.tracks.append(track)
    path = tmp_path / "foreign.mid"
    midi.save(str(path))
    read = read_events(path)
    assert [e.port for e in read] == ["file", "file"]
    assert [round(e.t, 6) for e in read] == [0.5, 1.5]
