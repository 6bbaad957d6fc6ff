"""NoteTracker: onsets at once, durations on release, sustain pedal, players by role."""

from __future__ import annotations

from attune_tui.analysis.notes import Note
from attune_tui.midi.events import RawEvent
from attune_tui.midi.notes import NoteChange, NoteTracker
from attune_tui.midi.roles import RoleSettings


def feed_all(tracker: NoteTracker, events: list[RawEvent]) -> list[NoteChange]:
    changes: list[NoteChange] = []
    for event in events:
        changes += tracker.feed(event)
    return changes


def ev(t: float, *data: int, port: str = "keys") -> RawEvent:
    return RawEvent(t, port, data)


def test_onset_now_duration_on_release_and_velocity_zero_is_off() -> None:
    tracker = NoteTracker()
    assert tracker.feed(ev(1.0, 0x90, 60, 100)) == [
        NoteChange("onset", Note(1.0, "client", 60, 100))
    ]
    assert tracker.feed(ev(1.1, 0x91, 48, 70)) == [
        NoteChange("onset", Note(1.1, "therapist", 48, 70))
    ]
    assert tracker.feed(ev(1.5, 0x90, 60, 0)) == [
        NoteChange("end", Note(1.0, "client", 60, 100, 0.5))
    ]
    [end] = tracker.feed(ev(2.1, 0x81, 48, 0))
    assert end.note.duration == 1.0
    assert tracker.sounding() == 0


def test_sustain_holds_released_notes_until_the_pedal_lifts() -> None:
    tracker = NoteTracker()
    changes = feed_all(
        tracker,
        [
            ev(0.0, 0x90, 60, 90),
            ev(0.1, 0xB0, 64, 127),
            ev(0.2, 0x80, 60, 0),
            ev(0.3, 0x90, 64, 90),
            ev(0.4, 0xB0, 64, 100),
            ev(1.0, 0xB0, 64, 0),
            ev(1.5, 0x80, 64, 0),
        ],
    )
    ends = [(c.note.pitch, c.note.duration) for c in changes if c.kind == "end"]
    assert ends == [(60, 1.0), (64, 1.2)]


def test_restrike_under_pedal_ends_the_previous_note() -> None:
    tracker = NoteTracker()
    changes = feed_all(
        tracker,
        [
            ev(0.0, 0xB0, 64, 127),
            ev(0.0, 0x90, 60, 90),
            ev(0.2, 0x80, 60, 0),
            ev(0.5, 0x90, 60, 80),
        ],
    )
    assert [(c.kind, c.note.t, c.note.duration) for c in changes] == [
        ("onset", 0.0, 0.0),
        ("end", 0.0, 0.5),
        ("onset", 0.5, 0.0),
    ]
    [end] = tracker.finish(2.0)
    assert end.note.duration == 1.5


def test_pedal_belongs_to_the_instrument_not_the_player() -> None:
    tracker = NoteTracker(RoleSettings(mode="split", split_note=60))
    changes = feed_all(
        tracker,
        [
            ev(0.0, 0xB0, 64, 127),
            ev(0.0, 0x90, 40, 90),
            ev(0.0, 0x90, 72, 90),
            ev(0.5, 0x80, 40, 0),
            ev(0.5, 0x80, 72, 0),
            ev(0.0, 0x90, 50, 90, port="other keys"),
            ev(0.5, 0x80, 50, 0, port="other keys"),
            ev(2.0, 0xB0, 64, 0),
        ],
    )
    ends = sorted(
        (c.note.player, c.note.pitch, c.note.duration) for c in changes if c.kind == "end"
    )
    assert ends == [("client", 72, 2.0), ("therapist", 40, 2.0), ("therapist", 50, 0.5)]


def test_unassigned_events_make_no_notes() -> None:
    tracker = NoteTracker(RoleSettings(fallback=None))
    assert feed_all(tracker, [ev(0.0, 0x99, 36, 100), ev(0.1, 0x89, 36, 0)]) == []
