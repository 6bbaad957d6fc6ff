"""Rows behind every export's tables: moments (BORIS-like), codes by category, check-in.

Moments come from the analysis document and carry the therapist's review verdict, so a
researcher can keep only what the clinician accepted. Categories come from the preset, so a
table groups codes the way the therapist's vocabulary does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from attune_tui.analyze import AFFECT_CODE, ATTUNEMENT_CODE
from attune_tui.clocktext import whole_seconds
from attune_tui.model.observation import Observation
from attune_tui.model.preset import DEFAULT_CHECKIN, Preset
from attune_tui.model.session import CheckIn
from attune_tui.report.reviewed import MARKED, moment_status
from attune_tui.report.text import clock, leader_name, span
from attune_tui.store import SessionData
from attune_tui.wording import (
    AUTO_CATEGORY,
    AUTO_LABELS,
    OWN_CATEGORIES,
    SESSION_CATEGORY,
    SESSION_LABELS,
    code_label,
    modifier_words,
)

MOMENT_COLUMNS = (
    "session", "client", "start", "end", "duration", "dimensions", "strength", "leader",
    "pattern", "source", "verdict",
)  # fmt: skip
OTHER = "other"
"""Category of a code neither the preset nor the app defines (an older preset's)."""


def moment_verdict(moment: Mapping[str, Any], verdicts: Mapping[str, str]) -> str:
    """'accepted', 'rejected', 'open' (not reviewed) or 'marked' (the therapist's own mark):
    the status the screen, the note and the JSON give, so no table disagrees with them."""
    return moment_status(moment, verdicts)


READABLE_MOMENT_HEADER = (
    "#", "Time", "Length (s)", "Met in", "Led by", "Pattern", "Strength", "Found by", "Review",
)  # fmt: skip
_FOUND_BY = {"auto": "MIDI", "manual": "therapist", "both": "MIDI and therapist"}
_REVIEW = {"open": "not reviewed", MARKED: "marked"}
DIMENSION_MODIFIER = "dimension"
"""The attunement mark's modifier naming where they met (`m` then `2`: timing)."""


def readable_moment_rows(
    moments: Sequence[Mapping[str, Any]],
    verdicts: Mapping[str, str],
    observations: Sequence[Observation] = (),
) -> list[tuple[str, ...]]:
    """The moments table of the note and the report, in words a reader of either knows.

    A moment only the therapist marked was not measured: it is met in what the marks inside
    it name, and its review reads 'marked', since such a moment takes no verdict.
    """
    return [
        (
            str(n),
            span(m["start"], m["end"]),
            str(whole_seconds(m["end"] - m["start"])),
            ", ".join(m["dimensions"] or _marked_dimensions(m, observations)) or "-",
            leader_name(m["leader"]),
            m.get("pattern") or "",
            f"{m['strength']:.2f}",
            _FOUND_BY[m["source"]],
            review_words(m, verdicts),
        )
        for n, m in enumerate(moments, start=1)
    ]


def review_words(moment: Mapping[str, Any], verdicts: Mapping[str, str]) -> str:
    """A moment's review as the tables say it: accepted, rejected, not reviewed or marked."""
    status = moment_status(moment, verdicts)
    return _REVIEW.get(status, status)


def _marked_dimensions(moment: Mapping[str, Any], observations: Sequence[Observation]) -> list[str]:
    """Dimensions the therapist's attunement marks inside a moment name, in logged order."""
    if moment.get("source") != "manual":
        return []
    named = (
        str(o.modifiers[DIMENSION_MODIFIER])
        for o in observations
        if o.code == ATTUNEMENT_CODE
        and DIMENSION_MODIFIER in o.modifiers
        and moment["start"] <= o.t <= moment["end"]
    )
    return list(dict.fromkeys(named))


def moment_rows(
    session: str, client: str, moments: Sequence[Mapping[str, Any]], verdicts: Mapping[str, str]
) -> list[list[str]]:
    """One row per moment, times in seconds with 3 decimals, dimensions joined by ';'."""
    return [_moment_row(session, client, m, verdicts) for m in moments]


def _moment_row(
    session: str, client: str, m: Mapping[str, Any], verdicts: Mapping[str, str]
) -> list[str]:
    return [
        session, client, f"{m['start']:.3f}", f"{m['end']:.3f}", f"{m['end'] - m['start']:.3f}",
        ";".join(m["dimensions"]), f"{m['strength']:.3f}", m["leader"], m.get("pattern") or "",
        m["source"], moment_verdict(m, verdicts),
    ]  # fmt: skip


def category_of(preset: Preset | None) -> dict[str, str]:
    """Code to category: the preset's, `AUTO_CATEGORY` for the MIDI analysis's own codes and
    `SESSION_CATEGORY` for the app's (a pause).

    Any other code (a preset that is no longer installed) falls in `OTHER`.
    """
    own = dict(OWN_CATEGORIES)
    return own if preset is None else own | {c.code: c.category for c in preset.codes}


def label_of(preset: Preset | None) -> dict[str, str]:
    """Code to the label the therapist sees on the live screen (see `wording.code_label`)."""
    return {} if preset is None else preset.labels()


def categories(preset: Preset | None, observations: Sequence[Observation]) -> list[str]:
    """Categories the observations use: the preset's in its order, then automatic, session and
    `OTHER`."""
    of = category_of(preset)
    ordered = list(dict.fromkeys(c.category for c in preset.codes)) if preset is not None else []
    ordered += [c for c in (AUTO_CATEGORY, SESSION_CATEGORY, OTHER) if c not in ordered]
    used = {of.get(o.code, OTHER) for o in observations}
    return [c for c in ordered if c in used]


def detail(obs: Observation) -> str:
    """Player, modifiers and free text of an observation in one short phrase.

    An automatic observation's description is shown as it is ('client; 92 → 120 BPM'): its
    modifier key is an internal name, not a word for the reader. An empty one is left out.
    """
    parts: list[str] = [obs.player] if obs.player else []
    parts += modifier_words(obs.modifiers)
    if obs.text:
        parts.append(obs.text)
    return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class CodeCount:
    """How often a code was logged, and for states how long it lasted in all."""

    category: str
    code: str
    label: str
    count: int
    state_s: float | None


def code_counts(preset: Preset | None, observations: Sequence[Observation]) -> list[CodeCount]:
    """Counts per code grouped by category, in preset order (the note's observation table)."""
    of, labels = category_of(preset), label_of(preset)
    order = [c.code for c in preset.codes] if preset is not None else []
    order += [c for c in (*AUTO_LABELS, *SESSION_LABELS) if c not in order]
    used = list(dict.fromkeys(o.code for o in observations))
    codes = [c for c in order if c in used] + sorted(c for c in used if c not in order)
    rank = {c: i for i, c in enumerate(categories(preset, observations))}
    rows = []
    for code in codes:
        logged = [o for o in observations if o.code == code]
        states = [o for o in logged if o.kind == "state" and o.end is not None]
        rows.append(
            CodeCount(
                category=of.get(code, OTHER),
                code=code,
                label=code_label(code, labels),
                count=len(logged),
                state_s=sum(o.end - o.t for o in states if o.end is not None) if states else None,
            )
        )
    return sorted(rows, key=lambda r: rank[r.category])


def heading_facts(
    data: SessionData, preset: Preset | None, redacted: bool
) -> list[tuple[str, str]]:
    """Who, when, what: shown at the top of the note and the report (only the year if redacted)."""
    session = data.session
    when = f"{session.started_at:%Y}" if redacted else f"{session.started_at:%Y-%m-%d %H:%M}"
    return [
        ("Client", "redacted" if redacted else session.client),
        ("Date", when),
        ("Preset", preset.title if preset is not None else session.preset),
        ("Status", session.status),
    ]


def checkin_rows(checkin: CheckIn, preset: Preset | None) -> list[tuple[str, str, str]]:
    """(item, therapist's rating, client's rating or '-') in the preset's wording."""
    items = preset.checkin if preset is not None else DEFAULT_CHECKIN
    rows = []
    for item in items:
        own = getattr(checkin, item.field)
        theirs = getattr(checkin, f"client_{item.field}")
        rows.append((item.label, str(own), "-" if theirs is None else str(theirs)))
    return rows


def affect_shifts(observations: Sequence[Observation]) -> list[str]:
    """'0:30 to agitated', then '1:35 from agitated to calm': each shift with the one before."""
    lines = []
    previous: str | None = None
    for obs in observations:
        if obs.code != AFFECT_CODE:
            continue
        new = obs.picked or None
        if new is None:
            lines.append(f"{clock(obs.t)} affect shifted (new affect not picked)")
        elif previous is None:
            lines.append(f"{clock(obs.t)} to {new}")
        else:
            lines.append(f"{clock(obs.t)} from {previous} to {new}")
        previous = new or previous
    return lines


def notes_logged(observations: Sequence[Observation]) -> list[tuple[float, str]]:
    """Free-text notes typed during the session, by time ('[redacted]' in shared exports)."""
    return [(o.t, o.text) for o in observations if o.text]
