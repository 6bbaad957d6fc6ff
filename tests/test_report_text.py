"""The plain-text summary of `attune analyze` and the shared wording helpers."""

from __future__ import annotations

import pytest
from test_report_fixtures import DEMO

from attune_tui.analyze import analyze_file
from attune_tui.cli import main
from attune_tui.model.preset import Preset
from attune_tui.report.text import NO_MIDI, analysis_text, clock, joined, reading


def test_clock_reads_like_the_running_clock() -> None:
    assert [clock(x) for x in (0.0, 9.4, 9.6, 59.6, 61.0, 3599.5, 3600.0, 3661.0)] == [
        "00:00", "00:09", "00:09", "00:59", "01:01", "59:59", "1:00:00", "1:01:01",
    ]  # fmt: skip
    assert clock(None) == "-"
    assert joined([]) == "" and joined(["a"]) == "a" and joined(["a", "b", "c"]) == "a, b and c"


def test_analysis_text_lists_players_moments_and_reading(preset: Preset) -> None:
    document = analyze_file(DEMO, preset)
    out = analysis_text(document)
    moments = document["moments"]
    assert out.startswith(f"Duration {clock(document['duration_s'])}")
    assert f"Attunement moments: {len(moments)}" in out
    listed = [line for line in out.splitlines() if line.startswith("  ") and "strength" in line]
    assert len(listed) == len(moments)
    assert f"{document['players']['client']['notes']} notes" in out
    pct = document["summary"]["attuned_pct"]
    assert f"attuned for {pct:.0f}% of the session" in out
    assert "Reading:" in out


def test_reading_without_notes_says_so() -> None:
    document = {"duration_s": 10.0, "players": {"client": {"notes": 0}, "therapist": {"notes": 0}}}
    assert reading(document) == [NO_MIDI]


def test_cli_analyze_prints_the_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(DEMO)]) == 0
    out = capsys.readouterr().out
    assert "Attunement moments:" in out and "Client:" in out and "Therapist:" in out


def test_long_sessions_are_summed_up_not_listed() -> None:
    episodes = [
        {"match_start": 60.0 * k, "match_end": 60.0 * k + 5, "guide_start": 60.0 * k + 5,
         "guide_end": 60.0 * k + 30}
        for k in range(1, 6)
    ]  # fmt: skip
    moment = {"start": 100.0, "end": 120.0}
    shifts = [
        {"t": 110.0, "to": "calm", "moment": moment, "distance_s": 0.0},
        {"t": 125.0, "to": "calm", "moment": moment, "distance_s": 5.0},
        {"t": 150.0, "to": "calm", "moment": moment, "distance_s": 30.0},
        {"t": 90.0, "to": "calm", "moment": moment, "distance_s": 10.0},
    ]
    summary = {
        "moments": 1, "attuned_pct": 10.0, "attuned_s": 20.0, "time_to_first_moment_s": 100.0,
        "longest_moment_s": 20.0, "moments_by_dimension": {"timing": 1},
        "leader_shares": {"therapist": 1.0}, "affect_shifts_near_moments": shifts,
    }  # fmt: skip
    players = {
        p: {"notes": 10, "phrases": 0, "breath_matched_phrases": 0} for p in ("client", "therapist")
    }
    document = {"duration_s": 200.0, "players": players, "summary": summary, "episodes": episodes}
    lines = reading(document)
    assert "Match, then guide happened 5 times (first at 01:00, 02:00 and 03:00)" in lines[2]
    assert lines[3] == (
        "Of 4 affect shifts, 1 came during an attunement moment and 1 within 10 s after one."
    )
    assert len(lines) == 4
