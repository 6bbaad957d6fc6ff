"""Reports read as the screens do: the same times, and words rather than internal codes."""

from __future__ import annotations

import re
import typing
from html.parser import HTMLParser

import pytest

from attune_tui.analysis.features import AutoEventCode
from attune_tui.model.session import CheckIn
from attune_tui.report.export import export_session
from attune_tui.report.text import clock, span
from attune_tui.review.details import parse_seconds, seconds_text
from attune_tui.review.summary import duration_text
from attune_tui.store import Store
from attune_tui.ui.format import clock_text
from attune_tui.wording import AUTO_CATEGORY, AUTO_LABELS, code_label

MARK_S = 9.6
"""Pressed while the running clock showed 00:09."""
AUTOMATIC = (
    ("dynamics_change", "client", "mp → f"),
    ("phrase_end", "therapist", "4.2 s, 12 notes"),
    ("tempo_change", "client", "92 → 120 BPM"),
    ("silence_start", "client", ""),
)
SNAKE = re.compile(r"[a-z]\\?_[a-z]")
"""An internal name such as `dynamics_change` (Markdown escapes it as `dynamics\\_change`)."""


@pytest.fixture
def session_id(store: Store) -> str:
    """A session with a mark at 9.6 s and what the MIDI analysis logs on its own."""
    live = store.start_session("C-014", "free-improvisation", [])
    live.add("affect", MARK_S, modifiers={"to": "calm"})
    live.add("note", MARK_S, kind="note", text="looked up")
    for code, player, detail in AUTOMATIC:
        live.add(code, 12.3, source="auto", player=player, modifiers={"detail": detail})
    gap = live.add("midi-gap", 40.0, kind="state", source="auto", modifiers={"port": "Piano"})
    live.update(gap.id, source="auto", end=44.5)
    session = live.end(CheckIn(goals=7, tasks=8, bond=6))
    live.close()
    return session.id


class _Text(HTMLParser):
    """What a reader of the page sees: text outside <style>, and the timeline's tooltips."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.cells: list[str] = []
        self._style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._style = False

    def handle_data(self, data: str) -> None:
        if not self._style:
            self.parts.append(data)
            self.cells.append(data.strip())


def _visible(page: str) -> _Text:
    parser = _Text()
    parser.feed(page)
    return parser


def test_a_mark_reads_as_the_clock_showed_it() -> None:
    assert clock_text(MARK_S) == "00:09"
    assert clock(MARK_S) == clock_text(MARK_S)
    assert [clock_text(t) for t in (59.99, 600.0, 3599.9, 3600.0, 3725.4, -1.0)] == [
        "00:59", "10:00", "59:59", "1:00:00", "1:02:05", "00:00",
    ]  # fmt: skip
    assert span(25.9, 46.7) == "00:25-00:46"  # each end as a single mark reads


def test_tenths_and_durations_agree_with_the_clock() -> None:
    assert seconds_text(MARK_S) == "00:09.6"
    assert seconds_text(9.96) == "00:09.9"  # the clock still shows 00:09
    assert seconds_text(59.96) == "00:59.9"  # never "00:60.0"
    assert seconds_text(67.0 - 53.7) == "00:13.3"  # 13.299999999999997
    assert seconds_text(3725.4) == "1:02:05.4"
    assert parse_seconds(seconds_text(3725.4)) == pytest.approx(3725.4)
    assert duration_text(24.9) == "24 s"  # 'the first came after 24 s' is 00:24 in the note


def test_note_and_report_show_the_time_seen_on_screen(store: Store, session_id: str) -> None:
    seen = clock_text(MARK_S)
    note = export_session(store, session_id, "md").decode("utf-8")
    assert f"- {seen} to calm" in note
    assert f"- {seen}: looked up" in note
    cells = _visible(export_session(store, session_id, "html").decode("utf-8")).cells
    assert cells.count(seen) == 2  # the affect shift and the note, in the observations table
    assert "00:40-00:44" in cells  # the MIDI gap from 40.0 s to 44.5 s


def test_note_names_automatic_observations_in_words(store: Store, session_id: str) -> None:
    note = export_session(store, session_id, "md").decode("utf-8")
    assert not SNAKE.search(note), SNAKE.findall(note)
    assert "midi-gap" not in note and "| other |" not in note
    for label in ("dynamics change", "phrase end", "tempo change", "silence", "MIDI gap"):
        assert f"| {AUTO_CATEGORY} | {label} | 1 |" in note


def test_report_names_automatic_observations_in_words(store: Store, session_id: str) -> None:
    page = export_session(store, session_id, "html").decode("utf-8")
    seen = " ".join(_visible(page).parts)
    tips = " ".join(re.findall(r"<title>([^<]*)</title>", page))
    for text in (seen, tips):
        assert not SNAKE.search(text), SNAKE.findall(text)
        assert "midi-gap" not in text
    assert "client dynamics change: mp → f" in tips
    cells = _visible(page).cells
    assert "other" not in cells and "auto" not in cells and "detail: mp → f" not in seen
    assert cells.count(AUTO_CATEGORY) == len(AUTOMATIC) + 1
    assert {"dynamics change", "client; mp → f", "MIDI analysis"} <= set(cells)


def test_elan_keeps_codes_on_a_readable_tier(store: Store, session_id: str) -> None:
    xml = export_session(store, session_id, "eaf").decode("utf-8")
    assert f'TIER_ID="{AUTO_CATEGORY}"' in xml and 'TIER_ID="other"' not in xml
    assert "<ANNOTATION_VALUE>dynamics_change</ANNOTATION_VALUE>" in xml  # the stable id
    assert "<ANNOTATION_VALUE>client; mp → f</ANNOTATION_VALUE>" in xml  # on the detail tier


def test_csv_keeps_the_stable_codes(store: Store, session_id: str) -> None:
    rows = export_session(store, session_id, "csv").decode("utf-8").splitlines()
    assert any(",dynamics_change,point,detail=mp → f,client,auto," in row for row in rows)


def test_every_automatic_code_has_words_and_the_review_lane_name() -> None:
    assert set(typing.get_args(AutoEventCode)) <= set(AUTO_LABELS)
    assert all(not SNAKE.search(label) for label in AUTO_LABELS.values())
    assert code_label("dynamics_change", {}) == "dynamics change"
    assert code_label("tempo", {"tempo": "Tempo"}) == "Tempo"
    assert code_label("old_code-name", {}) == "old code name"
