"""The report's timeline read as a clinician reads it: states apart, labels clear, verdicts shown.

The session is the demo duet with what makes a timeline hard to draw: a state handed straight
to another (matching, then leading to the end), two affect shifts ten seconds apart, automatic
marks a second or two apart, and moments accepted, rejected and left unreviewed.
"""

from __future__ import annotations

import json
import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from test_report_html_chromium import chromium

from attune_tui.analyze import save_analysis, session_analysis
from attune_tui.midi.journal import JournalWriter
from attune_tui.midi.smf import read_events
from attune_tui.presets import find_preset
from attune_tui.report.export import export_session
from attune_tui.report.svg import text_width
from attune_tui.store import Store

DEMO = Path(__file__).resolve().parent.parent / "attune_tui" / "data" / "demo.mid"
DURATION_S = 172.0
AUTO = [
    (2.0, "dynamics_change", "client", "f -> mp"),
    (4.0, "phrase_end", "therapist", "4.1 s, 15 notes"),
    (5.0, "tempo_change", "client", "slower: 100 -> 86 bpm"),
    (7.0, "phrase_end", "client", "6.7 s, 10 notes"),
    (7.5, "dynamics_change", "therapist", "mf -> ff"),
    (23.0, "dynamics_change", "therapist", "ff -> mp"),
    (29.0, "tempo_change", "therapist", "slower: 130 -> 41 bpm"),
    (31.0, "phrase_end", "client", "11.5 s, 24 notes"),
    (33.0, "tempo_change", "client", "faster: 80 -> 130 bpm"),
    (168.0, "tempo_change", "client", "faster: 110 -> 120 bpm"),
]


@dataclass(frozen=True)
class Timeline:
    """The exported page, its timeline parsed, and the moments with the verdict given each."""

    page: str
    svg: ET.Element
    verdicts: list[str]


def record(root: Path) -> tuple[Store, str, list[str]]:
    """Log, capture, end, analyse and review the session; the verdict given each moment."""
    store = Store(root)
    preset = find_preset("free-improvisation", None)
    live = store.start_session("C-000", preset.name, [])
    with JournalWriter(live.folder / "midi.jsonl") as journal:
        for event in read_events(DEMO):
            journal.append(event)
    for t, code, player, detail in AUTO:
        live.add(code, t, source="auto", player=player, modifiers={"detail": detail})
    live.add("affect", 10.0, modifiers={"to": "agitated"})
    live.add("affect", 20.0, modifiers={"from": "agitated", "to": "calm"})
    matching = live.start_state("matching", 42.0, "key")
    leading = live.start_state("leading", 45.0, "key", ending=[matching.id])
    live.update(leading.id, end=DURATION_S)
    session = live.end(None)
    live.close()
    store.save_session(session.model_copy(update={"duration_s": DURATION_S}))
    data = store.load(session.id)
    save_analysis(data.folder, session_analysis(data, preset, fresh=True))
    moments = session_analysis(data, preset)["moments"]
    assert len(moments) >= 3 and all(m["source"] == "auto" for m in moments)
    verdicts = ["accepted", "rejected"] + ["open"] * (len(moments) - 2)
    review = store.edit_session(session.id)
    for m, verdict in zip(moments[:2], verdicts, strict=False):
        review.review_moment(m["start"], m["end"], verdict)
    review.close()
    return store, session.id, verdicts


@pytest.fixture(scope="module")
def timeline(tmp_path_factory: pytest.TempPathFactory) -> Timeline:
    store, session_id, verdicts = record(tmp_path_factory.mktemp("store"))
    page = export_session(store, session_id, "html").decode("utf-8")
    svg = page[page.index("<svg") : page.index("</svg>") + len("</svg>")]
    return Timeline(page, ET.fromstring(svg), verdicts)


def texts(svg: ET.Element) -> list[tuple[str, float, float, float, float]]:
    """Every text as (words, left, right, top, bottom) by the width estimate layout uses."""
    out = []
    for node in svg.iter("text"):
        words = node.text or ""
        size = float(node.get("font-size", svg.get("font-size", "11")))
        width = text_width(words, size, bold=node.get("font-weight") == "bold")
        x, y = float(node.get("x", 0)), float(node.get("y", 0))
        anchor = node.get("text-anchor", "start")
        left = x - width if anchor == "end" else x - width / 2 if anchor == "middle" else x
        out.append((words, left, left + width, y - 0.75 * size, y + 0.25 * size))
    return out


def state_bar(svg: ET.Element, name: str) -> ET.Element:
    """The one bar whose tooltip names the state `name`."""
    (bar,) = [r for r in svg.iter("rect") if (r.findtext("title") or "").endswith(f" {name}")]
    return bar


def test_each_state_has_its_own_shade_and_name(timeline: Timeline) -> None:
    matching, leading = state_bar(timeline.svg, "Matching"), state_bar(timeline.svg, "Leading")
    assert matching.get("fill") != leading.get("fill")
    for bar, name in ((matching, "Matching"), (leading, "Leading")):
        x0 = float(bar.get("x", 0))
        x1 = x0 + float(bar.get("width", 0))
        named = [
            (words, left)
            for words, left, *_ in texts(timeline.svg)
            if words in (name, name[:3] + ".", name[0]) and x0 <= left <= max(x1, x0 + 12)
        ]
        assert named, f"{name} is not named at its bar"
    title = matching.find("title")
    assert title is not None and title.text == "00:42-00:45 Matching"


def test_labels_overprint_neither_each_other_nor_a_mark(timeline: Timeline) -> None:
    boxes = texts(timeline.svg)
    for i, (words, left, right, top, bottom) in enumerate(boxes):
        for other, l2, r2, t2, b2 in boxes[i + 1 :]:
            overlap = left < r2 and l2 < right and top < b2 and t2 < bottom
            assert not overlap, f"{words!r} overprints {other!r}"
    marks = [
        line
        for line in timeline.svg.iter("line")
        if line.get("x1") == line.get("x2") and line.get("stroke") != "#eeeeee"  # not the grid
    ]
    for line in marks:
        x = float(line.get("x1", 0))
        y1, y2 = sorted((float(line.get("y1", 0)), float(line.get("y2", 0))))
        for words, left, right, top, bottom in boxes:
            crossed = left + 0.5 < x < right - 0.5 and y1 < bottom and top < y2
            assert not crossed, f"a mark at x={x} crosses {words!r}"


def test_every_affect_shift_is_labelled(timeline: Timeline) -> None:
    words = [w for w, *_ in texts(timeline.svg)]
    assert "agitated" in words and "calm" in words


def test_no_lane_name_is_clipped(timeline: Timeline) -> None:
    for words, left, right, _, _ in texts(timeline.svg):
        assert left >= 0, f"{words!r} starts left of the picture"
        assert right <= 820, f"{words!r} ends right of the picture"
    names = {w for w, *_ in texts(timeline.svg)}
    assert {"Therapist phrases", "Client phrases", "Therapist move", "Automatic"} <= names


def test_moments_are_drawn_by_their_review(timeline: Timeline) -> None:
    drawn = [
        node
        for node in timeline.svg.iter()
        if (node.get("class") or "").startswith("moment ")
        and node.tag in ("rect", "g")
        and node.find("title") is not None
    ]
    assert [n.get("class") for n in drawn] == [f"moment {v}" for v in timeline.verdicts]
    rejected = drawn[1]
    assert rejected.tag == "g"
    assert "#2a9d8f" not in ET.tostring(rejected, encoding="unicode")  # not in the moment teal
    title = rejected.find("title")
    assert title is not None and (title.text or "").endswith("; rejected")
    assert drawn[0].get("fill-opacity") != drawn[2].get("fill-opacity")  # accepted, open
    bands = [r for r in timeline.svg.iter("rect") if r.get("fill-opacity") == "0.12"]
    assert len(bands) == len(timeline.verdicts) - 1  # none for the rejected moment


def test_the_legend_names_every_verdict(timeline: Timeline) -> None:
    caption = re.search(r"<figcaption>(.*?)</figcaption>", timeline.page, re.S)
    assert caption is not None
    for words in ("attunement moment", "not reviewed", "rejected in review"):
        assert words in caption.group(1)


MEASURE = """<script>
const found = [...document.querySelectorAll("svg text")].map((t) => {
  const box = t.getBBox();
  const words = [...t.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE);
  return [words.map((n) => n.data).join(""), box.x, box.y, box.width, box.height];
});
document.body.insertAdjacentHTML("beforeend", "<pre id=measured></pre>");
document.getElementById("measured").textContent = JSON.stringify(found);
</script>"""


@pytest.mark.chromium
def test_drawn_text_fits_the_room_laid_out_for_it(timeline: Timeline, tmp_path: Path) -> None:
    """In a real browser every label is no wider than estimated, and none overlaps another."""
    browser = chromium()
    page = tmp_path / "measure.html"
    page.write_text(timeline.page.replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    command = [
        browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=3000", "--dump-dom",
        page.as_uri(),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    found = re.search(r'<pre id="measured">(.*?)</pre>', result.stdout, re.S)
    assert found is not None, result.stdout[-2000:]
    measured: list[list[Any]] = json.loads(found.group(1).replace("&quot;", '"'))
    assert len(measured) == len(texts(timeline.svg))
    for (words, x, _, width, _), (same, left, right, _, _) in zip(
        measured, texts(timeline.svg), strict=True
    ):
        assert words == same
        assert width <= right - left + 0.01, f"{words!r} is wider than estimated"
        assert x >= 0, f"{words!r} is clipped at the left"
    for i, (words, x, y, width, height) in enumerate(measured):
        for other, x2, y2, w2, h2 in measured[i + 1 :]:
            overlap = x < x2 + w2 and x2 < x + width and y < y2 + h2 and y2 < y + height
            assert not overlap, f"{words!r} overprints {other!r}"
