"""The Markdown session note: SOAP sections, figures equal to the analysis, inert free text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_report_fixtures import NOTE, SUMMARY, Recorded, record_session

from attune_tui.report.export import export_session


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    return record_session(tmp_path_factory.mktemp("store"))


@pytest.fixture(scope="module")
def note(recorded: Recorded) -> str:
    return export_session(recorded.store, recorded.session_id, "md").decode("utf-8")


def mmss(seconds: float) -> str:
    """What the live clock showed at `seconds` (under an hour)."""
    whole = int(seconds)
    return f"{whole // 60:02d}:{whole % 60:02d}"


def test_soap_sections_in_order(note: str) -> None:
    headings = [line for line in note.splitlines() if line.startswith("## ")]
    assert headings == ["## Subjective", "## Objective", "## Assessment (draft)", "## Plan"]
    assert "Check every figure and edit" in note
    assert "not a clinical judgement" in note
    assert note.count("_to be written by the therapist_") == 3


def test_subjective_holds_checkin_summary_and_affect(note: str) -> None:
    subjective = note.split("## Objective")[0]
    assert f"Summary: {SUMMARY}" in subjective
    assert "| The connection between us felt strong | 6 | 9 |" in subjective
    assert "| We worked on what matters to the client | 7 | - |" in subjective
    assert "- 00:30 to agitated" in subjective
    assert "- 01:35 from agitated to calm" in subjective


def test_objective_figures_match_the_analysis(note: str, recorded: Recorded) -> None:
    summary: dict[str, Any] = recorded.analysis["summary"]
    objective = note.split("## Objective")[1].split("## Assessment")[0]
    assert f"| Attunement moments | {summary['moments']} (" in objective
    attuned = f"{mmss(summary['attuned_s'])} ({summary['attuned_pct']:.1f}%)"
    assert f"| Attuned time | {attuned} |" in objective
    assert f"| Longest moment | {summary['longest_moment_s']:.1f} s |" in objective
    assert f"| Time to first moment | {mmss(summary['time_to_first_moment_s'])} |" in objective
    episodes = summary["match_then_guide_episodes"]
    assert f"| Match-then-guide episodes | {episodes} |" in objective
    assert f"| Breath-matched phrases | {summary['breath_matched_phrases']} |" in objective
    assert "| Affect shifts | 2 |" in objective
    therapist = round(100 * summary["leader_shares"]["therapist"])
    assert f"therapist {therapist}%" in objective
    for player in ("client", "therapist"):
        bpm = recorded.analysis["players"][player]["median_bpm"]
        assert f"median tempo {bpm:.0f} BPM" in objective


def test_moment_table_has_every_moment_with_its_review(note: str, recorded: Recorded) -> None:
    moments = recorded.analysis["moments"]
    rows = [line for line in note.splitlines() if line[:4] in {f"| {n} " for n in range(1, 10)}]
    assert len(rows) == len(moments)
    assert rows[0].endswith("| accepted |")
    # as the review screen has it: the therapist's mark confirms a moment found in the MIDI
    for row, moment in zip(rows[1:], moments[1:], strict=True):
        review = "accepted" if moment["source"] == "both" else "not reviewed"
        assert row.endswith(f"| {review} |"), row
    first = moments[0]
    assert f"| 1 | {mmss(first['start'])}-{mmss(first['end'])} |" in rows[0]


def test_observation_counts_by_category(note: str) -> None:
    assert "| breath | Breath | 8 |  |" in note
    assert "| therapist move | Matching | 1 | 00:14 |" in note
    assert "| interaction | Silence | 1 | 00:05 |" in note
    assert "| interaction | Turn-taking | 1 |  |" in note


def test_free_text_cannot_inject_markup(note: str) -> None:
    assert NOTE not in note
    assert r"\<b\>late\</b\> \| \*again\*" in note


def test_a_session_without_midi_or_checkin(tmp_path: Path) -> None:
    from attune_tui.store import Store

    store = Store(tmp_path / "bare")
    live = store.start_session("C-001", "free-improvisation", [])
    live.add("tempo", 2.0)
    live.end(None)
    live.close()
    note = export_session(store, live.session.id, "md").decode("utf-8")
    assert "No end-of-session check-in was recorded." in note
    assert "No MIDI was analysed for this session" in note
    assert "### Attunement" in note  # the summary exists, with zero moments
    assert "| Attunement moments | 0 (" in note
