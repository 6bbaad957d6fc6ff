"""The review's pure logic: viewport, column folding, lanes, jumps, details and summary."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from attune_tui.model.observation import Observation
from attune_tui.model.preset import Preset
from attune_tui.model.session import CheckIn
from attune_tui.review.columns import levels, mark_columns, series_columns, span_columns
from attune_tui.review.details import (
    history_lines,
    moment_rows,
    observation_rows,
    parse_seconds,
    seconds_text,
)
from attune_tui.review.navigate import next_moment, next_observation
from attune_tui.review.summary import checkin_sentence, duration_text, summary_sentences
from attune_tui.review.timeline import build_timeline, category_of, initials, lane_categories
from attune_tui.review.viewport import MIN_SCALE_S, Viewport
from attune_tui.wording import AUTO_CATEGORY, SESSION_CATEGORY

ANALYSIS = {
    "duration_s": 100.0,
    "tempo": [
        {"t": float(t), "player": p, "bpm": 100.0 + t, "confidence": 0.9}
        for t in range(1, 101)
        for p in ("client", "therapist")
    ],
    "dynamics": [
        {"t": float(t), "player": p, "velocity": None if t < 5 else 64.0}
        for t in range(1, 101)
        for p in ("client", "therapist")
    ],
    "phrases": [
        {"player": "client", "start": 1.0, "end": 9.0, "breath_matched": True},
        {"player": "client", "start": 12.0, "end": 20.0, "breath_matched": None},
    ],
    "moments": [
        {"start": 10.0, "end": 30.0, "source": "auto", "dimensions": ["timing"], "strength": 0.8,
         "leader": "therapist", "pattern": None},
        {"start": 40.0, "end": 44.0, "source": "manual", "dimensions": [], "strength": 0.0,
         "leader": "none", "pattern": None},
        {"start": 60.0, "end": 70.0, "source": "both", "dimensions": ["intensity"],
         "strength": 0.9, "leader": "client", "pattern": "call-and-response"},
    ],
}  # fmt: skip


def obs(oid: str, t: float, code: str, **fields: object) -> Observation:
    return Observation.model_validate({"id": oid, "t": t, "code": code, **fields})


# viewport ----------------------------------------------------------------------------------
def test_fit_shows_the_whole_session() -> None:
    view = Viewport.fit(100.0, 50)
    assert view.scale == pytest.approx(2.0)
    assert view.start == 0.0 and view.end == pytest.approx(100.0)


def test_zoom_keeps_the_cursor_column_and_is_bounded() -> None:
    view = Viewport.fit(100.0, 50)
    view.goto(40.0)
    column = view.cursor_column
    view.zoom(0.5)
    assert view.scale == pytest.approx(1.0)
    assert view.cursor_column == column
    for _ in range(20):
        view.zoom(0.5)
    assert view.scale == MIN_SCALE_S
    for _ in range(20):
        view.zoom(2.0)
    assert view.scale == pytest.approx(2.0) and view.start == 0.0


def test_moving_past_the_edge_pans_the_view() -> None:
    view = Viewport.fit(100.0, 50)
    view.zoom(0.25)  # 0.5 s per column: 25 s in view
    view.goto(0.0)
    for _ in range(60):
        view.move(1)
    assert view.cursor == pytest.approx(30.0)
    assert view.start <= view.cursor < view.end
    assert view.cursor_column == view.width - 1
    view.goto(200.0)
    assert view.cursor == 100.0 and view.end >= 100.0


def test_a_far_jump_centres_the_target() -> None:
    view = Viewport(100.0, width=20, scale=1.0)
    view.goto(60.0, centre=True)
    assert view.cursor_column == 10


# columns -----------------------------------------------------------------------------------
def test_series_columns_average_and_step_when_zoomed_in() -> None:
    t = np.arange(1.0, 11.0)
    values = np.where(t == 3.0, np.nan, t * 10)
    wide = series_columns(t, values, np.array([0.0, 5.0, 10.5]))
    assert wide[0] == pytest.approx((10 + 20 + 40) / 3)  # the NaN at 3 s is skipped
    narrow = series_columns(t, values, np.array([1.2, 1.4, 1.6]))
    assert narrow.tolist() == [20.0, 20.0]  # each column takes the next sample
    assert np.isnan(series_columns(t, values, np.array([20.0, 21.0]))[0])


def test_span_and_mark_columns() -> None:
    edges = np.arange(0.0, 11.0)
    spans = span_columns(np.array([2.0, 6.5]), np.array([4.0, 7.0]), edges)
    assert spans.tolist() == [-1, -1, 0, 0, -1, -1, 1, -1, -1, -1]
    first, count = mark_columns(np.array([1.5, 1.7, 8.0]), edges)
    assert count.tolist() == [0, 2, 0, 0, 0, 0, 0, 0, 1, 0]
    assert first[1] == 0 and first[8] == 2
    assert levels(np.array([np.nan, 0.0, 127.0]), 0.0, 127.0, 8).tolist() == [0, 1, 8]


# timeline ----------------------------------------------------------------------------------
def test_timeline_lanes_and_moment_verdicts(preset: Preset) -> None:
    observations = [
        obs("a", 5.0, "tempo", modifiers={"direction": "faster"}),
        obs("b", 8.0, "breath"),
        obs("c", 9.0, "matching", kind="state", end=15.0),
        obs("d", 12.0, "tempo_change", source="auto", player="client"),
    ]
    timeline = build_timeline(observations, {"10.00-30.00": "rejected"}, ANALYSIS, preset, 90.0)
    assert timeline.duration == 100.0
    assert timeline.breaths.tolist() == [8.0]
    lanes = {lane.category: lane for lane in timeline.lanes}
    assert [lane.category for lane in timeline.lanes] == lane_categories(preset)
    assert "breath" in lanes and all(o.code != "breath" for o in lanes["breath"].observations)
    assert [o.id for o in lanes["timing"].observations] == ["a"]
    assert lanes["therapist move"].state_ids == ("c",)
    assert [o.id for o in lanes[AUTO_CATEGORY].observations] == ["d"]
    verdicts = [(m.source, m.verdict, m.reviewable) for m in timeline.moments]
    assert verdicts == [
        ("auto", "rejected", True),
        ("manual", "manual", False),
        ("both", "accepted", True),
    ]
    assert timeline.phrases["client"].flags == (True, False)
    assert np.isnan(timeline.dynamics["client"].values[0])
    low, high = timeline.tempo_range
    assert low < 103.0 and high > 197.0


def test_timeline_without_analysis(preset: Preset) -> None:
    timeline = build_timeline([obs("a", 50.0, "tempo")], {}, None, preset, 0.0)
    assert timeline.duration == 50.0 and timeline.moments == ()
    assert len(timeline.tempo["client"].t) == 0


def test_ticks_show_the_key_so_codes_of_one_lane_differ(preset: Preset) -> None:
    observations = [
        obs("a", 1.0, "matching", kind="state", end=5.0),
        obs("b", 6.0, "mirroring", kind="state", end=9.0),
        obs("c", 12.0, "tempo_change", source="auto", player="client"),
    ]
    lanes = {
        lane.category: lane for lane in build_timeline(observations, {}, None, preset, 20.0).lanes
    }
    assert lanes["therapist move"].letters == ("H", "I")  # the keys h and i, not M and M
    assert lanes[AUTO_CATEGORY].letters == ("T",)  # no key: its initial


def test_initials() -> None:
    assert initials("breath-phrasing") == "BP"
    assert initials("tempo_change") == "TC"


# jumps -------------------------------------------------------------------------------------
def test_jumps_from_cursor_and_from_selection(preset: Preset) -> None:
    timeline = build_timeline([], {}, ANALYSIS, preset, 100.0)
    moments = timeline.moments
    first = next_moment(moments, 0.0, None, True)
    assert first is not None and first.start == 10.0
    second = next_moment(moments, 0.0, first.key, True)
    assert second is not None and second.start == 40.0
    assert next_moment(moments, 0.0, first.key, False) is None
    back = next_moment(moments, 65.0, None, False)
    assert back is not None and back.start == 60.0
    marks = [obs("a", 5.0, "tempo"), obs("b", 5.0, "dynamics"), obs("c", 9.0, "tempo")]
    found = next_observation(marks, 5.0, "a", True)
    assert found is not None and found.id == "b"  # same second, still visited
    found = next_observation(marks, 6.0, None, True)
    assert found is not None and found.id == "c"


# details -----------------------------------------------------------------------------------
def test_observation_details_show_edits_and_original_time(preset: Preset) -> None:
    moved = obs("a", 6.5, "tempo", modifiers={"direction": "slower"}, source="key", original_t=5.0)
    history: list[dict[str, Any]] = [
        {"op": "add", "obs": {"id": "a", "t": 5.0, "code": "tempo", "source": "key"}},
        {"op": "set", "id": "a", "fields": {"t": 6.5, "original_t": 5.0}, "source": "edit",
         "at": "2025-03-01T10:20:30+00:00"},
        {"op": "delete", "id": "a", "reason": "deleted in review", "at": "2025-03-01T10:21:00"},
    ]  # fmt: skip
    rows = dict(observation_rows(moved, preset, history[:2]))
    assert rows["time"] == "00:06.5" and rows["logged at"] == "00:05.0"
    assert rows["label"] == "Tempo" and rows["modifiers"] == "direction: slower"
    assert history_lines(history) == [
        "added at 00:05.0 by key",
        "changed by review at 10:20:30 (clock): t=00:06.5",
        "deleted at 10:21:00 (clock): deleted in review",
    ]


def test_moment_details(preset: Preset) -> None:
    timeline = build_timeline([], {}, ANALYSIS, preset, 100.0)
    rows = dict(moment_rows(timeline.moments[2]))
    assert rows["source"] == "found in the MIDI and marked by the therapist"
    assert rows["leader"] == "client" and rows["pattern"] == "call-and-response"
    assert "leader" not in dict(moment_rows(timeline.moments[1]))


@pytest.mark.parametrize(
    ("text", "seconds"), [("65.3", 65.3), ("01:05.3", 65.3), ("1:01:05", 3665.0)]
)
def test_parse_seconds(text: str, seconds: float) -> None:
    assert parse_seconds(text) == pytest.approx(seconds)
    assert parse_seconds(seconds_text(seconds)) == pytest.approx(seconds, abs=0.05)


@pytest.mark.parametrize("text", ["", "abc", "1:2:3:4", "-5", "01:"])
def test_parse_seconds_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_seconds(text)


# summary -----------------------------------------------------------------------------------
def test_summary_in_plain_language() -> None:
    summary = {
        "moments": 4, "attuned_s": 103.0, "attuned_pct": 59.9, "longest_moment_s": 42.0,
        "time_to_first_moment_s": 24.5,
        "moments_by_dimension": {"intensity": 4, "timing": 4, "shape": 0},
        "leader_shares": {"client": 0.379, "therapist": 0.621, "mutual": 0.0, "none": 0.0},
        "moments_by_source": {"auto": 3, "manual": 1, "both": 2},
        "match_then_guide_episodes": 1, "breath_matched_phrases": 5, "affect_shifts": 2,
        "affect_shifts_near_moments": [{"distance_s": 0.0}, {"distance_s": 3.0}],
    }  # fmt: skip
    lines = summary_sentences(summary, 172.0, CheckIn(goals=7, tasks=8, bond=6, client_bond=9))
    assert lines[0] == (
        "Client and therapist met in four moments covering 60 % of the session "
        "(1 min 43 s of 2 min 52 s)."
    )
    assert lines[1] == "The first came after 24 s; the longest lasted 42 s."
    assert lines[2] == "They met in intensity (4), timing (4)."
    assert lines[3] == "Of the attuned time, the client led 38 % and the therapist led 62 %."
    assert lines[4] == (
        "Two moments marked by the therapist were found in the MIDI; "
        "one moment marked by the therapist only."
    )
    assert lines[5].startswith("One match-then-guide episode")
    assert lines[6] == "Five phrases matched the client's breath."
    assert lines[7] == "Two affect shifts, 1 of them during a moment."
    assert lines[8] == "Check-in (0-10): goals 7, tasks 8, bond 6; the client rated bond 9."


def test_summary_without_moments_or_midi() -> None:
    assert summary_sentences({"moments": 0}, 60.0, None) == [
        "Client and therapist did not meet in any moment found or marked."
    ]
    assert summary_sentences(None, 60.0, None)[0].startswith("No MIDI analysis")
    assert checkin_sentence(CheckIn(goals=1, tasks=2, bond=3, summary="calm")).endswith('"calm"')
    assert duration_text(3725.0) == "1 h 02 min"


def test_a_pause_is_the_sessions_not_the_midi_analysis(preset: Preset) -> None:
    pause = Observation(id="p", t=5.0, code="pause", kind="state", end=9.0, source="auto")
    found = Observation(id="d", t=6.0, code="dynamics_change", source="auto")
    assert category_of(pause, preset) == SESSION_CATEGORY
    assert category_of(found, preset) == AUTO_CATEGORY
