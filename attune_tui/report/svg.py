"""The session timeline as inline SVG: what both players did, and what the therapist marked.

Lanes share one time axis so a supervisor can see at a glance what preceded a moment: tempo and
velocity curves per player, phrases (breath-matched ones solid) with the breath taps, one lane
per observation category, and attunement moments as shaded bands through every lane. Plain SVG
text with no scripts or external references (not even the namespace URL, which HTML does not
need), so it prints and works offline.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from attune_tui.analysis.notes import PLAYERS
from attune_tui.analyze import BREATH_CODE
from attune_tui.model.observation import Observation
from attune_tui.model.preset import Preset
from attune_tui.report.tables import OTHER, categories, category_of, label_of
from attune_tui.report.text import clock, moment_label, span
from attune_tui.wording import code_label

WIDTH = 820.0
LEFT = 104.0
RIGHT = 14.0
GAP = 10.0
COLOURS = {"client": "#1f5f99", "therapist": "#c4512b"}
MOMENT = "#2a9d8f"
MATCH, GUIDE = "#e9c46a", "#6d597a"
INK, FAINT = "#222222", "#d0d0d0"
TICK_STEPS = (5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)


@dataclass(frozen=True, slots=True)
class _Axis:
    """Maps session seconds to x."""

    duration: float

    def x(self, t: float) -> float:
        width = WIDTH - LEFT - RIGHT
        return LEFT + width * min(max(t, 0.0), self.duration) / self.duration


def timeline_svg(
    document: Mapping[str, Any], observations: Sequence[Observation], preset: Preset | None
) -> str:
    """The whole timeline as one `<svg>` element, scaled to the width of its container."""
    last_mark = max((o.end or o.t for o in observations), default=0.0)
    axis = _Axis(max(float(document["duration_s"]), last_mark, 1.0))
    parts: list[str] = []
    top = y = 4.0
    y = _moments_lane(parts, document, axis, y)
    y = _curve_lane(parts, axis, y, "Tempo (BPM)", _tempo_series(document), None)
    y = _curve_lane(parts, axis, y, "Velocity", _velocity_series(document), (0.0, 127.0))
    y = _phrase_lane(parts, document, observations, axis, y)
    y = _category_lanes(parts, observations, preset, axis, y)
    bands = _bands(document, axis, top, y)
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
def _lane_label(parts: list[str], y: float, label: str, colour: str = INK) -> None:
    parts.append(
        f'<text x="{LEFT - 8:.0f}" y="{y:.1f}" text-anchor="end" fill="{colour}">'
        f"{escape(label)}</text>"
    )


def _moments_lane(parts: list[str], document: Mapping[str, Any], axis: _Axis, y: float) -> float:
    _lane_label(parts, y + 12, "Attunement")
    for number, m in enumerate(document.get("moments", ()), start=1):
        x0, x1 = axis.x(m["start"]), axis.x(m["end"])
        tip = escape(f"Moment {number}, {span(m['start'], m['end'])}: {moment_label(m)}")
        parts.append(
            f'<rect x="{x0:.1f}" y="{y + 2:.1f}" width="{max(x1 - x0, 1.5):.1f}" height="13"'
            f' fill="{MOMENT}" fill-opacity="0.7"><title>{tip}</title></rect>'
        )
        if x1 - x0 >= 7.0 * len(str(number)) + 5:  # numbered only where the digits fit
            parts.append(
                f'<text x="{x0 + 3:.1f}" y="{y + 12:.1f}" fill="#ffffff" font-weight="bold">'
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
    _lane_label(parts, y + height / 2 + 4, label)
    parts.append(
        f'<rect x="{LEFT:.0f}" y="{y:.1f}" width="{WIDTH - LEFT - RIGHT:.0f}"'
        f' height="{height:.0f}" fill="none" stroke="{FAINT}"/>'
    )
    if not values:
        parts.append(
            f'<text x="{LEFT + 8:.0f}" y="{y + height / 2 + 4:.1f}" fill="#666666">'
            "nothing to show</text>"
        )
        return y + height + GAP
    low, high = fixed or _nice_range(min(values), max(values))

    def to_y(v: float) -> float:
        return y + height - 4 - (height - 8) * (v - low) / (high - low)

    for value in (low, high):
        parts.append(
            f'<text x="{LEFT - 8:.0f}" y="{to_y(value) + 4:.1f}" text-anchor="end"'
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
        _lane_label(parts, top + 11, f"{player.capitalize()} phrases", COLOURS[player])
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
    _lane_label(parts, top + 10, "Breaths")
    for obs in observations:
        if obs.code == BREATH_CODE:
            x = axis.x(obs.t)
            parts.append(
                f'<line x1="{x:.1f}" y1="{top + 1:.1f}" x2="{x:.1f}" y2="{top + 12:.1f}"'
                f' stroke="{INK}" stroke-width="1.2"><title>breath {clock(obs.t)}</title></line>'
            )
    return top + 14 + GAP


def _category_lanes(
    parts: list[str],
    observations: Sequence[Observation],
    preset: Preset | None,
    axis: _Axis,
    y: float,
) -> float:
    marks = [o for o in observations if o.code != BREATH_CODE]
    of, labels = category_of(preset), label_of(preset)
    for category in categories(preset, marks):
        _lane_label(parts, y + 12, category.capitalize())
        parts.append(
            f'<line x1="{LEFT:.0f}" y1="{y + 16:.1f}" x2="{WIDTH - RIGHT:.0f}" y2="{y + 16:.1f}"'
            f' stroke="{FAINT}"/>'
        )
        free_from = 0.0
        for obs in (o for o in marks if of.get(o.code, OTHER) == category):
            free_from = _mark(parts, obs, code_label(obs.code, labels), axis, y, free_from)
        y += 20
    return y + GAP


def _mark(
    parts: list[str], obs: Observation, label: str, axis: _Axis, y: float, free_from: float
) -> float:
    """One observation as a tick (point) or a bar (state); its label only where there is room.

    A mark shows the value the therapist picked; an automatic one its label, since its value
    ('4.2 s, 12 notes') says nothing without it.
    """
    x = axis.x(obs.t)
    value = obs.picked
    short = label if obs.source == "auto" else value or label
    who = f"{obs.player} " if obs.player else ""
    tip = escape(f"{clock(obs.t)} {who}{label}" + (f": {value}" if value else ""))
    if obs.kind == "state":
        end = axis.x(obs.end if obs.end is not None else axis.duration)
        parts.append(
            f'<rect x="{x:.1f}" y="{y + 5:.1f}" width="{max(end - x, 1.5):.1f}" height="9"'
            f' fill="#888888" fill-opacity="0.45"><title>{tip}</title></rect>'
        )
    else:
        parts.append(
            f'<line x1="{x:.1f}" y1="{y + 3:.1f}" x2="{x:.1f}" y2="{y + 16:.1f}"'
            f' stroke="{INK}" stroke-width="1.5"><title>{tip}</title></line>'
        )
    width = 5.8 * len(short) + 4
    if x + 3 < free_from or x + 3 + width > WIDTH:
        return free_from
    parts.append(
        f'<text x="{x + 3:.1f}" y="{y + 13:.1f}" font-size="10" fill="{INK}">{escape(short)}</text>'
    )
    return x + 3 + width


# bands, grid, axis -------------------------------------------------------------------------
def _bands(document: Mapping[str, Any], axis: _Axis, top: float, bottom: float) -> list[str]:
    out = []
    for m in document.get("moments", ()):
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
