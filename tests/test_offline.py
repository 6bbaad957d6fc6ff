"""The offline pipeline and the shape of its versioned JSON."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from attune_tui.analysis.features import PlayerFeatures
from attune_tui.analysis.notes import Note, Player
from attune_tui.analysis.offline import analysis_to_json, analyze_notes


def phrase_notes(player: Player, start: float, count: int, velocity: int) -> list[Note]:
    return [Note(start + i * 0.5, player, 60 + i % 4, velocity, 0.4) for i in range(count)]


def session() -> list[Note]:
    """Client phrases of 4 s every 6 s (breath period 6 s); therapist answers louder."""
    notes: list[Note] = []
    for k in range(5):
        notes += phrase_notes("client", 1.0 + 6 * k, 8, 45)
        notes += phrase_notes("therapist", 3.0 + 6 * k, 6, 85)
    return notes


TAPS = [1.0 + 4.0 * i for i in range(9)]  # a 4 s breath cycle


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    analysis = analyze_notes(session()[::-1], 33.2, breath_taps=TAPS)  # order must not matter
    moments = [{"start": 5.0, "end": 9.0, "kind": "intensity"}]
    return analysis_to_json(analysis, moments=moments, summary={"score": 0.5})


def test_top_level_keys_and_version(document: dict[str, Any]) -> None:
    assert document["version"] == 1
    assert document["duration_s"] == 33.2
    assert set(document) == {
        "version",
        "duration_s",
        "players",
        "tempo",
        "dynamics",
        "phrases",
        "events",
        "breath",
        "moments",
        "summary",
        "settings",
    }
    assert document["moments"] == [{"start": 5.0, "end": 9.0, "kind": "intensity"}]
    assert document["summary"] == {"score": 0.5}
    assert orjson.loads(orjson.dumps(document)) == document


def test_one_row_per_second_per_player(document: dict[str, Any]) -> None:
    tempo = document["tempo"]
    assert [(r["t"], r["player"]) for r in tempo[:4]] == [
        (1.0, "client"),
        (1.0, "therapist"),
        (2.0, "client"),
        (2.0, "therapist"),
    ]
    assert len(tempo) == 2 * 33
    assert set(tempo[0]) == {"t", "player", "bpm", "confidence"}
    dynamics = document["dynamics"]
    assert len(dynamics) == 2 * 33
    assert set(dynamics[0]) == {"t", "player", "marking", "velocity", "trend"}
    client_at_4 = next(r for r in dynamics if r["t"] == 4.0 and r["player"] == "client")
    therapist_at_5 = next(r for r in dynamics if r["t"] == 5.0 and r["player"] == "therapist")
    assert client_at_4["marking"] == "p"
    assert therapist_at_5["marking"] == "f"


def test_phrases_and_breath(document: dict[str, Any]) -> None:
    phrases = document["phrases"]
    assert [(p["player"], p["start"]) for p in phrases[:3]] == [
        ("client", 1.0),
        ("therapist", 3.0),
        ("client", 7.0),
    ]
    first = phrases[0]
    assert set(first) == {
        "player",
        "start",
        "end",
        "length",
        "notes",
        "peak_velocity",
        "breath_matched",
    }
    assert first["length"] == pytest.approx(3.9)  # 8 notes 0.5 s apart, the last 0.4 s long
    assert first["notes"] == 8 and first["peak_velocity"] == 45
    # client phrases (3.9 s) match a 4 s breath; therapist phrases (2.9 s) do not
    assert {p["breath_matched"] for p in phrases if p["player"] == "client"} == {True}
    assert {p["breath_matched"] for p in phrases if p["player"] == "therapist"} == {False}
    assert document["breath"] == {"taps": 9, "rate": 15.0}
    assert analyze_notes(session(), 33.2, breath_taps=TAPS).breath_matched_phrases == 5


def test_player_summaries(document: dict[str, Any]) -> None:
    client = document["players"]["client"]
    assert client["notes"] == 40
    assert client["mean_velocity"] == 45.0
    assert client["phrases"] == 5
    assert client["breath_matched_phrases"] == 5
    assert client["mean_phrase_s"] == pytest.approx(3.9)
    assert document["players"]["therapist"]["notes"] == 30


def test_events_are_in_time_order(document: dict[str, Any]) -> None:
    times = [e["t"] for e in document["events"]]
    assert times == sorted(times)
    assert {"phrase_start", "phrase_end", "silence_start"} <= {
        e["code"] for e in document["events"]
    }


def test_offline_series_equal_a_tracker_run_by_hand() -> None:
    notes = session()
    analysis = analyze_notes(notes, 33.2)
    tracker = PlayerFeatures("therapist")
    for note in notes:
        if note.player == "therapist":
            tracker.add_note(note)
    assert analysis.players["therapist"].snapshots == tracker.advance(33.2)


def test_empty_session() -> None:
    document = analysis_to_json(analyze_notes([], 2.0))
    assert document["players"]["client"]["median_bpm"] is None
    assert document["phrases"] == [] and document["moments"] == []
    assert document["summary"] is None
    assert len(document["tempo"]) == 4


def test_negative_duration_is_refused() -> None:
    with pytest.raises(ValueError, match="duration_s"):
        analyze_notes([], -1.0)
