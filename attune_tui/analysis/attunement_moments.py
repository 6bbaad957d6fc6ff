"""Moments of attunement, the therapist's own marks joined to them, and the session summary."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from pydantic import BaseModel, ConfigDict

from attune_tui.analysis.attunement_roles import MatchGuideEpisode, MomentLeader

Source = Literal["auto", "manual", "both"]
DIMENSIONS: tuple[str, ...] = ("intensity", "timing", "shape")


@dataclass(frozen=True, slots=True)
class Moment:
    """A stretch where the two players met, found in the MIDI, marked by hand, or both."""

    start: float
    end: float
    dimensions: tuple[str, ...]
    strength: float
    leader: MomentLeader
    pattern: str | None
    source: Source = "auto"

    @property
    def duration(self) -> float:
        return self.end - self.start

    def to_dict(self) -> dict[str, object]:
        """The JSON form shared by exports and the session record."""
        return {
            "start": round(self.start, 2),
            "end": round(self.end, 2),
            "dimensions": list(self.dimensions),
            "strength": round(self.strength, 3),
            "leader": self.leader,
            "pattern": self.pattern,
            "source": self.source,
        }


def join_manual(
    moments: Sequence[Moment],
    manual_mark_times: Sequence[float],
    tolerance_s: float = 3.0,
    manual_span_s: float = 4.0,
) -> tuple[Moment, ...]:
    """Join the therapist's attunement marks to the automatic moments.

    A mark within `tolerance_s` of a moment confirms it (source "both"). Marks near no moment
    become manual moments of `manual_span_s` centred on the mark (marks closer than the
    tolerance to each other are one moment); nothing was measured there, so strength is 0.
    """
    marks = sorted(manual_mark_times)
    confirmed = [False] * len(moments)
    loose: list[float] = []
    for mark in marks:
        hits = [
            i for i, m in enumerate(moments) if m.start - tolerance_s <= mark <= m.end + tolerance_s
        ]
        for i in hits:
            confirmed[i] = True
        if not hits:
            loose.append(mark)
    out = [replace(m, source="both") if ok else m for m, ok in zip(moments, confirmed, strict=True)]
    half = manual_span_s / 2.0
    groups: list[list[float]] = []
    for mark in loose:
        if groups and mark - groups[-1][-1] <= tolerance_s:
            groups[-1].append(mark)
        else:
            groups.append([mark])
    for g in groups:
        out.append(Moment(max(0.0, g[0] - half), g[-1] + half, (), 0.0, "none", None, "manual"))
    return tuple(sorted(out, key=lambda m: (m.start, m.end)))


class AttunementSummary(BaseModel):
    """Session-level figures for the note and the supervision review."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    moments: int
    moments_by_source: dict[str, int]
    attuned_s: float
    attuned_pct: float
    longest_moment_s: float
    time_to_first_moment_s: float | None
    moments_by_dimension: dict[str, int]
    # Share of attuned time each leader held (client, therapist, mutual, none).
    leader_shares: dict[str, float]
    match_then_guide_episodes: int
    # Joined from the session layer when it has them (breath marks, affect codes).
    breath_matched_phrases: int | None = None
    affect_shifts: int | None = None


def _union_seconds(moments: Sequence[Moment], duration_s: float) -> float:
    total, reach = 0.0, 0.0
    for m in sorted(moments, key=lambda m: m.start):
        start, end = max(m.start, reach, 0.0), min(m.end, duration_s)
        if end > start:
            total += end - start
        reach = max(reach, end)
    return total


def summarize_moments(
    moments: Sequence[Moment],
    episodes: Sequence[MatchGuideEpisode],
    duration_s: float,
    breath_matched_phrases: int | None = None,
    affect_shifts: int | None = None,
) -> AttunementSummary:
    """Count, time and attribute the moments of one session."""
    attuned = _union_seconds(moments, duration_s)
    by_source = {s: sum(m.source == s for m in moments) for s in ("auto", "manual", "both")}
    by_dim = {d: sum(d in m.dimensions for m in moments) for d in DIMENSIONS}
    leaders = ("client", "therapist", "mutual", "none")
    total = sum(m.duration for m in moments)
    shares = {
        k: round(sum(m.duration for m in moments if m.leader == k) / total, 3) if total else 0.0
        for k in leaders
    }
    return AttunementSummary(
        moments=len(moments),
        moments_by_source=by_source,
        attuned_s=round(attuned, 2),
        attuned_pct=round(100.0 * attuned / duration_s, 1) if duration_s > 0 else 0.0,
        longest_moment_s=round(max((m.duration for m in moments), default=0.0), 2),
        time_to_first_moment_s=round(min(m.start for m in moments), 2) if moments else None,
        moments_by_dimension=by_dim,
        leader_shares=shares,
        match_then_guide_episodes=len(episodes),
        breath_matched_phrases=breath_matched_phrases,
        affect_shifts=affect_shifts,
    )
