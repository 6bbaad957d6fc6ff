"""The session summary in the words of a clinical note, from the analysis and the check-in.

Figures are cut to what a note would say (whole seconds, counted as the clock counts them, and
whole percent) and sentences with nothing to report are left out rather than filled with zeros.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attune_tui.clocktext import whole_seconds
from attune_tui.model.session import CheckIn
from attune_tui.report.reviewed import reviewed_analysis
from attune_tui.report.text import NO_MIDI, rejected_line

_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def count(n: int, noun: str) -> str:
    """`one moment`, `4 moments`: words up to ten in running text, as a note would write them."""
    word = _WORDS[n] if 0 <= n < len(_WORDS) else str(n)
    return f"{word} {noun}" if n == 1 else f"{word} {noun}s"


def sentence(text: str) -> str:
    """Upper-case the first letter only (`str.capitalize` would lower-case "MIDI")."""
    return text[:1].upper() + text[1:]


def duration_text(seconds: float) -> str:
    """`25 s`, `3 min 05 s`, `1 h 02 min`: whole seconds as the clock counts them (truncated),
    so 'after 25 s' here is '00:25' in the report."""
    total = whole_seconds(seconds)
    if total < 60:
        return f"{total} s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def review_sentences(
    analysis: Mapping[str, Any] | None,
    quick_summary: Mapping[str, Any] | None,
    verdicts: Mapping[str, str],
    duration_s: float,
    checkin: CheckIn | None,
) -> list[str]:
    """The review's summary pane: the analysis as reviewed (rejected moments left out), or,
    until the analysis is done, the summary computed first (it has no moments to review)."""
    if analysis is None:
        return summary_sentences(quick_summary, duration_s, checkin)
    reviewed = reviewed_analysis(analysis, verdicts)
    players = reviewed.get("players")
    played = players is None or any(p.get("notes") for p in dict(players).values())
    return summary_sentences(reviewed.get("summary"), duration_s, checkin, played=played)


def summary_sentences(
    summary: Mapping[str, Any] | None,
    duration_s: float,
    checkin: CheckIn | None,
    played: bool = True,
) -> list[str]:
    """Sentences for the summary pane: attunement, roles, breath, affect, alliance.

    Without a note played (`played` False) it says what the note says, not that the two
    players never met.
    """
    if summary is None:
        lines = ["No MIDI analysis for this session: only the logged observations are shown."]
    elif not played:
        lines = [NO_MIDI]
    else:
        lines = _attunement(summary, duration_s)
        rejected = rejected_line(summary)
        if rejected:
            lines.insert(1, rejected)
    if checkin is not None:
        lines.append(checkin_sentence(checkin))
    return lines


def _attunement(s: Mapping[str, Any], duration_s: float) -> list[str]:
    moments = int(s.get("moments", 0))
    if moments == 0:
        return ["Client and therapist did not meet in any moment found or marked."]
    lines = [
        f"Client and therapist met in {count(moments, 'moment')} covering "
        f"{round(float(s.get('attuned_pct', 0.0)))} % of the session "
        f"({duration_text(float(s.get('attuned_s', 0.0)))} of {duration_text(duration_s)})."
    ]
    first = s.get("time_to_first_moment_s")
    if first is not None:
        longest = duration_text(float(s.get("longest_moment_s", 0.0)))
        lines.append(
            f"The first came after {duration_text(float(first))}; the longest lasted {longest}."
        )
    dims = {k: int(v) for k, v in dict(s.get("moments_by_dimension", {})).items() if v}
    if dims:
        lines.append("They met in " + ", ".join(f"{k} ({v})" for k, v in dims.items()) + ".")
    lines.extend(_leaders(dict(s.get("leader_shares", {}))))
    lines.extend(_sources(dict(s.get("moments_by_source", {}))))
    episodes = int(s.get("match_then_guide_episodes", 0))
    if episodes:
        lines.append(
            f"{sentence(count(episodes, 'match-then-guide episode'))}: the therapist met the "
            "client's playing, then led a change the client followed."
        )
    lines.extend(_breath_and_affect(s))
    return lines


def _leaders(shares: Mapping[str, float]) -> list[str]:
    names = {"therapist": "the therapist", "client": "the client", "mutual": "both together"}
    parts = [
        f"{names[k]} led {round(100 * float(v))} %" for k, v in shares.items() if k in names and v
    ]
    return [f"Of the attuned time, {' and '.join(parts)}."] if parts else []


def _sources(by_source: Mapping[str, int]) -> list[str]:
    both, manual = int(by_source.get("both", 0)), int(by_source.get("manual", 0))
    parts = []
    if both:
        verb = "was" if both == 1 else "were"
        parts.append(f"{count(both, 'moment')} marked by the therapist {verb} found in the MIDI")
    if manual:
        parts.append(f"{count(manual, 'moment')} marked by the therapist only")
    return [sentence("; ".join(parts)) + "."] if parts else []


def _breath_and_affect(s: Mapping[str, Any]) -> list[str]:
    lines = []
    matched = s.get("breath_matched_phrases")
    if matched:
        lines.append(f"{sentence(count(int(matched), 'phrase'))} matched the client's breath.")
    shifts = s.get("affect_shifts")
    if shifts:
        near = s.get("affect_shifts_near_moments", [])
        during = sum(1 for row in near if row.get("distance_s") == 0.0)
        if int(shifts) == 1:
            where = "during a moment" if during else "outside the moments"
        else:
            where = f"{during} of them during a moment"
        lines.append(f"{sentence(count(int(shifts), 'affect shift'))}, {where}.")
    return lines


def checkin_sentence(checkin: CheckIn) -> str:
    """The alliance check-in (Bordin: goals, tasks, bond), therapist first, client if given."""
    text = f"Check-in (0-10): goals {checkin.goals}, tasks {checkin.tasks}, bond {checkin.bond}"
    client = (checkin.client_goals, checkin.client_tasks, checkin.client_bond)
    if any(v is not None for v in client):
        shown = ", ".join(
            f"{name} {v}"
            for name, v in zip(("goals", "tasks", "bond"), client, strict=True)
            if v is not None
        )
        text += f"; the client rated {shown}"
    text += "."
    if checkin.summary:
        text += f' "{checkin.summary}"'
    return text
