"""Per-player features on the grid: dynamics, trends, density, register, phrases, silences,
automatic observations, and the promise that live and offline walks give the same series."""

from __future__ import annotations

import random

import numpy as np
import pytest
from pydantic import ValidationError

from attune_tui.analysis.dynamics import (
    MARKINGS,
    marking_for,
    marking_indices,
    trends_for,
)
from attune_tui.analysis.features import (
    GRID_STEP_S,
    AutoEvent,
    PlayerFeatures,
    PlayerSnapshot,
)
from attune_tui.analysis.notes import Note
from attune_tui.analysis.phrases import PhraseSettings, segment_phrases
from attune_tui.analysis.settings import DynamicsSettings, FeatureSettings
from attune_tui.analysis.tempo import TempoSettings, TempoTracker

DYN = DynamicsSettings()


def run(
    start: float,
    count: int,
    ioi: float,
    velocity: int | list[int] = 64,
    pitch: int = 60,
    duration: float = 0.2,
) -> list[Note]:
    """`count` client notes `ioi` seconds apart."""
    velocities = velocity if isinstance(velocity, list) else [velocity] * count
    return [
        Note(start + i * ioi, "client", pitch + i % 3, velocities[i], duration)
        for i in range(count)
    ]


def offline(
    notes: list[Note], until: float, settings: FeatureSettings | None = None
) -> tuple[list[PlayerSnapshot], list[AutoEvent], PlayerFeatures]:
    tracker = PlayerFeatures("client", settings)
    tracker.add_notes(notes)
    snapshots = tracker.advance(until)
    events = tracker.finish(until)
    return snapshots, events, tracker


def at(snapshots: list[PlayerSnapshot], t: float) -> PlayerSnapshot:
    return next(s for s in snapshots if s.t == t)


def codes(events: list[AutoEvent]) -> list[str]:
    return [e.code for e in events]


# -- dynamics --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("velocity", "marking"),
    [(1, "pp"), (31, "pp"), (32, "p"), (47, "p"), (63, "mp"), (64, "mf"), (95, "f"), (96, "ff")],
)
def test_velocity_bands(velocity: int, marking: str) -> None:
    assert marking_for(velocity, DYN) == marking
    index = marking_indices(np.array([float(velocity)]), DYN)[0]
    assert MARKINGS[index] == marking


def test_bands_must_ascend_to_127() -> None:
    with pytest.raises(ValidationError, match="rise strictly"):
        DynamicsSettings(band_upper=(31, 47, 47, 79, 95, 127))
    with pytest.raises(ValidationError, match="end at 127"):
        DynamicsSettings(band_upper=(31, 47, 63, 79, 95, 120))


def test_trend_thresholds() -> None:
    slopes = np.array([5.0, -5.0, 1.0, -3.9, 4.0])
    assert trends_for(slopes, DYN) == ["crescendo", "decrescendo", "steady", "steady", "crescendo"]


def test_marking_and_mean_velocity_follow_the_smoothing_window() -> None:
    notes = run(0.0, 20, 0.25, velocity=40) + run(5.0, 20, 0.25, velocity=100)
    snapshots, _, _ = offline(notes, 12.0)
    assert at(snapshots, 4.0).marking == "p"
    assert at(snapshots, 4.0).velocity == pytest.approx(40.0)
    assert at(snapshots, 8.0).marking == "ff"
    assert at(snapshots, 6.0).velocity == pytest.approx((4 * 40 + 4 * 100) / 8)  # notes in [4, 6)
    assert at(snapshots, 12.0).marking is None  # nothing played in the last 2 s


def test_crescendo_and_decrescendo() -> None:
    rising = [30 + 3 * i for i in range(30)]  # +12 velocity per second at 4 notes/s
    notes = run(0.0, 30, 0.25, velocity=rising) + run(7.5, 30, 0.25, velocity=rising[::-1])
    snapshots, _, _ = offline(notes, 15.0)
    assert at(snapshots, 6.0).trend == "crescendo"
    assert at(snapshots, 13.5).trend == "decrescendo"
    steady, _, _ = offline(run(0.0, 40, 0.25, velocity=70), 10.0)
    assert {s.trend for s in steady} == {"steady"}


def test_density_and_register() -> None:
    notes = run(0.0, 40, 0.25, pitch=48)  # 4 notes/s over pitches 48, 49, 50
    snapshots, _, _ = offline(notes, 14.0)
    s = at(snapshots, 8.0)
    assert s.density == pytest.approx(4.0)
    assert (s.pitch_low, s.pitch_high) == (48, 50)
    assert s.pitch_mean == pytest.approx(49.0, abs=0.1)
    assert at(snapshots, 0.5).density == pytest.approx(2 / 4.0)  # onsets at 0.0 and 0.25
    assert at(snapshots, 14.0).density == 0.0  # the last onset was at 9.75 s


def test_grid_uses_only_onsets_before_the_grid_point() -> None:
    snapshots, _, _ = offline([Note(1.0, "client", 60, 80, 0.1)], 2.0)
    assert [s.t for s in snapshots] == [0.5, 1.0, 1.5, 2.0]
    assert at(snapshots, 1.0).density == 0.0
    assert at(snapshots, 1.5).density > 0.0


# -- phrases and silences -------------------------------------------------------------------


def test_rests_split_phrases_and_silence_is_counted() -> None:
    notes = run(1.0, 8, 0.25) + run(4.0, 8, 0.25) + run(10.0, 8, 0.25)
    snapshots, events, tracker = offline(notes, 16.0)
    assert [(p.start, p.notes) for p in tracker.phrases] == [(1.0, 8), (4.0, 8), (10.0, 8)]
    assert tracker.phrases[0].end == pytest.approx(1.0 + 7 * 0.25 + 0.2)
    assert at(snapshots, 2.5).in_phrase and at(snapshots, 2.5).phrase_start == 1.0
    assert not at(snapshots, 9.5).in_phrase
    assert at(snapshots, 9.5).silence_s == pytest.approx(9.5 - (4.0 + 7 * 0.25 + 0.2))
    assert at(snapshots, 2.0).silence_s == pytest.approx(0.05)  # between two notes
    assert codes(events) == [
        "phrase_start",
        "phrase_end",
        "phrase_start",
        "phrase_end",
        "silence_start",
        "silence_end",
        "phrase_start",
        "phrase_end",
        "silence_start",
    ]
    silence = [e for e in events if e.code.startswith("silence")]
    assert silence[0].t == pytest.approx(5.95) and silence[1].t == 10.0


def test_short_runs_are_not_phrases() -> None:
    notes = run(1.0, 2, 0.25) + run(4.0, 5, 0.25)
    _, events, tracker = offline(notes, 8.0)
    assert [p.start for p in tracker.phrases] == [4.0]
    assert codes(events).count("phrase_start") == 1


def test_a_held_note_keeps_the_phrase_going() -> None:
    notes = [*run(1.0, 3, 0.25, duration=0.1), Note(1.75, "client", 40, 70, 4.0), *run(6.0, 3, 0.3)]
    snapshots, _, tracker = offline(notes, 10.0)
    assert at(snapshots, 5.0).silence_s == 0.0
    assert len(tracker.phrases) == 1
    assert tracker.phrases[0].notes == 7


def test_tracker_phrases_equal_pure_segmentation() -> None:
    notes = random_notes(random.Random(7), 120.0)
    _, _, tracker = offline(notes, 120.0)
    assert tracker.phrases == segment_phrases(notes, "client", PhraseSettings(), 120.0)
    assert len(tracker.phrases) > 5


def test_phrase_settings_reject_silence_shorter_than_rest() -> None:
    with pytest.raises(ValidationError, match="silence_s"):
        PhraseSettings(rest_s=2.0, silence_s=1.0)


# -- automatic observations -----------------------------------------------------------------


def test_dynamics_change_is_reported_once_it_holds() -> None:
    notes = run(0.0, 40, 0.25, velocity=40) + run(10.0, 40, 0.25, velocity=90)
    _, events, _ = offline(notes, 20.0)
    changes = [e for e in events if e.code == "dynamics_change"]
    assert len(changes) == 1
    assert changes[0].detail == "p -> f"
    assert 10.0 < changes[0].t <= 12.0


def test_a_single_loud_chord_is_not_a_dynamics_change() -> None:
    loud = [40] * 20 + [110] * 3 + [40] * 20
    _, events, _ = offline(run(0.0, 43, 0.25, velocity=loud), 12.0)
    assert "dynamics_change" not in codes(events)


def test_tempo_change_is_reported_when_sustained() -> None:
    notes = run(0.0, 40, 60 / 100) + run(24.0, 60, 60 / 130)  # 100 bpm, then 130 bpm
    _, events, _ = offline(notes, 52.0)
    changes = [e for e in events if e.code == "tempo_change"]
    assert len(changes) == 1, events
    assert changes[0].detail.startswith("faster")
    assert 24.0 < changes[0].t < 36.0


def test_steady_tempo_reports_no_change() -> None:
    notes = run(0.0, 80, 0.5)
    snapshots, events, _ = offline(notes, 40.0)
    assert "tempo_change" not in codes(events)
    reference = TempoTracker(TempoSettings())  # stepped on the same grid: it may keep state
    i = 0
    for k in range(1, len(snapshots) + 1):
        while i < len(notes) and notes[i].t < k * GRID_STEP_S:
            reference.add_onset(notes[i].t, notes[i].velocity)
            i += 1
        expected = reference.estimate(k * GRID_STEP_S)
    assert expected.bpm is not None
    assert (snapshots[-1].bpm, snapshots[-1].tempo_confidence) == (
        expected.bpm,
        expected.confidence,
    )


# -- live and offline walk the same grid ----------------------------------------------------


def random_notes(rng: random.Random, length: float) -> list[Note]:
    notes: list[Note] = []
    t = rng.uniform(0.0, 2.0)
    while t < length - 1.0:
        ioi = rng.choice([0.25, 0.3, 0.5])
        velocity = rng.randint(30, 110)
        for _ in range(rng.randint(1, 16)):
            chord = rng.random() < 0.2
            for k in range(2 if chord else 1):
                notes.append(
                    Note(
                        round(t, 3),
                        "client",
                        rng.randint(40, 80) + k,
                        velocity,
                        rng.uniform(0.05, 1.5),
                    )
                )
            velocity = max(1, min(127, velocity + rng.randint(-6, 6)))
            t += ioi * rng.uniform(0.9, 1.1)
        t += rng.choice([0.3, 1.5, 4.0])
    return [n for n in notes if n.t < length]


def replay_live(
    notes: list[Note], until: float, rng: random.Random
) -> tuple[list[PlayerSnapshot], list[AutoEvent], PlayerFeatures]:
    """Feed note-ons and note-offs in time order, advancing at irregular moments."""
    stream = sorted(
        [(n.t, 1, i) for i, n in enumerate(notes)] + [(n.end, 0, i) for i, n in enumerate(notes)]
    )
    tracker = PlayerFeatures("client")
    snapshots: list[PlayerSnapshot] = []
    events: list[AutoEvent] = []
    clock = 0.0
    for time, is_on, i in stream:
        while clock < time:  # everything up to `clock` has been delivered
            snapshots += tracker.advance(min(clock, until))
            events += tracker.auto_events(min(clock, until))
            clock += rng.uniform(0.01, 0.9)
        note = notes[i]
        if is_on:
            tracker.add_note(Note(note.t, note.player, note.pitch, note.velocity), held=True)
        else:
            assert tracker.end_note(note.pitch, note.end)
    snapshots += tracker.advance(until)
    events += tracker.finish(until)
    return snapshots, events, tracker


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_live_at_irregular_times_equals_offline(seed: int) -> None:
    rng = random.Random(seed)
    notes = random_notes(rng, 90.0)
    expected, expected_events, expected_tracker = offline(notes, 90.0)
    got, got_events, got_tracker = replay_live(notes, 90.0, rng)
    assert len(expected) == 90.0 / GRID_STEP_S
    assert got == expected
    assert got_events == expected_events
    assert got_tracker.phrases == expected_tracker.phrases


def test_regular_steps_equal_one_call() -> None:
    notes = random_notes(random.Random(11), 60.0)
    expected, expected_events, _ = offline(notes, 60.0)
    tracker = PlayerFeatures("client")
    tracker.add_notes(notes)
    got: list[PlayerSnapshot] = []
    events: list[AutoEvent] = []
    for k in range(1, 121):
        got += tracker.advance(k * GRID_STEP_S)
        events += tracker.auto_events(k * GRID_STEP_S)
    assert got == expected
    assert events + tracker.finish(60.0) == expected_events


def test_history_keeps_the_last_minute() -> None:
    _, _, tracker = offline(run(0.0, 400, 0.25, velocity=70), 100.0)
    velocities = tracker.history("velocity")
    assert len(velocities) == 60.0 / GRID_STEP_S
    assert velocities[0] == pytest.approx(70.0)
    assert tracker.history("density")[-1] == pytest.approx(4.0)


def test_notes_must_come_in_onset_order() -> None:
    tracker = PlayerFeatures("client")
    tracker.add_note(Note(2.0, "client", 60, 64))
    with pytest.raises(ValueError, match="onset order"):
        tracker.add_note(Note(1.0, "client", 60, 64))
    with pytest.raises(ValueError, match="therapist"):
        tracker.add_note(Note(3.0, "therapist", 60, 64))


def test_snapshot_before_the_first_grid_point_is_empty() -> None:
    snapshot = PlayerFeatures("therapist").snapshot(0.2)
    assert snapshot.t == 0.0 and snapshot.bpm is None and snapshot.marking is None
