"""Plain-language wording of an analysis, shared by the terminal summary, the note and the HTML.

One place words the figures, so `attune analyze`, the Markdown note and the HTML report never
disagree about what a session showed. Every sentence is built from the versioned analysis JSON
(see `analysis.offline`), never from a second computation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from attune_tui.analysis.notes import PLAYERS
from attune_tui.clocktext import clock_text, span_text, whole_seconds

Document = Mapping[str, Any]
LISTED = 3
"""Episodes or affect shifts worded one by one up to this many; more are summed up."""
NEAR_S = 10.0
"""An affect shift this soon after a moment counts as following it, in the summed-up wording."""
NO_MIDI = "No MIDI was analysed for this session, so there is no reading of the playing."


def clock(seconds: float | None) -> str:
    """Session time as the screens show it (`clocktext.clock_text`); '-' when undefined."""
    return "-" if seconds is None else clock_text(seconds)


def span(start: float, end: float) -> str:
    """A stretch of the session, '00:25-00:46': each end reads as a single mark would."""
    return span_text(start, end)


def length(seconds: float) -> str:
    """A length in whole seconds, '42 s', counted as the clock counts (truncated), so the note
    and the review summary give a moment the same length."""
    return f"{whole_seconds(seconds)} s"


def percent(fraction: float) -> str:
    """A share as a whole percent: finer figures suggest a precision the data does not have."""
    return f"{100.0 * fraction:.0f}%"


def plural(count: int, word: str, words: str | None = None) -> str:
    """'1 moment', '4 moments'."""
    return f"{count} {word if count == 1 else (words or word + 's')}"


def joined(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def prevailing_marking(document: Document, player: str) -> str | None:
    """The dynamic marking a player held for most of the seconds they were playing."""
    marks = Counter(
        row["marking"]
        for row in document.get("dynamics", ())
        if row["player"] == player and row["marking"] is not None
    )
    return marks.most_common(1)[0][0] if marks else None


def event_count(document: Document, player: str, code: str) -> int:
    """How many automatic events of one kind a player had (tempo or dynamics changes)."""
    return sum(1 for e in document.get("events", ()) if e["player"] == player and e["code"] == code)


def player_line(document: Document, player: str) -> str:
    """One sentence of what a player did: notes, tempo, loudness, phrases."""
    p = document["players"][player]
    if not p["notes"]:
        return f"{player.capitalize()}: did not play."
    parts = [plural(p["notes"], "note")]
    if p["median_bpm"] is not None:
        changes = event_count(document, player, "tempo_change")
        parts.append(f"median tempo {p['median_bpm']:.0f} BPM ({plural(changes, 'tempo change')})")
    else:
        parts.append("no steady pulse")
    marking = prevailing_marking(document, player)
    loud = f"mean velocity {p['mean_velocity']:.0f}"
    if marking is not None:
        loud += f", mostly {marking}"
    changes = event_count(document, player, "dynamics_change")
    parts.append(f"{loud} ({plural(changes, 'dynamics change')})")
    if p["phrases"]:
        phrases = f"{plural(p['phrases'], 'phrase')} averaging {p['mean_phrase_s']:.1f} s"
        parts.append(f"{phrases}, {p['breath_matched_phrases']} breath-matched")
    return f"{player.capitalize()}: {'; '.join(parts)}."


def breath_line(document: Document) -> str | None:
    """The breath taps and rate, or None when the therapist marked no breaths."""
    breath = document.get("breath") or {}
    if not breath.get("taps"):
        return None
    rate = breath.get("rate")
    rate_text = f", about {rate:.0f} breaths a minute" if rate is not None else ""
    return f"Breath: {plural(breath['taps'], 'tap')} by the therapist{rate_text}."


def moment_label(moment: Mapping[str, Any]) -> str:
    """'intensity, timing; client led; call-and-response' for tables and tooltips."""
    dims = ", ".join(moment["dimensions"]) or "marked by hand"
    parts = [dims, leader_words(moment["leader"])]
    if moment.get("pattern"):
        parts.append(str(moment["pattern"]))
    return "; ".join(parts)


def leader_words(leader: str) -> str:
    """A moment's leader as words a note can use."""
    return {
        "client": "client led",
        "therapist": "therapist led",
        "mutual": "both led",
    }.get(leader, "no clear leader")


def moment_sources(summary: Mapping[str, Any]) -> str:
    """'3 found in the MIDI, 1 also marked by the therapist, 0 marked only by the therapist'."""
    by = summary["moments_by_source"]
    return (
        f"{by.get('auto', 0)} found in the MIDI, {by.get('both', 0)} also marked by the"
        f" therapist, {by.get('manual', 0)} marked only by the therapist"
    )


def rejected_line(summary: Mapping[str, Any] | None) -> str | None:
    """'1 moment rejected in review is left out of these figures.' (None if none was)."""
    rejected = int((summary or {}).get("rejected_moments", 0))
    if not rejected:
        return None
    verb = "is" if rejected == 1 else "are"
    return f"{plural(rejected, 'moment')} rejected in review {verb} left out of these figures."


def leader_name(leader: str) -> str:
    """A moment's leader as a table cell: 'both' and 'no clear leader', not the stored ids."""
    return {"mutual": "both", "none": "no clear leader"}.get(leader, leader)


def leader_shares(summary: Mapping[str, Any]) -> str:
    """'therapist 63%, client 37%': who led, largest share first (empty without moments)."""
    shares = sorted(((v, k) for k, v in summary["leader_shares"].items() if v > 0), reverse=True)
    return ", ".join(f"{leader_name(k)} {percent(v)}" for v, k in shares)


def reading(document: Document) -> list[str]:
    """A short plain-language reading of the figures, for the therapist to edit or delete."""
    summary = document.get("summary")
    notes = sum(p["notes"] for p in document["players"].values())
    if not summary or not notes:
        return [NO_MIDI]
    lines = [_attunement_sentence(document, summary)]
    leaders = _leader_sentence(summary)
    if leaders:
        lines.append(leaders)
    lines += _listed(document.get("episodes", ()), _episode_sentence, _episodes_sentence)
    breath = _breath_sentence(document)
    if breath:
        lines.append(breath)
    shifts = summary.get("affect_shifts_near_moments", ())
    lines += _listed(shifts, _affect_sentence, _affects_sentence)
    return lines


def _listed(
    rows: Sequence[Mapping[str, Any]],
    one: Callable[[Mapping[str, Any]], str],
    many: Callable[[Sequence[Mapping[str, Any]]], str],
) -> list[str]:
    """A sentence per row up to LISTED rows; past that, one sentence that sums them up."""
    return [one(row) for row in rows] if len(rows) <= LISTED else [many(rows)]


def _attunement_sentence(document: Document, summary: Mapping[str, Any]) -> str:
    count = summary["moments"]
    if not count:
        return f"No stretch of attunement was found in {clock(document['duration_s'])} of playing."
    dims = [f"{d} ({n})" for d, n in summary["moments_by_dimension"].items() if n]
    where = f" They met in {joined(dims)}." if dims else ""
    return (
        f"Client and therapist were attuned for {summary['attuned_pct']:.0f}% of the session"
        f" ({clock(summary['attuned_s'])} in {plural(count, 'moment')}). The first moment came"
        f" at {clock(summary['time_to_first_moment_s'])} and the longest lasted"
        f" {length(summary['longest_moment_s'])}.{where}"
    )


def _leader_sentence(summary: Mapping[str, Any]) -> str | None:
    words = {
        "therapist": "the therapist",
        "client": "the client",
        "mutual": "both together",
        "none": "no one clearly",
    }
    shares = sorted(
        ((v, k) for k, v in summary["leader_shares"].items() if v > 0 and k in words),
        reverse=True,
    )
    if not shares:
        return None
    (first, who), rest = shares[0], shares[1:]
    text = f"{words[who].capitalize()} led {percent(first)} of the attuned time"
    others = [f"{words[k]} {percent(v)}" for v, k in rest]
    return text + (f", {joined(others)}." if others else ".")


def _episode_sentence(episode: Mapping[str, Any]) -> str:
    return (
        f"Match, then guide ({span(episode['match_start'], episode['guide_end'])}): the therapist"
        f" first met the client's playing ({span(episode['match_start'], episode['match_end'])}),"
        f" then led a change that the client followed"
        f" ({span(episode['guide_start'], episode['guide_end'])})."
    )


def _episodes_sentence(episodes: Sequence[Mapping[str, Any]]) -> str:
    starts = [clock(e["match_start"]) for e in episodes[:LISTED]]
    return (
        f"Match, then guide happened {len(episodes)} times (first at {joined(starts)}): the"
        " therapist first met the client's playing, then led a change that the client followed."
    )


def _breath_sentence(document: Document) -> str | None:
    rate = (document.get("breath") or {}).get("rate")
    if rate is None:
        return None
    players = document["players"]
    phrases = sum(players[p]["phrases"] for p in PLAYERS)
    matched = sum(players[p]["breath_matched_phrases"] for p in PLAYERS)
    return (
        f"With the client breathing about {rate:.0f} times a minute, {matched} of"
        f" {plural(phrases, 'phrase')} were as long as one or two breaths."
    )


def _affect_sentence(row: Mapping[str, Any]) -> str:
    to = row.get("to")
    what = f"The shift to {to}" if to else "The affect shift"
    moment = row.get("moment")
    if moment is None:
        return f"{what} at {clock(row['t'])} came with no attunement moment in the session."
    where = span(moment["start"], moment["end"])
    if not row.get("distance_s"):
        return f"{what} at {clock(row['t'])} came during an attunement moment ({where})."
    relation = "after" if row["t"] > moment["end"] else "before"
    return (
        f"{what} at {clock(row['t'])} came {length(row['distance_s'])} {relation} an attunement"
        f" moment ({where})."
    )


def _affects_sentence(rows: Sequence[Mapping[str, Any]]) -> str:
    during = sum(1 for r in rows if "moment" in r and not r.get("distance_s"))
    after = sum(
        1
        for r in rows
        if "moment" in r and r.get("distance_s") and r["t"] > r["moment"]["end"]
        and r["distance_s"] <= NEAR_S
    )  # fmt: skip
    return (
        f"Of {len(rows)} affect shifts, {during} came during an attunement moment and {after}"
        f" within {NEAR_S:.0f} s after one."
    )


def analysis_text(document: Document) -> str:
    """The summary `attune analyze` prints: players, moments, and the plain reading."""
    lines = [f"Duration {clock(document['duration_s'])}"]
    lines += [player_line(document, p) for p in PLAYERS]
    breath = breath_line(document)
    if breath:
        lines.append(breath)
    moments = document.get("moments", ())
    lines.append("")
    lines.append(f"Attunement moments: {len(moments)}")
    for number, moment in enumerate(moments, start=1):
        lines.append(
            f"  {number:>2}  {span(moment['start'], moment['end']):<12}"
            f" {moment_label(moment)}  (strength {moment['strength']:.2f}, {moment['source']})"
        )
    lines.append("")
    lines.append("Reading:")
    lines += [f"  - {line}" for line in reading(document)]
    return "\n".join(lines)
