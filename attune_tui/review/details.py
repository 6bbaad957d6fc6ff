"""What the details pane says about the selected observation or moment, as label/value rows.

The history rows read the session journal's own records, so the pane shows exactly what is
kept: when a mark was added, each edit with its time and source, and the time first logged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from attune_tui.clocktext import tenths_text
from attune_tui.model.observation import Observation
from attune_tui.model.preset import Preset
from attune_tui.review.timeline import MomentBand, category_of
from attune_tui.wording import code_label, modifier_words, source_words

Row = tuple[str, str]

VERDICTS = {
    "open": "not reviewed yet (a accepts, x rejects)",
    "accepted": "accepted",
    "rejected": "rejected",
    "manual": "the therapist's own mark",
}
SOURCES = {
    "auto": "found in the MIDI",
    "manual": "marked by the therapist only",
    "both": "found in the MIDI and marked by the therapist",
}


def seconds_text(t: float) -> str:
    """`01:05.3`: tenths matter when a mark is moved; the whole seconds read as on the clock."""
    return tenths_text(t)


def observation_rows(
    obs: Observation, preset: Preset, history: Sequence[Mapping[str, Any]]
) -> list[Row]:
    code = preset.by_code().get(obs.code)
    rows: list[Row] = [
        ("time", seconds_text(obs.t) + (f" to {seconds_text(obs.end)}" if obs.end else "")),
        ("code", obs.code),
        ("label", code.label if code else code_label(obs.code, {})),
        ("category", category_of(obs, preset)),
    ]
    modifiers = modifier_words(obs.modifiers)
    if modifiers:
        rows.append(("modifiers", ", ".join(modifiers)))
    if obs.text:
        rows.append(("text", obs.text))
    source = source_words(obs.source, obs.code)
    rows.append(("source", source + (f" ({obs.player})" if obs.player else "")))
    if obs.original_t is not None:
        rows.append(("logged at", seconds_text(obs.original_t)))
    rows.extend(("history", line) for line in history_lines(history))
    return rows


def history_lines(history: Sequence[Mapping[str, Any]]) -> list[str]:
    lines = []
    for record in history:
        op = record.get("op")
        when = str(record.get("at", ""))[11:19]
        if op == "add":
            obs = record.get("obs", {})
            lines.append(f"added at {seconds_text(float(obs.get('t', 0.0)))} by {_src(obs)}")
        elif op == "set":
            fields = dict(record.get("fields", {}))
            fields.pop("original_t", None)
            changes = ", ".join(f"{k}={_value(k, v)}" for k, v in fields.items())
            by = source_words(str(record.get("source", "")))
            lines.append(f"changed by {by} at {when} (clock): {changes}")
        elif op in ("delete", "restore"):
            lines.append(f"{op}d at {when} (clock): {record.get('reason', '')}".strip(": "))
    return lines


def _src(obs: Mapping[str, Any]) -> str:
    """Who logged it, in the words of the `source` row (`review`, not `edit`)."""
    return source_words(str(obs.get("source", "key")), str(obs.get("code", "")))


def _value(key: str, value: object) -> str:
    if key in ("t", "end") and isinstance(value, int | float):
        return seconds_text(float(value))
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {v}" for k, v in value.items()) + "}"
    return repr(value) if isinstance(value, str) else str(value)


def moment_rows(moment: MomentBand) -> list[Row]:
    rows: list[Row] = [
        ("moment", f"{seconds_text(moment.start)} to {seconds_text(moment.end)}"),
        ("length", f"{moment.end - moment.start:.1f} s"),
        ("source", SOURCES.get(moment.source, moment.source)),
        ("verdict", VERDICTS.get(moment.verdict, moment.verdict)),
    ]
    if moment.source != "manual":
        rows += [
            ("dimensions", ", ".join(moment.dimensions) or "none"),
            ("strength", f"{moment.strength:.2f}"),
            ("leader", moment.leader),
        ]
    if moment.pattern:
        rows.append(("pattern", moment.pattern))
    return rows


def parse_seconds(text: str) -> float:
    """`65.3`, `01:05.3` or `1:01:05.3` as seconds; ValueError says what to type."""
    parts = text.strip().split(":")
    try:
        if not parts[-1] or len(parts) > 3:
            raise ValueError
        values = [float(p) for p in parts]
    except ValueError:
        raise ValueError(
            f"{text!r} is not a time: type seconds (65.3) or mm:ss.s (01:05.3)"
        ) from None
    seconds = 0.0
    for value in values:
        seconds = seconds * 60.0 + value
    if seconds < 0 or any(v < 0 for v in values):
        raise ValueError(f"{text!r}: a time in the session cannot be negative")
    return seconds
