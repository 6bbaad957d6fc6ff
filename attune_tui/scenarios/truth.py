"""Ground truth of a generated scenario: what a careful listener would say about each second.

Kept apart from the notes so the analysis can be scored against it without ever reading it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from attune_tui.scenarios.spec import ScenarioSpec, SegmentKind

TruthLeader = Literal["client", "therapist", "mutual", "none"]
Dimension = Literal["intensity", "timing", "shape"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TruthSegment(_Frozen):
    """A segment as it was realised: its span, who led, and the parameters drawn for it."""

    kind: SegmentKind
    start: float
    end: float
    leader: TruthLeader
    tempo_ratio: float
    partner_lag_s: float
    follow_delay_s: float


class TruthSecond(_Frozen):
    """The label of one second [t, t + 1)."""

    t: int
    attuned: bool
    dimensions: tuple[Dimension, ...]
    leader: TruthLeader


class MatchGuidePhases(_Frozen):
    """When the therapist matched and when they started guiding the client elsewhere."""

    match_start: float
    match_end: float
    guide_start: float
    guide_end: float


class TruthMoment(_Frozen):
    """A stretch of attunement with its overall leader and musical pattern."""

    start: float
    end: float
    dimensions: tuple[Dimension, ...]
    leader: TruthLeader
    pattern: str | None
    phases: MatchGuidePhases | None = None


class GroundTruth(_Frozen):
    """Everything the generator knows about a scenario, ready to be written as JSON."""

    name: str
    seed: int
    duration_s: float
    spec: ScenarioSpec
    segments: tuple[TruthSegment, ...]
    seconds: tuple[TruthSecond, ...]
    moments: tuple[TruthMoment, ...]
    # Intended pulse of each player, one [t, bpm] pair per second.
    tempo: dict[str, tuple[tuple[float, float], ...]]
