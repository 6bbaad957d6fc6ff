"""The musical relationships a segment can express, written as both players' intentions.

Each writer eases players out of whatever they were doing (no jumps at segment borders) and
returns what a listener would report: who led, and from when the two were attuned.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from attune_tui.scenarios.controls import Controls, FloatArray, PlayerControls, delayed, drift, ramp
from attune_tui.scenarios.phrasing import apply_phrases, imitate, phrase_plan
from attune_tui.scenarios.spec import ScenarioSpec, SegmentSpec
from attune_tui.scenarios.truth import Dimension, MatchGuidePhases, TruthLeader

NAMES: tuple[TruthLeader, TruthLeader] = ("client", "therapist")
ALL_DIMS: tuple[Dimension, ...] = ("intensity", "timing", "shape")
ALPHA = 0.4  # phase correction per beat of a follower (sensorimotor sync studies: 0.3-0.6)


@dataclass(frozen=True)
class Outcome:
    """What a segment realised: its leader and parameters, and its attuned stretch if any."""

    leader: TruthLeader
    tempo_ratio: float = 1.0
    partner_lag_s: float = 0.0
    follow_delay_s: float = 0.0
    attuned: tuple[float, float] | None = None
    dimensions: tuple[Dimension, ...] = ()
    pattern: str | None = None
    phases: MatchGuidePhases | None = None


@dataclass(frozen=True)
class Context:
    """Everything a segment writer needs: the controls, its span, the spec and the dice."""

    controls: Controls
    rng: np.random.Generator
    spec: ScenarioSpec
    seg: SegmentSpec
    a: float
    b: float

    @property
    def t(self) -> FloatArray:
        return self.controls.times(self.a, self.b)

    @property
    def sl(self) -> slice:
        return self.controls.span(self.a, self.b)

    def prev(self, p: int) -> tuple[float, float]:
        """Tempo and loudness the player had just before the segment."""
        pc = self.controls.players[p]
        i = max(self.controls.index(self.a) - 1, 0)
        return float(pc.bpm[i]), float(pc.vel[i])

    def drift(self) -> FloatArray:
        return drift(self.rng, len(self.t), self.spec.tempo_drift)

    def last_end(self, spans: list[tuple[float, float]]) -> float:
        return spans[-1][1] if spans else self.b


def _unrelated_tempo(rng: np.random.Generator, bpm: float) -> float:
    """A tempo whose ratio to `bpm`, folded into one octave, is >= 12 % from 1:1 and 1:2."""
    while True:
        other = float(rng.uniform(60.0, 150.0))
        ratio = max(other, bpm) / min(other, bpm)
        while ratio >= 2.0:
            ratio /= 2.0
        if 1.12 <= ratio <= 2.0 / 1.12:
            return other


def _level_steps(ctx: Context, base: float, count: int, size: tuple[float, float]) -> FloatArray:
    """A loudness line around `base` with `count` eased steps at random times."""
    t = ctx.t
    out = np.full(len(t), base)
    for _ in range(count):
        # after the players have met: first meet, then vary
        at = float(ctx.rng.uniform(ctx.a + 5.0, max(ctx.a + 5.5, ctx.b - 4.0)))
        step = float(ctx.rng.uniform(*size)) * float(ctx.rng.choice([-1.0, 1.0]))
        if not 38.0 <= base + step <= 112.0:
            step = -step
        out = out + step * ramp(t, at, 1.0)
    return np.asarray(np.clip(out, 30.0, 118.0), dtype=np.float64)


def _ease(
    pc: PlayerControls, ctx: Context, p: int, bpm: FloatArray, vel: FloatArray, s: float
) -> None:
    """Write the player's new intentions, reached from their previous ones over `s` seconds."""
    pb, pv = ctx.prev(p)
    e = ramp(ctx.t, ctx.a, s)
    pc.bpm[ctx.sl] = pb + (bpm - pb) * e
    pc.vel[ctx.sl] = pv + (vel - pv) * e


def independent(ctx: Context) -> Outcome:
    """Each player in their own world: unrelated tempi, unrelated loudness, own phrasing."""
    rng = ctx.rng
    bc = float(rng.uniform(66.0, 140.0))
    bt = _unrelated_tempo(rng, bc)
    vc = float(rng.uniform(45.0, 105.0))
    vt = vc
    while abs(vt - vc) < 22.0:
        vt = float(rng.uniform(35.0, 112.0))
    for p, (bpm, vel) in enumerate(((bc, vc), (bt, vt))):
        pc = ctx.controls.players[p]
        _ease(pc, ctx, p, bpm * ctx.drift(), _level_steps(ctx, vel, 1, (6.0, 12.0)), 2.0)
        pc.ref[ctx.sl] = -1
        spans = phrase_plan(rng, ctx.a, ctx.b, pc.bpm, ctx.controls)
        apply_phrases(rng, ctx.controls, spans, (pc,), shared=True)
    return Outcome(leader="none")


def rest(ctx: Context) -> Outcome:
    """Both players silent; their inner pulse and loudness carry on unchanged."""
    for p in (0, 1):
        pc = ctx.controls.players[p]
        pb, pv = ctx.prev(p)
        pc.bpm[ctx.sl] = pb
        pc.vel[ctx.sl] = pv
        pc.ref[ctx.sl] = -1
    return Outcome(leader="none")


def _ratio(ctx: Context, leader_bpm: float) -> float:
    ratio = ctx.seg.tempo_ratio
    if ratio is None:
        ratio = float(ctx.rng.choice([1.0, 2.0, 0.5], p=[0.7, 0.15, 0.15]))
    return ratio if 55.0 <= leader_bpm * ratio <= 180.0 else 1.0


def _lock(pc: PlayerControls, sl: slice, ref: int, lag: float, mult: float) -> None:
    pc.ref[sl] = ref
    pc.lag[sl] = lag
    pc.mult[sl] = mult


def _follow(
    ctx: Context, lead: int, conv: float, ratio: float, delay: float, vel_delay: float
) -> None:
    """The other player eases into the leader's tempo and loudness, each taken up late."""
    f = 1 - lead
    lc, fc = ctx.controls.players[lead], ctx.controls.players[f]
    t, sl = ctx.t, ctx.sl
    pb, pv = ctx.prev(f)
    bpm = delayed(lc.bpm[sl] * ratio, t, delay, ctx.a, pb)
    vel = delayed(lc.vel[sl], t, vel_delay, ctx.a, pv) + float(ctx.rng.uniform(-4.0, 4.0))
    _ease(fc, ctx, f, bpm, vel, conv)


def match_or_lead(ctx: Context, lead_changes: bool) -> Outcome:
    """One player matches the other (or both meet), optionally with changes led by one."""
    rng, spec = ctx.rng, ctx.spec
    leader = ctx.seg.leader or str(rng.choice(["client", "therapist", "mutual"]))
    if lead_changes and leader == "mutual":
        leader = str(rng.choice(["client", "therapist"]))
    conv = float(rng.uniform(1.0, 2.5))
    mutual = leader == "mutual"
    lead = 0 if leader in ("client", "mutual") else 1
    lc = ctx.controls.players[lead]
    pb, pv = ctx.prev(lead)
    if mutual:
        other = ctx.prev(1)[0] * 2.0 ** round(float(np.log2(pb / ctx.prev(1)[0])))
        pb = float(np.sqrt(pb * other))  # meet in the middle, an octave of pulse apart at most
        pv = (pv + ctx.prev(1)[1]) / 2.0
    bpm = pb * ctx.drift()
    vel = _level_steps(ctx, pv, int(rng.integers(1, 3)), (8.0, 15.0))
    delay = float(rng.uniform(1.0, spec.max_follow_delay_s)) if lead_changes else 0.0
    if lead_changes:
        bpm, vel = _lead_changes(ctx, bpm, vel, delay)
    ratio = 1.0 if mutual else _ratio(ctx, float(bpm[0]))
    lag = 0.0 if mutual else float(rng.uniform(0.0, spec.max_partner_lag_s))
    contour_delay = 0.0 if mutual else (delay or float(rng.uniform(0.3, 1.2)))
    _ease(lc, ctx, lead, bpm, vel, conv if mutual else 0.5)
    _follow(ctx, lead, conv, ratio, min(contour_delay, 1.5), contour_delay)
    if mutual:
        _lock(lc, ctx.sl, 1, 0.0, 1.0)
    _lock(ctx.controls.players[1 - lead], ctx.sl, lead, lag, ratio)
    spans = phrase_plan(rng, ctx.a, ctx.b, lc.bpm, ctx.controls)
    apply_phrases(rng, ctx.controls, spans, ctx.controls.players, shared=True)
    truth_leader: TruthLeader = "mutual" if mutual else NAMES[lead]
    return Outcome(
        leader=truth_leader,
        tempo_ratio=ratio,
        partner_lag_s=lag,
        follow_delay_s=contour_delay,
        attuned=(ctx.a + conv, ctx.last_end(spans)),
        dimensions=ALL_DIMS,
    )


def _lead_changes(
    ctx: Context, bpm: FloatArray, vel: FloatArray, delay: float
) -> tuple[FloatArray, FloatArray]:
    """One or two clear changes of tempo and/or loudness, spaced so the follower can respond."""
    rng, t = ctx.rng, ctx.t
    at = ctx.a + float(rng.uniform(4.0, 7.0))
    while at + delay + 3.0 < ctx.b - 2.0:
        kind = int(rng.integers(3))
        length = float(rng.uniform(1.0, 2.5))
        if kind in (0, 2):
            factor = float(rng.uniform(1.08, 1.18))
            if (
                float(bpm[ctx.controls.index(at) - ctx.sl.start]) * factor > 150.0
                or rng.random() < 0.5
            ):
                factor = 1.0 / factor
            bpm = bpm * (1.0 + (factor - 1.0) * ramp(t, at, length))
        if kind in (1, 2):
            now = float(vel[min(ctx.controls.index(at) - ctx.sl.start, len(vel) - 1)])
            step = float(rng.uniform(18.0, 30.0)) * (1.0 if now < 70.0 else -1.0)
            vel = vel + step * ramp(t, at, length)
        at += delay + length + float(rng.uniform(5.0, 9.0))
    return bpm, np.asarray(np.clip(vel, 30.0, 118.0), dtype=np.float64)


def match_then_guide(ctx: Context) -> Outcome:
    """The iso principle: the client plays loud and fast, the therapist matches, then calms."""
    rng, spec, t, sl = ctx.rng, ctx.spec, ctx.t, ctx.sl
    cc, tc = ctx.controls.players
    conv = float(rng.uniform(1.5, 3.0))
    delay = float(rng.uniform(1.0, min(3.0, spec.max_follow_delay_s)))
    g0 = ctx.a + max(8.0, float(rng.uniform(0.3, 0.4)) * (ctx.b - ctx.a))
    g1 = ctx.b - float(rng.uniform(3.0, 5.0))
    loud_bpm, loud_vel = float(rng.uniform(125.0, 150.0)), float(rng.uniform(95.0, 112.0))
    calm_bpm, calm_vel = float(rng.uniform(66.0, 84.0)), float(rng.uniform(40.0, 55.0))
    _ease(cc, ctx, 0, loud_bpm * ctx.drift(), np.full(len(t), loud_vel), 1.5)
    _follow(ctx, 0, conv, 1.0, 0.3, 0.6)
    guide = 0.5 - 0.5 * np.cos(np.pi * ramp(t, g0, g1 - g0))
    matched_bpm, matched_vel = tc.bpm[sl].copy(), tc.vel[sl].copy()
    tc.bpm[sl] = matched_bpm + (calm_bpm - matched_bpm) * guide
    tc.vel[sl] = matched_vel + (calm_vel - matched_vel) * guide
    after = t >= g0
    follow_bpm = delayed(tc.bpm[sl], t, min(delay, 1.5), ctx.a, loud_bpm)
    follow_vel = delayed(tc.vel[sl], t, delay, ctx.a, loud_vel)
    cc.bpm[sl] = np.where(after, follow_bpm, cc.bpm[sl])
    cc.vel[sl] = np.where(after, follow_vel, cc.vel[sl])
    lag = float(rng.uniform(0.0, spec.max_partner_lag_s))
    split = ctx.controls.index(g0)
    _lock(tc, slice(sl.start, split), 0, lag, 1.0)
    _lock(cc, slice(split, sl.stop), 1, lag, 1.0)
    spans = phrase_plan(rng, ctx.a, ctx.b, tc.bpm, ctx.controls)
    apply_phrases(rng, ctx.controls, spans, ctx.controls.players, shared=True)
    start = ctx.a + conv
    phases = MatchGuidePhases(match_start=start, match_end=g0, guide_start=g0, guide_end=g1 + delay)
    return Outcome(
        leader="therapist",
        partner_lag_s=lag,
        follow_delay_s=delay,
        attuned=(start, ctx.last_end(spans)),
        dimensions=ALL_DIMS,
        pattern="match-then-guide",
        phases=phases,
    )


def call_response(ctx: Context) -> Outcome:
    """Alternating phrases on one pulse: the responder answers each call at its loudness."""
    rng, t, sl = ctx.rng, ctx.t, ctx.sl
    wanted = ctx.seg.leader
    if wanted not in ("client", "therapist"):
        wanted = "client" if rng.random() < 0.5 else "therapist"
    caller = 0 if wanted == "client" else 1
    cc, rc = ctx.controls.players[caller], ctx.controls.players[1 - caller]
    pb, pv = ctx.prev(caller)
    bpm = pb * ctx.drift()
    _ease(cc, ctx, caller, bpm, np.full(len(t), pv), 0.5)
    _follow(ctx, caller, 1.0, 1.0, 0.0, 0.0)
    _lock(rc, sl, caller, 0.0, 1.0)
    cur, last = ctx.a + float(rng.uniform(0.0, 0.3)), ctx.a
    while cur < ctx.b - 3.0:
        period = 60.0 / float(bpm[min(ctx.controls.index(cur) - sl.start, len(bpm) - 1)])
        fits = [n * period for n in (4, 6, 8) if n * period <= 4.5] or [4 * period]
        length = float(rng.choice(fits))
        answer = cur + length + float(rng.choice([0.0, 0.5, 1.0])) * period
        if answer + length > ctx.b - 0.2:
            length = 4 * period
            answer = cur + length + 0.5 * period
            if answer + length > ctx.b - 0.2:
                break
        level = float(np.clip(pv + rng.uniform(-16.0, 16.0), 35.0, 115.0))
        cc.vel[ctx.controls.span(cur, answer)] = level
        rc.vel[ctx.controls.span(answer, answer + length + period)] = level + rng.normal(0.0, 3.0)
        imitate(rng, ctx.controls, (cc, cur, cur + length), (rc, answer, answer + length))
        last = answer + length
        cur = last + float(rng.choice([0.5, 1.0, 1.5])) * period
    return Outcome(
        leader=NAMES[caller],
        attuned=(ctx.a, last) if last > ctx.a else None,
        dimensions=("intensity", "timing"),
        pattern="call-and-response",
    )


def write_segment(ctx: Context) -> Outcome:
    """Dispatch on the segment kind."""
    kind = ctx.seg.kind
    if kind == "independent":
        return independent(ctx)
    if kind == "rest":
        return rest(ctx)
    if kind == "match_then_guide":
        return match_then_guide(ctx)
    if kind == "call_response":
        return call_response(ctx)
    return match_or_lead(ctx, lead_changes=kind == "lead")
