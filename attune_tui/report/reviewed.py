"""The analysis as the therapist reviewed it: a moment rejected in review leaves every figure.

The analysis counts every moment it found; the therapist then accepts or rejects them in
review. A rejected moment stays in the moments table (marked rejected) but must not be counted,
timed or attributed anywhere. The note, the report, the review summary and the progress table
all take their figures from `reviewed_analysis`, so no format can count it by mistake.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from attune_tui.analysis.attunement_moments import Moment, summarize_moments
from attune_tui.analysis.attunement_roles import MatchGuideEpisode, MomentLeader
from attune_tui.store.observations import moment_key

REJECTED = "rejected"
MARKED = "marked"


def moment_status(moment: Mapping[str, Any], verdicts: Mapping[str, str]) -> str:
    """'accepted', 'rejected', 'open' (not reviewed) or 'marked', as the review screen has it.

    A moment only the therapist marked is their own mark, never given a verdict; one the
    therapist's mark confirmed ('both') counts as accepted until it is reviewed otherwise, and
    again once un-decided.
    """
    source = moment.get("source", "auto")
    if source == "manual":
        return MARKED
    default = "accepted" if source == "both" else "open"
    verdict = verdicts.get(moment_key(moment["start"], moment["end"]), default)
    return default if verdict == "open" else verdict  # un-deciding returns to the default


def counted_moments(
    moments: Sequence[Mapping[str, Any]], verdicts: Mapping[str, str]
) -> list[Mapping[str, Any]]:
    """The moments that count: accepted, not yet reviewed or marked (every one not rejected)."""
    return [m for m in moments if moment_status(m, verdicts) != REJECTED]


def reviewed_analysis(document: Mapping[str, Any], verdicts: Mapping[str, str]) -> dict[str, Any]:
    """The analysis with its summary over the counted moments, and `rejected_moments` in it.

    The moments list stays whole (the tables show a rejected moment as rejected); the
    match-then-guide episodes of rejected moments go, as they are part of those moments, and
    each affect shift is related to the nearest moment that counts. Without a rejection the
    document is returned as it is, so its figures are exactly the analysis's.
    """
    moments: Sequence[Mapping[str, Any]] = document.get("moments") or ()
    summary = document.get("summary")
    kept = counted_moments(moments, verdicts)
    if len(kept) == len(moments) or not summary:
        return dict(document)
    gone = [m for m in moments if moment_status(m, verdicts) == REJECTED]
    episodes = [
        e
        for e in document.get("episodes", ())
        if not any(m["start"] - 0.01 <= e["match_start"] <= m["end"] for m in gone)
    ]
    figures = summarize_moments(
        [_moment(m) for m in kept],
        [_episode(e) for e in episodes],
        float(document["duration_s"]),
        summary.get("breath_matched_phrases"),
        summary.get("affect_shifts"),
    ).model_dump(mode="json")
    figures["affect_shifts_near_moments"] = [
        _nearest(row, kept) for row in summary.get("affect_shifts_near_moments", ())
    ]
    figures["rejected_moments"] = len(gone)
    return {**document, "summary": {**summary, **figures}, "episodes": episodes}


def _moment(row: Mapping[str, Any]) -> Moment:
    return Moment(
        start=float(row["start"]),
        end=float(row["end"]),
        dimensions=tuple(row.get("dimensions", ())),
        strength=float(row.get("strength", 0.0)),
        leader=cast(MomentLeader, row.get("leader", "none")),
        pattern=row.get("pattern"),
        source=row.get("source", "auto"),
    )


def _episode(row: Mapping[str, Any]) -> MatchGuideEpisode:
    return MatchGuideEpisode(
        float(row["match_start"]),
        float(row["match_end"]),
        float(row["guide_start"]),
        float(row["guide_end"]),
    )


def _nearest(row: Mapping[str, Any], moments: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """An affect shift with the nearest counted moment, as the analysis relates them."""
    t = float(row["t"])
    shift = {k: v for k, v in row.items() if k not in ("moment", "distance_s")}

    def distance(m: Mapping[str, Any]) -> float:
        return 0.0 if m["start"] <= t <= m["end"] else min(abs(m["start"] - t), abs(m["end"] - t))

    nearest = min(moments, key=distance, default=None)
    if nearest is None:
        return shift
    return {
        **shift,
        "moment": {"start": nearest["start"], "end": nearest["end"]},
        "distance_s": round(distance(nearest), 2),
    }
