"""What review decided reaches every summary, and what the app logs reads in the right words.

A moment rejected in review stays in the moments tables (as rejected) and leaves every figure
and sentence: the note, the report, the review summary and the client's progress. A pause is
the therapist's, not the MIDI analysis's; an empty detail leaves no dangling ':' or ';'; a
moment the therapist marked keeps the dimension they marked it with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import orjson
import pytest
from test_report_fixtures import CLIENT, DEMO
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from attune_tui.analyze import save_analysis, session_analysis
from attune_tui.midi.journal import JournalWriter
from attune_tui.midi.smf import read_events
from attune_tui.model.observation import Observation
from attune_tui.model.preset import Preset
from attune_tui.model.session import CheckIn
from attune_tui.presets import find_preset
from attune_tui.report.export import export_session
from attune_tui.report.reviewed import counted_moments, moment_status, reviewed_analysis
from attune_tui.report.text import NO_MIDI, clock, reading
from attune_tui.review.details import observation_rows
from attune_tui.review.progress import client_progress, reviewed_summary
from attune_tui.review.summary import (
    count,
    duration_text,
    review_sentences,
    summary_sentences,
)
from attune_tui.store import Store
from attune_tui.ui.app import AttuneApp
from attune_tui.ui.screens.home import HomeScreen
from attune_tui.ui.screens.progress import ProgressScreen
from attune_tui.ui.widgets.recent import RecentObservations
from attune_tui.wording import source_words

DURATION_S = 172.0
AFFECT_S = 60.0
"""An affect shift inside the moment that is rejected below."""


@dataclass(frozen=True)
class Reviewed:
    """The demo duet with a pause, a silence, a marked moment, and one moment rejected."""

    store: Store
    preset: Preset
    session_id: str
    analysis: dict[str, Any]
    rejected: dict[str, Any]

    @property
    def kept(self) -> list[dict[str, Any]]:
        return [m for m in self.analysis["moments"] if m is not self.rejected]


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> Reviewed:
    store = Store(tmp_path_factory.mktemp("store"))
    preset = find_preset("free-improvisation", None)
    live = store.start_session(CLIENT, preset.name, [])
    with JournalWriter(live.folder / "midi.jsonl") as journal:
        for event in read_events(DEMO):
            journal.append(event)
    live.add("attunement", 2.0, modifiers={"dimension": "timing"})  # m, then 2
    live.add("silence_start", 31.0, source="auto", player="client", modifiers={"detail": ""})
    live.add("affect", AFFECT_S, modifiers={"to": "calm"})
    pause = live.add("pause", 120.0, kind="state", source="auto")
    live.update(pause.id, source="auto", end=125.0)
    ended = live.end(CheckIn(goals=7, tasks=8, bond=6))
    live.close()
    store.save_session(ended.model_copy(update={"duration_s": DURATION_S}))
    data = store.load(ended.id)
    analysis = session_analysis(data, preset, fresh=True)
    save_analysis(data.folder, analysis)
    store.save_session(data.session.model_copy(update={"summary": analysis["summary"]}))
    rejected = next(m for m in analysis["moments"] if m["pattern"] == "match-then-guide")
    review = store.edit_session(ended.id)
    review.review_moment(rejected["start"], rejected["end"], "rejected")
    review.close()
    return Reviewed(store, preset, ended.id, analysis, rejected)


def _export(reviewed: Reviewed, fmt: str) -> str:
    return export_session(reviewed.store, reviewed.session_id, fmt).decode("utf-8")


def _cells(page: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", page)]


def _attuned_s(moments: list[dict[str, Any]]) -> float:
    return float(sum(m["end"] - m["start"] for m in moments))  # the demo's moments never overlap


# A: a rejected moment leaves every figure -------------------------------------------------
def test_the_demo_has_a_moment_to_reject(reviewed: Reviewed) -> None:
    summary = reviewed.analysis["summary"]
    assert summary["moments"] == len(reviewed.kept) + 1
    assert summary["match_then_guide_episodes"] == 1
    assert reviewed.rejected["start"] <= AFFECT_S <= reviewed.rejected["end"]


def test_note_figures_leave_the_rejected_moment_out(reviewed: Reviewed) -> None:
    note = _export(reviewed, "md")
    kept = reviewed.kept
    attuned = _attuned_s(kept)
    assert f"| Attunement moments | {len(kept)} (" in note
    assert f"| Attuned time | {clock(attuned)} ({100 * attuned / DURATION_S:.1f}%) |" in note
    longest = max(m["end"] - m["start"] for m in kept)
    assert f"| Longest moment | {longest:.1f} s |" in note
    assert "| Match-then-guide episodes | 0 |" in note and "Match, then guide" not in note
    assert "1 moment rejected in review is left out of these figures." in note
    client = sum(m["end"] - m["start"] for m in kept if m["leader"] == "client") / attuned
    assert f"client {100 * client:.0f}%" in note
    assert f"({clock(attuned)} in {len(kept)} moments)" in note  # the reading, too
    assert f"The shift to calm at {clock(AFFECT_S)} came during" not in note


def test_undeciding_returns_a_moment_to_where_it_started() -> None:
    both = {"start": 1.0, "end": 5.0, "source": "both"}
    auto = {"start": 7.0, "end": 9.0, "source": "auto"}
    undecided = {"1.00-5.00": "open", "7.00-9.00": "open"}
    assert moment_status(both, {}) == moment_status(both, undecided) == "accepted"
    assert moment_status(auto, {}) == moment_status(auto, undecided) == "open"
    assert moment_status(both, {"1.00-5.00": "rejected"}) == "rejected"


def test_json_export_carries_the_verdicts_and_the_reviewed_figures(reviewed: Reviewed) -> None:
    doc = orjson.loads(_export(reviewed, "json"))
    assert doc["analysis"]["summary"]["moments"] == len(reviewed.kept) + 1  # as found
    review = doc["review"]
    statuses = {(m["start"], m["end"]): m["status"] for m in review["moments"]}
    assert statuses[(reviewed.rejected["start"], reviewed.rejected["end"])] == "rejected"
    assert list(statuses.values()).count("rejected") == review["rejected_moments"] == 1
    assert review["summary"]["moments"] == len(reviewed.kept)
    assert review["summary"]["attuned_s"] == pytest.approx(_attuned_s(reviewed.kept), abs=0.01)


def test_moments_table_still_lists_the_rejected_moment(reviewed: Reviewed) -> None:
    note = _export(reviewed, "md")
    rows = [line for line in note.splitlines() if re.match(r"\| \d+ \| \d\d:\d\d-", line)]
    assert len(rows) == len(reviewed.analysis["moments"])
    start, end = clock(reviewed.rejected["start"]), clock(reviewed.rejected["end"])
    assert [r for r in rows if r.endswith("| rejected |")] == [
        next(r for r in rows if f"| {start}-{end} |" in r)
    ]


def test_report_cards_and_reading_leave_the_rejected_moment_out(reviewed: Reviewed) -> None:
    page = _export(reviewed, "html")
    kept = reviewed.kept
    attuned = _attuned_s(kept)
    cards = dict(
        (label, value)
        for value, label in re.findall(r'<div class="figure"><b>([^<]*)</b><span>([^<]*)<', page)
    )
    assert cards["attunement moments"] == str(len(kept))
    assert cards[f"attuned ({clock(attuned)})"] == f"{100 * attuned / DURATION_S:.0f}%"
    assert cards["match-then-guide episodes"] == "0"
    therapist = sum(m["end"] - m["start"] for m in kept if m["leader"] == "therapist") / attuned
    assert cards["of attuned time led by the therapist"] == f"{100 * therapist:.0f}%"
    assert "1 moment rejected in review is left out of these figures." in page
    assert f"in {len(kept)} moments)" in page
    assert "rejected" in _cells(page)


def test_review_summary_leaves_the_rejected_moment_out(reviewed: Reviewed) -> None:
    verdicts = reviewed.store.load(reviewed.session_id).log.moment_verdicts
    lines = review_sentences(reviewed.analysis, None, verdicts, DURATION_S, None)
    attuned = _attuned_s(reviewed.kept)
    assert lines[0].startswith(
        f"Client and therapist met in {count(len(reviewed.kept), 'moment')} covering "
        f"{round(100 * attuned / DURATION_S)} % of the session ({duration_text(attuned)} of"
    )
    assert lines[1] == "1 moment rejected in review is left out of these figures."
    assert not any("match-then-guide" in line for line in lines)
    assert "during a moment" not in lines[-1]  # the affect shift was in the rejected one
    before = review_sentences(reviewed.analysis, None, {}, DURATION_S, None)
    assert before[0] != lines[0] and "rejected" not in " ".join(before)


def test_progress_leaves_the_rejected_moment_out(reviewed: Reviewed) -> None:
    store = reviewed.store
    session = store.record(reviewed.session_id)
    assert session.summary is not None and session.summary["moments"] == len(reviewed.kept) + 1
    summary = reviewed_summary(store.folder(session.id), session)
    assert summary is not None and summary["moments"] == len(reviewed.kept)
    (figures,) = client_progress([session], lambda s: reviewed_summary(store.folder(s.id), s))
    assert figures.moments == len(reviewed.kept)
    assert figures.attuned_pct == pytest.approx(
        100 * _attuned_s(reviewed.kept) / DURATION_S, abs=0.05
    )


async def test_progress_screen_counts_what_review_kept(reviewed: Reviewed) -> None:
    app = AttuneApp(reviewed.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ProgressScreen)
        assert [f.moments for f in app.screen.figures] == [len(reviewed.kept)]
        assert [f.rejected for f in app.screen.figures] == [1]
        row = app.screen.query_one("#progress-table", DataTable).get_row_at(0)
        assert f"{len(reviewed.kept)} (1 rejected, left out)" in row
        title = str(app.screen.query_one("#progress-title").render())
        assert "progress over 1 session" in title and "1 sessions" not in title


def test_one_helper_counts_accepted_open_and_marked_moments() -> None:
    moments = [
        {"start": 0.0, "end": 4.0, "source": "manual"},
        {"start": 10.0, "end": 20.0, "source": "auto"},
        {"start": 30.0, "end": 40.0, "source": "both"},
        {"start": 50.0, "end": 60.0, "source": "auto"},
    ]
    verdicts = {"10.00-20.00": "accepted", "50.00-60.00": "rejected", "0.00-4.00": "rejected"}
    assert [moment_status(m, verdicts) for m in moments] == [
        "marked", "accepted", "accepted", "rejected",
    ]  # fmt: skip
    assert counted_moments(moments, verdicts) == moments[:3]


def test_reviewed_analysis_without_a_rejection_is_the_analysis(reviewed: Reviewed) -> None:
    assert reviewed_analysis(reviewed.analysis, {}) == reviewed.analysis
    key = f"{reviewed.rejected['start']:.2f}-{reviewed.rejected['end']:.2f}"
    document = reviewed_analysis(reviewed.analysis, {key: "rejected"})
    assert document["moments"] == reviewed.analysis["moments"]  # the table lists it still
    assert document["episodes"] == []
    assert document["summary"]["rejected_moments"] == 1
    (shift,) = document["summary"]["affect_shifts_near_moments"]
    assert shift["distance_s"] > 0 and shift["moment"]["start"] != reviewed.rejected["start"]
    assert f"The shift to calm at {clock(AFFECT_S)} came during" not in " ".join(reading(document))


# B, C: a pause and an empty detail --------------------------------------------------------
def test_pause_is_the_therapists_in_note_and_report(reviewed: Reviewed) -> None:
    note = _export(reviewed, "md")
    assert "| session | Paused | 1 | 00:05 |" in note and "| other |" not in note
    cells = _cells(_export(reviewed, "html"))
    row = cells[cells.index("Paused") - 2 : cells.index("Paused") + 3]
    assert row == ["02:00-02:05", "session", "Paused", "", "pause key"]
    assert source_words("auto", "pause") == "pause key"
    assert source_words("auto", "silence_start") == "MIDI analysis"


def test_an_empty_detail_leaves_no_dangling_separator(reviewed: Reviewed) -> None:
    cells = _cells(_export(reviewed, "html"))
    row = cells[cells.index("silence") - 2 : cells.index("silence") + 3]
    assert row == ["00:31", "automatic", "silence", "client", "MIDI analysis"]
    silence = next(
        o
        for o in reviewed.store.load(reviewed.session_id).observations
        if o.code == "silence_start"
    )
    rows = dict(observation_rows(silence, reviewed.preset, []))
    assert "modifiers" not in rows and rows["source"] == "MIDI analysis (client)"


class _Recent(App[None]):
    def __init__(self, preset: Preset) -> None:
        super().__init__()
        self.preset = preset

    def compose(self) -> ComposeResult:
        yield RecentObservations(self.preset)


async def test_live_list_keeps_pause_with_the_marks_and_no_dangling_colon(
    preset: Preset,
) -> None:
    observations = [
        Observation(id="a", t=12.0, code="tempo", modifiers={"direction": "faster"}),
        Observation(id="p", t=23.0, code="pause", kind="state", end=30.0, source="auto"),
        Observation(
            id="s", t=31.0, code="silence_start", source="auto", player="client",
            modifiers={"detail": ""},
        ),
        Observation(
            id="d", t=33.0, code="dynamics_change", source="auto", player="client",
            modifiers={"detail": "mp → f"},
        ),
    ]  # fmt: skip
    app = _Recent(preset)
    async with app.run_test(size=(60, 20)) as pilot:
        recent = app.query_one(RecentObservations)
        recent.show(observations)
        await pilot.pause()
        marks, found = str(recent.content).split("found in the playing")
    assert "00:23  Paused (to 00:30)" in marks and "[auto]" not in marks
    assert "pause" not in found.lower()
    assert "00:31  client silence\n" in found and "silence:" not in found
    assert "00:33  client dynamics change: mp → f" in found


# D: a moment the therapist marked ---------------------------------------------------------
def test_marked_moment_keeps_its_dimension_and_takes_no_verdict(reviewed: Reviewed) -> None:
    marked = "| 1 | 00:00-00:04 | 4 | timing | no clear leader |  | 0.00 | therapist | marked |"
    assert marked in _export(reviewed, "md")
    cells = _cells(_export(reviewed, "html"))
    at = cells.index("00:00-00:04")
    assert cells[at - 1 : at + 8] == [
        "1", "00:00-00:04", "4", "timing", "no clear leader", "", "0.00", "therapist", "marked",
    ]  # fmt: skip


# E: a session without MIDI reads the same in review as in the note ------------------------
def test_review_summary_without_midi_says_what_the_note_says(store: Store, preset: Preset) -> None:
    live = store.start_session(CLIENT, preset.name, [])
    live.add("tempo", 5.0, modifiers={"direction": "faster"})
    ended = live.end(None)
    live.close()
    data = store.load(ended.id)
    analysis = session_analysis(data, preset, fresh=True)
    note = export_session(store, ended.id, "md").decode("utf-8")
    assert f"- {NO_MIDI}" in note
    assert review_sentences(analysis, None, {}, 60.0, None) == [NO_MIDI]
    assert summary_sentences({"moments": 0}, 60.0, None, played=False) == [NO_MIDI]
