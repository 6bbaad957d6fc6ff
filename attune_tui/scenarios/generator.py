"""Turn a spec and a seed into notes plus the ground truth of what was meant.

Same spec and seed, same notes, byte for byte: every random draw comes from one seeded numpy
generator, consumed in a fixed order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from attune_tui.analysis.notes import Note
from attune_tui.scenarios.controls import Controls
from attune_tui.scenarios.perform import perform
from attune_tui.scenarios.segments import Context, Outcome, write_segment
from attune_tui.scenarios.spec import ScenarioSpec
from attune_tui.scenarios.truth import (
    GroundTruth,
    TruthLeader,
    TruthMoment,
    TruthSecond,
    TruthSegment,
)


@dataclass(frozen=True)
class Scenario:
    """A generated improvisation: the notes both players played and what was meant by them."""

    notes: tuple[Note, ...]
    truth: GroundTruth

    @property
    def duration_s(self) -> float:
        return self.truth.duration_s


def generate(spec: ScenarioSpec, seed: int) -> Scenario:
    """Render the spec's segments into notes and ground truth, deterministically from `seed`."""
    rng = np.random.default_rng(seed)
    duration = spec.duration_s
    controls = Controls(duration)
    for pc in controls.players:
        pc.bpm[:] = float(rng.uniform(70.0, 130.0))
        pc.vel[:] = float(rng.uniform(50.0, 95.0))
    segments: list[TruthSegment] = []
    moments: list[TruthMoment] = []
    a = 0.0
    for seg in spec.segments:
        b = a + seg.duration_s
        out = write_segment(Context(controls, rng, spec, seg, a, b))
        segments.append(_truth_segment(seg.kind, a, b, out))
        if out.attuned is not None and out.attuned[1] - out.attuned[0] >= 2.0:
            moments.append(_moment(out))
        a = b
    notes = perform(controls, spec, rng, duration)
    truth = GroundTruth(
        name=spec.name,
        seed=seed,
        duration_s=duration,
        spec=spec,
        segments=tuple(segments),
        seconds=_seconds(moments, duration),
        moments=tuple(moments),
        tempo={
            name: tuple(
                (float(s), round(float(pc.bpm[controls.index(s)]), 2))
                for s in range(math.ceil(duration))
            )
            for name, pc in zip(("client", "therapist"), controls.players, strict=True)
        },
    )
    return Scenario(notes=tuple(notes), truth=truth)


def _r(x: float) -> float:
    return round(x, 3)


def _truth_segment(kind: str, a: float, b: float, out: Outcome) -> TruthSegment:
    return TruthSegment.model_validate(
        {
            "kind": kind,
            "start": _r(a),
            "end": _r(b),
            "leader": out.leader,
            "tempo_ratio": out.tempo_ratio,
            "partner_lag_s": _r(out.partner_lag_s),
            "follow_delay_s": _r(out.follow_delay_s),
        }
    )


def _moment(out: Outcome) -> TruthMoment:
    assert out.attuned is not None
    phases = out.phases
    if phases is not None:
        phases = phases.model_copy(update={k: _r(v) for k, v in phases.model_dump().items()})
    return TruthMoment(
        start=_r(out.attuned[0]),
        end=_r(out.attuned[1]),
        dimensions=out.dimensions,
        leader=out.leader,
        pattern=out.pattern,
        phases=phases,
    )


def _seconds(moments: list[TruthMoment], duration: float) -> tuple[TruthSecond, ...]:
    """One label per whole second, taken at the middle of the second."""
    out: list[TruthSecond] = []
    for s in range(math.ceil(duration)):
        mid = s + 0.5
        hit = next((m for m in moments if m.start <= mid < m.end), None)
        if hit is None:
            out.append(TruthSecond(t=s, attuned=False, dimensions=(), leader="none"))
            continue
        leader: TruthLeader = hit.leader
        if hit.phases is not None and mid < hit.phases.guide_start:
            leader = "client"
        out.append(TruthSecond(t=s, attuned=True, dimensions=hit.dimensions, leader=leader))
    return tuple(out)
