"""What a scenario is made of: a sequence of musical segments plus the noise a real duo adds.

Specs are data, so the benchmark can draw thousands of them and a test can write one by hand;
anything a spec leaves open (`None`) is drawn from the seeded generator.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

SegmentKind = Literal["independent", "match", "lead", "match_then_guide", "call_response", "rest"]
Leader = Literal["client", "therapist", "mutual"]


class SegmentSpec(BaseModel):
    """One stretch of the improvisation with a single musical relationship between the players."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: SegmentKind
    duration_s: float = Field(gt=2.0, le=600.0)
    # Who sets tempo and loudness; None draws one (match may be "mutual"; lead and call-response
    # need a single leader; match-then-guide is always therapist-led after the client sets off).
    leader: Leader | None = None
    # Follower plays at 1, 2 or 0.5 times the leader's pulse; None draws (mostly 1).
    tempo_ratio: float | None = None

    @field_validator("tempo_ratio")
    @classmethod
    def _locked_ratio(cls, value: float | None) -> float | None:
        if value is not None and value not in (0.5, 1.0, 2.0):
            raise ValueError("tempo_ratio must be 0.5, 1.0 or 2.0 (pulse-locked ratios)")
        return value


class ScenarioSpec(BaseModel):
    """A whole improvisation and its noise levels (the defaults are a tidy but human duo)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    segments: tuple[SegmentSpec, ...] = Field(min_length=1)
    # Motor noise of a hand on a key: onsets scatter about +-30 ms around the intended time.
    jitter_s: float = Field(default=0.03, ge=0.0, le=0.1)
    # Velocity scatter from note to note at one intended loudness (MIDI units, s.d.).
    velocity_noise: float = Field(default=6.0, ge=0.0, le=20.0)
    # Slow tempo wander of a player keeping their own time (relative s.d. over ~10 s).
    tempo_drift: float = Field(default=0.03, ge=0.0, le=0.15)
    # Largest onset lag of a follower behind the pulse it follows.
    max_partner_lag_s: float = Field(default=0.3, ge=0.0, le=0.5)
    # Longest delay before a follower takes up the leader's change of tempo or loudness.
    max_follow_delay_s: float = Field(default=4.0, ge=0.5, le=6.0)

    @property
    def duration_s(self) -> float:
        return float(sum(s.duration_s for s in self.segments))


def _seg(kind: SegmentKind, dur: float, leader: Leader | None = None) -> SegmentSpec:
    return SegmentSpec(kind=kind, duration_s=dur, leader=leader)


PRESETS: dict[str, ScenarioSpec] = {
    # About three minutes: what a therapist would recognise as a session arc.
    "demo": ScenarioSpec(
        name="demo",
        segments=(
            _seg("independent", 22),
            _seg("match", 26, "client"),
            _seg("rest", 3),
            _seg("match_then_guide", 44, "therapist"),
            _seg("rest", 3),
            _seg("call_response", 28, "client"),
            _seg("independent", 20),
            _seg("match", 26, "mutual"),
            _seg("rest", 4),
        ),
    ),
    "lead-follow": ScenarioSpec(
        name="lead-follow",
        segments=(
            _seg("independent", 14),
            _seg("lead", 28, "therapist"),
            _seg("independent", 14),
            _seg("lead", 28, "client"),
            _seg("rest", 3),
        ),
    ),
    "call-response": ScenarioSpec(
        name="call-response",
        segments=(
            _seg("independent", 12),
            _seg("call_response", 24, "client"),
            _seg("rest", 4),
            _seg("call_response", 22, "therapist"),
            _seg("rest", 3),
        ),
    ),
    "anger-to-calm": ScenarioSpec(
        name="anger-to-calm",
        segments=(
            _seg("independent", 12),
            _seg("match_then_guide", 48, "therapist"),
            _seg("rest", 4),
        ),
    ),
}


def random_spec(seed: int, name: str | None = None) -> ScenarioSpec:
    """A varied spec for benchmarks: attuned kinds alternate with independent play or rests.

    Two attuned segments are never adjacent, so every attuned segment is one moment in truth.
    """
    rng = np.random.default_rng(seed)
    kinds: list[SegmentKind] = ["match", "lead", "match_then_guide", "call_response"]
    segments: list[SegmentSpec] = [_seg("independent", float(rng.uniform(10, 20)))]
    for _ in range(int(rng.integers(3, 6))):
        kind = kinds[int(rng.integers(len(kinds)))]
        low, high = (32.0, 48.0) if kind == "match_then_guide" else (14.0, 32.0)
        segments.append(_seg(kind, float(rng.uniform(low, high))))
        gap: SegmentKind = "rest" if rng.random() < 0.3 else "independent"
        gap_len = float(rng.uniform(3, 6)) if gap == "rest" else float(rng.uniform(10, 22))
        segments.append(_seg(gap, gap_len))
    return ScenarioSpec(
        name=name or f"random-{seed}",
        segments=tuple(segments),
        tempo_drift=float(rng.uniform(0.0, 0.05)),
        velocity_noise=float(rng.uniform(3.0, 9.0)),
    )
