"""What the attunement analysis reports: per window, live state, and the whole result."""

from __future__ import annotations

from dataclasses import dataclass

from attune_tui.analysis.attunement_moments import Moment
from attune_tui.analysis.attunement_roles import MatchGuideEpisode, Role


@dataclass(frozen=True, slots=True)
class AttunementWindow:
    """The verdict on one window [start, end): scores, dimensions met, lead and roles."""

    start: float
    end: float
    score: float
    attuned: bool
    dimensions: tuple[str, ...]
    timing: float
    intensity: float
    shape: float
    turns: float
    tempo_ratio: float | None
    asynchrony_s: float | None  # therapist minus client on the shared pulse (positive: later)
    lead: float  # +1 the therapist leads, -1 the client leads
    client_role: Role
    therapist_role: Role
    resting: bool  # both players silent around the window's centre: a shared pause

    def to_dict(self) -> dict[str, object]:
        return {
            "start": round(self.start, 2),
            "end": round(self.end, 2),
            "score": round(self.score, 3),
            "attuned": self.attuned,
            "dimensions": list(self.dimensions),
            "timing": round(self.timing, 3),
            "intensity": round(self.intensity, 3),
            "shape": round(self.shape, 3),
            "turns": round(self.turns, 3),
            "tempo_ratio": None if self.tempo_ratio is None else round(self.tempo_ratio, 3),
            "asynchrony_ms": None
            if self.asynchrony_s is None
            else round(1000.0 * self.asynchrony_s, 1),
            "lead": round(self.lead, 3),
            "client_role": self.client_role,
            "therapist_role": self.therapist_role,
            "resting": self.resting,
        }


@dataclass(frozen=True, slots=True)
class AttunementState:
    """What the live meter shows after a window completes."""

    t: float
    meter: float
    attuned: bool
    dimensions: tuple[str, ...]
    client_role: Role
    therapist_role: Role
    in_moment: bool
    moment_started: bool


@dataclass(frozen=True, slots=True)
class AttunementResult:
    """Everything the offline analysis found."""

    windows: tuple[AttunementWindow, ...]
    moments: tuple[Moment, ...]
    episodes: tuple[MatchGuideEpisode, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "windows": [w.to_dict() for w in self.windows],
            "moments": [m.to_dict() for m in self.moments],
            "episodes": [e.to_dict() for e in self.episodes],
        }
