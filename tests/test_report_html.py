"""The HTML report: self-contained, printable, with the timeline and the tables."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from test_report_fixtures import NOTE, SUMMARY, Recorded, record_session

from attune_tui.report.export import export_session


class Collector(HTMLParser):
    """Tags seen, and the text of every table row by table."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    return record_session(tmp_path_factory.mktemp("store"))


@pytest.fixture(scope="module")
def page(recorded: Recorded) -> str:
    return export_session(recorded.store, recorded.session_id, "html").decode("utf-8")


@pytest.fixture(scope="module")
def parsed(page: str) -> Collector:
    collector = Collector()
    collector.feed(page)
    return collector


def test_self_contained(page: str, parsed: Collector) -> None:
    assert "http://" not in page and "https://" not in page
    assert "url(" not in page and "@import" not in page
    names = {tag for tag, _ in parsed.tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed"}
    assert not [attrs for _, attrs in parsed.tags if "src" in attrs or "href" in attrs]
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page


def test_prints_on_a4_and_letter_without_dark_backgrounds(page: str) -> None:
    assert "@media print" in page and "@page" in page
    assert "max-width: 180mm" in page  # fits A4 (210 mm) and Letter (216 mm) with margins
    assert "background-color" not in page  # browsers drop backgrounds when printing
    for colour in re.findall(r"background:\s*(#[0-9a-f]{6})", page):
        lightness = sum(int(colour[i : i + 2], 16) for i in (1, 3, 5)) / 3
        assert lightness > 200, colour


def test_timeline_has_every_lane(page: str, recorded: Recorded) -> None:
    svg = page[page.index("<svg") : page.index("</svg>")]
    for label in ("Tempo (BPM)", "Velocity", "Client phrases", "Therapist phrases", "Breaths"):
        assert f">{label}</text>" in svg
    for category in ("Timing", "Affect", "Therapist move", "Interaction", "Note"):
        assert f">{category}</text>" in svg
    moments = recorded.analysis["moments"]
    assert svg.count('fill-opacity="0.12"') == len(moments)  # one shaded band each
    assert svg.count("<polyline") >= 4  # tempo and velocity, both players
    phrases = recorded.analysis["phrases"]
    assert svg.count(" phrase ") == len(phrases)
    assert svg.count("<title>breath ") == 8
    # an affect shift is labelled with the affect picked, not the one it came from
    assert "<title>01:35 Affect shift: calm</title>" in svg


def test_tables_of_moments_and_observations(parsed: Collector, recorded: Recorded) -> None:
    by_header = {tuple(table[0]): table[1:] for table in parsed.tables}
    moments = next(rows for head, rows in by_header.items() if head[:2] == ("#", "Time"))
    assert len(moments) == len(recorded.analysis["moments"])
    assert moments[0][-1] == "accepted"
    observations = next(rows for head, rows in by_header.items() if "Logged by" in head)
    assert len(observations) == 8 + 8  # eight marks and eight breaths
    assert ["00:53-01:07", "therapist move", "Matching", "", "key"] in observations
    assert ["00:30", "affect", "Affect shift", "to: agitated", "key"] in observations
    checkin = next(rows for head, rows in by_header.items() if head[0] == "Item")
    assert ["The connection between us felt strong", "6", "9"] in checkin


def test_free_text_is_escaped(page: str) -> None:
    assert NOTE not in page and "<b>late</b>" not in page
    assert "&lt;b&gt;late&lt;/b&gt;" in page
    assert SUMMARY in page
