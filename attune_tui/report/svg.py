"""The session timeline as inline SVG: what both players did, and what the therapist marked.

Lanes share one time axis so a supervisor can see at a glance what preceded a moment: tempo and
velocity curves per player, phrases (breath-matched ones solid) with the breath taps, one lane
per observation category, and attunement moments as shaded bands through every lane. Plain SVG
text with no scripts or external references (not even the namespace URL, which HTML does not
need), so it prints and works offline.

Nothing may be read wrongly: each state in a lane has its own shade and its name, a moment the
therapist rejected in review is drawn apart from the ones that count, and labels never
overprint each other or a mark. A label with no room is left out; its mark keeps a tooltip and
the observations table lists every mark.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from attune_tui.analysis.breath import BREATH_CODE
from attune_tui.analysis.notes import PLAYERS
from attune_tui.model.observation import Observation
from attune_tui.model.preset import Preset
from attune_tui.report.reviewed import REJECTED, moment_status
from attune_tui.report.tables import OTHER, categories, category_of, label_of, review_words
from attune_tui.report.text import clock, moment_label, span
from attune_tui.wording import code_label

WIDTH = 820.0
RIGHT = 14.0
GAP = 10.0
LANE_FONT = 11.0
MARK_FONT = 10.0
MAX_GUTTER = 180.0
"""The widest the lane-name gutter may grow; a longer lane name is shortened (full in a tooltip)."""
COLOURS = {"client": "#1f5f99", "therapist": "#c4512b"}
MOMENT = "#2a9d8f"
OPEN_MOMENT = "#b4ddd8"
"""A moment not reviewed yet: the moment colour, light (as drawn at 0.35 opacity on white)."""
REJECTED_INK = "#8a8a8a"
MATCH, GUIDE = "#e9c46a", "#6d597a"
INK, FAINT = "#222222", "#d0d0d0"
STATE_FILLS = ("#d9bfdc", "#a9c4e2", "#f2c09c", "#b3d9be", "#e0d59f", "#c8c8c8")
"""Shades for states, given by code in order of appearance: light enough for dark text
inside, and none the attunement, match, guide or player colour."""
TICK_STEPS = (5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)
ROW = 12.0
"""Height of a text row under a lane's marks, where labels go that do not fit beside them."""
MAX_ROWS = 2
SWATCH = 9.0
"""Room for the small square of a state's shade before its name when written under the bar."""

_NARROW = frozenset("fijlrtI.,:;'!|()[]{}- /")
_WIDE = frozenset("mwMW@%")


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Estimated advance of `text` at `size`, never less than DejaVu Sans draws it.

    DejaVu Sans is what a Linux browser substitutes for Helvetica and is wider than Helvetica
    and Arial, so a label laid out with this width has its room in every common font.
    """
    em = sum(
        0.42 if c in _NARROW else 1.0 if c in _WIDE else 0.8 if c.isupper() else 0.64 for c in text
    )
    return em * size * (1.12 if bold else 1.0)


@dataclass(frozen=True, slots=True)
class _Axis:
    """Maps session seconds to x, right of a gutter as wide as the longest lane name."""

    duration: float
    left: float

    def x(self, t: float) -> float:
        width = WIDTH - self.left - RIGHT
        return self.left + width * min(max(t, 0.0), self.duration) / self.duration


def timeline_svg(
    document: Mapping[str, Any],
    observations: Sequence[Observation],
    preset: Preset | None,
    verdicts: Mapping[str, str] | None = None,
) -> str:
    """The whole timeline as one `<svg>` element, scaled to the width of its container.

    `verdicts` are the therapist's moment reviews (`moment_key` to verdict): without them every
    automatic moment is drawn as not reviewed.
    """
    verdicts = verdicts or {}
    last_mark = max((o.end or o.t for o in observations), default=0.0)
    marks = [o for o in observations if o.code != BREATH_CODE]
    lanes = categories(preset, marks)
    axis = _Axis(max(float(document["duration_s"]), last_mark, 1.0), _gutter(lanes))
    parts: list[str] = []
    top = y = 4.0
    y = _moments_lane(parts, document, verdicts, axis, y)
    y = _curve_lane(parts, axis, y, "Tempo (BPM)", _tempo_series(document), None)
    y = _curve_lane(parts, axis, y, "Velocity", _velocity_series(document), (0.0, 127.0))
    y = _phrase_lane(parts, document, observations, axis, y)
    y = _category_lanes(parts, marks, lanes, preset, axis, y)
    bands = _bands(document, verdicts, axis, top, y)
    grid = _grid(axis, top, y)
    height = y + 24.0
    return "\n".join(
        [
            f'<svg viewBox="0 0 {WIDTH:.0f} {height:.0f}"'
            ' width="100%" role="img" aria-labelledby="timeline-title"'
            ' font-family="Helvetica, Arial, sans-serif" font-size="11">',
            '<title id="timeline-title">Session timeline</title>',
            *grid,
            *bands,
            *parts,
            *_time_labels(axis, y),
            "</svg>",
        ]
    )


# lanes ------------------------------------------------------------------------------------
FIXED_LANES = (
    "Attunement", "Tempo (BPM)", "Velocity", "Client phrases", "Therapist phrases", "Breaths",
)  # fmt: skip


def _gutter(lanes: Sequence[str]) -> float:
    """Room left of the axis for every lane name (up to `MAX_GUTTER`), so none is clipped."""
    names = [*FIXED_LANES, *(c.capitalize() for c in lanes)]
    return min(max(text_width(n, LANE_FONT) for n in names) + 14.0, MAX_GUTTER)


def _fitted(label: str, room: float, size: float) -> str:
    """`label`, shortened with an ellipsis until it fits `room`."""
    while len(label) > 1 and text_width(label, size) > room:
        label = label[:-2].rstrip() + "…"
    return label


def _lane_label(parts: list[str], axis: _Axis, y: float, label: str, colour: str = INK) -> None:
    shown = _fitted(label, axis.left - 12.0, LANE_FONT)
    tip = f"<title>{escape(label)}</title>" if shown != label else ""
    parts.append(
        f'<text class="lane" x="{axis.left - 8:.0f}" y="{y:.1f}" text-anchor="end"'
        f' fill="{colour}">{escape(shown)}{tip}</text>'
    )


def _moments_lane(
    parts: list[str],
    document: Mapping[str, Any],
    verdicts: Mapping[str, str],
    axis: _Axis,
    y: float,
) -> float:
    """Moments that count solid (accepted or marked) or light (not reviewed yet); rejected
    ones hatched grey, with no band through the lanes, as they leave every figure."""
    _lane_label(parts, axis, y + 12, "Attunement")
    for number, m in enumerate(document.get("moments", ()), start=1):
        x0, x1 = axis.x(m["start"]), axis.x(m["end"])
        width = max(x1 - x0, 1.5)
        status = moment_status(m, verdicts)
        tip = escape(
            f"Moment {number}, {span(m['start'], m['end'])}: {moment_label(m)};"
            f" {review_words(m, verdicts)}"
        )
        box = f'x="{x0:.1f}" y="{y + 2:.1f}" width="{width:.1f}" height="13"'
        if status == REJECTED:
            parts.append(
                f'<g class="moment rejected"><title>{tip}</title>'
                f'<rect {box} fill="#ffffff" stroke="{REJECTED_INK}" stroke-dasharray="3 2"/>'
                + "".join(_hatch(x0, x0 + width, y + 2, y + 15))
                + "</g>"
            )
            ink = "#555555"
        elif status == "open":
            parts.append(
                f'<rect class="moment open" {box} fill="{MOMENT}" fill-opacity="0.35"'
                f' stroke="{MOMENT}"><title>{tip}</title></rect>'
            )
            ink = "#1b5e55"
        else:
            parts.append(
                f'<rect class="moment {status}" {box} fill="{MOMENT}" fill-opacity="0.85">'
                f"<title>{tip}</title></rect>"
            )
            ink = "#ffffff"
        if x1 - x0 >= text_width(str(number), LANE_FONT, bold=True) + 5:  # where it fits
            parts.append(
                f'<text x="{x0 + 3:.1f}" y="{y + 12:.1f}" fill="{ink}" font-weight="bold">'
                f"{number}</text>"
            )
    for e in document.get("episodes", ()):
        for start, end, colour, word in (
            (e["match_start"], e["match_end"], MATCH, "match"),
            (e["guide_start"], e["guide_end"], GUIDE, "guide"),
        ):
            x0, x1 = axis.x(start), axis.x(end)
            parts.append(
                f'<rect x="{x0:.1f}" y="{y + 17:.1f}" width="{max(x1 - x0, 1.0):.1f}" height="5"'
                f' fill="{colour}"><title>{word} {span(start, end)}</title></rect>'
            )
    return y + 24 + GAP


def _hatch(x0: float, x1: float, top: float, bottom: float, step: float = 5.0) -> list[str]:
    """Diagonal hatching inside a box, as plain lines (a pattern fill would need a `url()`)."""
    height = bottom - top
    lines = []
    start = x0 - height
    while start < x1:
        low, high = max(0.0, x0 - start), min(height, x1 - start)
        if high > low:
            lines.append(
                f'<line x1="{start + low:.1f}" y1="{bottom - low:.1f}" x2="{start + high:.1f}"'
                f' y2="{bottom - high:.1f}" stroke="#c4c4c4" stroke-width="1"/>'
            )
        start += step
    return lines


Series = dict[str, list[tuple[float, float]]]


def _tempo_series(document: Mapping[str, Any]) -> Series:
    """Per player, the per-second BPM the analysis trusted (confidence over its threshold)."""
    settings = document.get("settings") or {}
    least = float(settings.get("tempo_min_confidence", 0.0))
    return _series(document.get("tempo", ()), "bpm", lambda row: row["confidence"] >= least)


def _velocity_series(document: Mapping[str, Any]) -> Series:
    return _series(document.get("dynamics", ()), "velocity", lambda row: True)


def _series(
    rows: Iterable[Mapping[str, Any]], key: str, keep: Callable[[Mapping[str, Any]], bool]
) -> Series:
    out: Series = {p: [] for p in PLAYERS}
    for row in rows:
        if row[key] is not None and keep(row):
            out[row["player"]].append((float(row["t"]), float(row[key])))
    return out


def _curve_lane(
    parts: list[str],
    axis: _Axis,
    y: float,
    label: str,
    series: Series,
    fixed: tuple[float, float] | None,
    height: float = 90.0,
) -> float:
    values = [v for points in series.values() for _, v in points]
    _lane_label(parts, axis, y + height / 2 + 4, label)
    parts.append(
        f'<rect x="{axis.left:.0f}" y="{y:.1f}" width="{WIDTH - axis.left - RIGHT:.0f}"'
        f' height="{height:.0f}" fill="none" stroke="{FAINT}"/>'
    )
    if not values:
        parts.append(
            f'<text x="{axis.left + 8:.0f}" y="{y + height / 2 + 4:.1f}" fill="#666666">'
            "nothing to show</text>"
        )
        return y + height + GAP
    low, high = fixed or _nice_range(min(values), max(values))

    def to_y(v: float) -> float:
        return y + height - 4 - (height - 8) * (v - low) / (high - low)

    for value in (low, high):
        parts.append(
            f'<text x="{axis.left - 8:.0f}" y="{to_y(value) + 4:.1f}" text-anchor="end"'
            f' font-size="10" fill="#555555">{value:.0f}</text>'
        )
    for player, points in series.items():
        for segment in _segments(points):
            coords = " ".join(f"{axis.x(t):.1f},{to_y(v):.1f}" for t, v in segment)
            parts.append(
                f'<polyline points="{coords}" fill="none" stroke="{COLOURS[player]}"'
                ' stroke-width="1.4" stroke-linejoin="round"/>'
            )
    return y + height + GAP


def _nice_range(low: float, high: float) -> tuple[float, float]:
    low, high = math.floor(low / 10) * 10, math.ceil(high / 10) * 10
    return (low, high) if high > low else (low - 10, high + 10)


def _segments(points: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """Break a curve where a second is missing: silence is a gap, not a straight line."""
    segments: list[list[tuple[float, float]]] = []
    for point in points:
        if segments and point[0] - segments[-1][-1][0] <= 1.5:
            segments[-1].append(point)
        else:
            segments.append([point])
    return [s if len(s) > 1 else s * 2 for s in segments]


def _phrase_lane(
    parts: list[str],
    document: Mapping[str, Any],
    observations: Sequence[Observation],
    axis: _Axis,
    y: float,
) -> float:
    rows = {"client": y, "therapist": y + 16}
    for player, top in rows.items():
        _lane_label(parts, axis, top + 11, f"{player.capitalize()} phrases", COLOURS[player])
    for phrase in document.get("phrases", ()):
        x0, x1 = axis.x(phrase["start"]), axis.x(phrase["end"])
        colour = COLOURS[phrase["player"]]
        matched = phrase.get("breath_matched") is True
        tip = escape(
            f"{phrase['player']} phrase {span(phrase['start'], phrase['end'])},"
            f" {phrase['notes']} notes" + (", breath-matched" if matched else "")
        )
        parts.append(
            f'<rect x="{x0:.1f}" y="{rows[phrase["player"]] + 2:.1f}"'
            f' width="{max(x1 - x0, 1.0):.1f}" height="11" fill="{colour}"'
            f' fill-opacity="{0.85 if matched else 0.25}" stroke="{colour}" stroke-width="0.8">'
            f"<title>{tip}</title></rect>"
        )
    top = y + 34
    _lane_label(parts, axis, top + 10, "Breaths")
    for obs in observations:
        if obs.code == BREATH_CODE:
            x = axis.x(obs.t)
            parts.append(
                f'<line x1="{x:.1f}" y1="{top + 1:.1f}" x2="{x:.1f}" y2="{top + 12:.1f}"'
                f' stroke="{INK}" stroke-width="1.2"><title>breath {clock(obs.t)}</title></line>'
            )
    return top + 14 + GAP


# category lanes ----------------------------------------------------------------------------
@dataclass(slots=True)
class _Rows:
    """What is taken along x in each text row of one lane: row 0 is the marks' own strip (its
    ticks, its bars and the labels beside them), rows 1.. are the text rows under it."""

    ticks: list[float] = field(default_factory=list)
    bars: list[tuple[float, float]] = field(default_factory=list)
    taken: dict[int, list[tuple[float, float]]] = field(default_factory=dict)

    def free(self, row: int, x0: float, x1: float, *, over_bars: bool = False) -> bool:
        """Whether text from x0 to x1 overprints nothing in `row` (in the strip: no tick, and
        no bar unless the text is meant to sit `over_bars`, inside its own)."""
        if x0 < 0 or x1 > WIDTH - 2:
            return False
        if any(a < x1 + 1 and x0 - 1 < b for a, b in self.taken.get(row, ())):
            return False
        if row > 0:
            return True
        if any(x0 - 1.5 < t < x1 + 1.5 for t in self.ticks):
            return False
        return over_bars or not any(a < x1 and x0 < b for a, b in self.bars)

    def take(self, row: int, x0: float, x1: float) -> None:
        self.taken.setdefault(row, []).append((x0, x1))

    @property
    def used(self) -> int:
        """Text rows under the strip that hold a label."""
        return max((r for r in self.taken if self.taken[r]), default=0)


def _category_lanes(
    parts: list[str],
    marks: Sequence[Observation],
    lanes: Sequence[str],
    preset: Preset | None,
    axis: _Axis,
    y: float,
) -> float:
    of, labels = category_of(preset), label_of(preset)
    shades = _shades(marks)
    for category in lanes:
        lane = [o for o in marks if of.get(o.code, OTHER) == category]
        _lane_label(parts, axis, y + 12, category.capitalize())
        parts.append(
            f'<line x1="{axis.left:.0f}" y1="{y + 16:.1f}" x2="{WIDTH - RIGHT:.0f}"'
            f' y2="{y + 16:.1f}" stroke="{FAINT}"/>'
        )
        rows = _Rows()
        shapes: list[str] = []
        for obs in lane:
            shapes.append(_shape(obs, code_label(obs.code, labels), shades, axis, y, rows))
        texts = [
            text
            for obs in lane
            if (text := _label(obs, code_label(obs.code, labels), shades, axis, y, rows))
        ]
        parts += [*shapes, *texts]
        y += 20 + ROW * rows.used
    return y + GAP


def _shades(marks: Sequence[Observation]) -> dict[str, str]:
    """A shade per state code, in order of appearance, so adjacent states of different codes
    never look like one bar (and, up to `len(STATE_FILLS)` codes, no two codes share one)."""
    codes = dict.fromkeys(o.code for o in marks if o.kind == "state")
    return {code: STATE_FILLS[i % len(STATE_FILLS)] for i, code in enumerate(codes)}


def _tip(obs: Observation, label: str) -> str:
    value = obs.picked
    who = f"{obs.player} " if obs.player else ""
    when = span(obs.t, obs.end) if obs.kind == "state" and obs.end is not None else clock(obs.t)
    return escape(f"{when} {who}{label}" + (f": {value}" if value else ""))


def _state_end(obs: Observation, axis: _Axis) -> float:
    return axis.x(obs.end if obs.end is not None else axis.duration)


def _shape(
    obs: Observation, label: str, shades: Mapping[str, str], axis: _Axis, y: float, rows: _Rows
) -> str:
    """One observation as a tick (point) or a bar in its code's shade (state), edged in white
    and begun with a dark line, so a state that starts where another ends shows the change."""
    x = axis.x(obs.t)
    tip = _tip(obs, label)
    if obs.kind == "state":
        end = max(_state_end(obs, axis), x + 1.5)
        rows.bars.append((x, end))
        return (
            f'<rect class="state" data-code="{escape(obs.code)}" x="{x:.1f}" y="{y + 3:.1f}"'
            f' width="{end - x:.1f}" height="13" fill="{shades[obs.code]}" stroke="#ffffff"'
            f' stroke-width="1"><title>{tip}</title></rect>'
            f'<line x1="{x + 0.5:.1f}" y1="{y + 3:.1f}" x2="{x + 0.5:.1f}" y2="{y + 16:.1f}"'
            f' stroke="{INK}" stroke-width="1"/>'
        )
    rows.ticks.append(x)
    return (
        f'<line class="tick" x1="{x:.1f}" y1="{y + 3:.1f}" x2="{x:.1f}" y2="{y + 16:.1f}"'
        f' stroke="{INK}" stroke-width="1.5"><title>{tip}</title></line>'
    )


def _abbreviations(label: str) -> list[str]:
    """Shorter forms of a state's name for a narrow bar: 'Mat.' then 'M'; initials of a name
    of several words ('Turn taking': 'TT')."""
    words = label.split()
    short = "".join(w[0] for w in words).upper() if len(words) > 1 else label[:3] + "."
    return [s for s in dict.fromkeys((short, label[0])) if len(s) < len(label)]


def _label(
    obs: Observation, label: str, shades: Mapping[str, str], axis: _Axis, y: float, rows: _Rows
) -> str:
    """The label of one mark where it overprints nothing, or '' (the mark keeps its tooltip).

    A point is labelled beside its tick, else in the first text row under the lane with room;
    a state inside its bar, else under it after a square of its shade, else abbreviated inside
    it. A mark shows the value the therapist picked; an automatic one its label, since its
    value ('4.2 s, 12 notes') says nothing without it.
    """
    x = axis.x(obs.t)
    if obs.kind == "state":
        return _state_label(label, shades[obs.code], x, _state_end(obs, axis), y, rows)
    short = label if obs.source == "auto" else obs.picked or label
    width = text_width(short, MARK_FONT)
    if rows.free(0, x + 3, x + 3 + width):
        return _text(rows, 0, x + 3, width, y, short)
    return _below(rows, x, width, y, lambda row, start: _text(rows, row, start, width, y, short))


def _state_label(label: str, shade: str, x0: float, x1: float, y: float, rows: _Rows) -> str:
    width = text_width(label, MARK_FONT)
    if x0 + 3 + width <= x1 - 2 and rows.free(0, x0 + 3, x0 + 3 + width, over_bars=True):
        return _text(rows, 0, x0 + 3, width, y, label, "state-label")

    def swatched(row: int, start: float) -> str:
        swatch = (
            f'<rect x="{start:.1f}" y="{y + 6 + ROW * row:.1f}" width="7" height="7"'
            f' fill="{shade}" stroke="{INK}" stroke-width="0.5"/>'
        )
        return swatch + _text(rows, row, start + SWATCH, width, y, label, "state-label")

    below = _below(rows, x0, SWATCH + width, y, swatched)
    if below:
        return below
    for short in _abbreviations(label):
        width = text_width(short, MARK_FONT)
        if x0 + 2 + width <= x1 - 1 and rows.free(0, x0 + 2, x0 + 2 + width, over_bars=True):
            text = _text(rows, 0, x0 + 2, width, y, short, "state-label")
            return text.replace("</text>", f"<title>{escape(label)}</title></text>")
    return ""


def _below(rows: _Rows, x: float, width: float, y: float, draw: Callable[[int, float], str]) -> str:
    """A label in the first text row under the lane with room, joined to its mark at `x` by a
    thin leader that crosses no other label; written left of the leader near the right edge.

    `draw(row, start)` draws the label and takes its room; '' if no row has room.
    """
    start = x + 2 if x + 2 + width <= WIDTH - 2 else x - 2 - width
    for row in range(1, MAX_ROWS + 1):
        path = all(rows.free(r, x - 0.5, x + 0.5) for r in range(1, row))
        box = (min(start, x - 0.5), max(start + width, x + 0.5))
        if path and rows.free(row, *box):
            for r in range(1, row):
                rows.take(r, x - 0.5, x + 0.5)
            rows.take(row, *box)
            leader = (
                f'<line class="leader" x1="{x:.1f}" y1="{y + 16:.1f}" x2="{x:.1f}"'
                f' y2="{y + 14 + ROW * row:.1f}" stroke="#8a8a8a" stroke-width="0.6"/>'
            )
            return leader + draw(row, start)
    return ""


def _text(
    rows: _Rows, row: int, x: float, width: float, y: float, words: str, kind: str = "label"
) -> str:
    rows.take(row, x, x + width)
    return (
        f'<text class="{kind}" x="{x:.1f}" y="{y + 13 + ROW * row:.1f}" font-size="{MARK_FONT:g}"'
        f' fill="{INK}">{escape(words)}</text>'
    )


# bands, grid, axis -------------------------------------------------------------------------
def _bands(
    document: Mapping[str, Any],
    verdicts: Mapping[str, str],
    axis: _Axis,
    top: float,
    bottom: float,
) -> list[str]:
    """A shaded band through every lane for each moment that counts (not the rejected)."""
    out = []
    for m in document.get("moments", ()):
        if moment_status(m, verdicts) == REJECTED:
            continue
        x0, x1 = axis.x(m["start"]), axis.x(m["end"])
        out.append(
            f'<rect x="{x0:.1f}" y="{top:.1f}" width="{max(x1 - x0, 1.5):.1f}"'
            f' height="{bottom - top:.1f}" fill="{MOMENT}" fill-opacity="0.12"/>'
        )
    return out


def _tick_step(duration: float) -> int:
    return next((s for s in TICK_STEPS if duration / s <= 12), TICK_STEPS[-1])


def _grid(axis: _Axis, top: float, bottom: float) -> list[str]:
    step = _tick_step(axis.duration)
    return [
        f'<line x1="{axis.x(t):.1f}" y1="{top:.1f}" x2="{axis.x(t):.1f}" y2="{bottom:.1f}"'
        f' stroke="#eeeeee"/>'
        for t in range(0, int(axis.duration) + 1, step)
    ]


def _time_labels(axis: _Axis, y: float) -> list[str]:
    step = _tick_step(axis.duration)
    return [
        f'<text x="{axis.x(t):.1f}" y="{y + 12:.1f}" text-anchor="middle" font-size="10"'
        f' fill="#444444">{clock(t)}</text>'
        for t in range(0, int(axis.duration) + 1, step)
    ]
