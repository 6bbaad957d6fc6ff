"""Who leads: whose changes of loudness and pace come first, and whether the other follows.

Two kinds of evidence, combined by how much there is of each:
- macro: lagged cross-correlation of the two players' change series (vitality: recent loudness
  plus pace, one value per window step); a peak at a positive lag of up to a few seconds means
  the second player takes up the first one's changes;
- micro: on a shared pulse, the player whose onsets come consistently earlier is the one the
  other is adjusting to.
Also the match-then-guide pattern: a matched stretch, then a gradual change the therapist makes
first and the client takes up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from attune_tui.analysis.attunement_onsets import FloatArray
from attune_tui.analysis.attunement_settings import AttunementSettings

Role = Literal["leader", "follower", "partner", "resister", "independent"]
MomentLeader = Literal["client", "therapist", "mutual", "none"]

TEMPO_UNITS = 70.0  # a 10 % change of pace weighs like ~10 velocity units of loudness


def vitality(loud: float, log2_period: FloatArray | float) -> FloatArray | float:
    """Loudness plus pace on one scale: what "more" and "less" mean for a follower."""
    return loud - TEMPO_UNITS * log2_period


def _clip1(x: FloatArray) -> FloatArray:
    return np.minimum(np.maximum(x, -1.0), 1.0)


@dataclass(frozen=True, slots=True)
class LeadEvidence:
    """Macro lead score (+1: the therapist leads, -1: the client leads) and how much it rests on."""

    score: FloatArray
    reliability: FloatArray


def lead_evidence(dc: FloatArray, dt: FloatArray, max_lag: int) -> LeadEvidence:
    """Cross-correlate rows of change series; earlier changes that the other echoes lead.

    `dc`, `dt`: (windows, steps) changes of vitality of client and therapist, oldest first.
    """
    ec, et = (dc * dc).sum(axis=1), (dt * dt).sum(axis=1)
    ok = (ec > 1e-9) & (et > 1e-9)
    norm = np.sqrt(np.where(ok, ec * et, 1.0))
    n = dc.shape[1]
    lags = max(1, min(max_lag, n - 2))
    therapist_after = np.full(len(dc), -1.0)
    client_after = np.full(len(dc), -1.0)
    for j in range(1, lags + 1):
        therapist_after = np.maximum(therapist_after, (dc[:, : n - j] * dt[:, j:]).sum(axis=1))
        client_after = np.maximum(client_after, (dt[:, : n - j] * dc[:, j:]).sum(axis=1))
    unison = (dc * dt).sum(axis=1)
    therapist_after, client_after, unison = (
        x / norm for x in (therapist_after, client_after, unison)
    )
    score = np.where(ok, _clip1(client_after - therapist_after), 0.0)
    peak = np.maximum(np.maximum(therapist_after, client_after), unison)
    reliability = np.where(ok, np.minimum(np.maximum((peak - 0.2) / 0.3, 0.0), 1.0), 0.0)
    return LeadEvidence(score, reliability)


def micro_lead(
    asynchrony_s: FloatArray, plv: FloatArray, period_s: FloatArray, full_s: float
) -> FloatArray:
    """The earlier player on a shared pulse leads: +1 therapist, -1 client, 0 unknown.

    Only lags well inside the pulse count: near half a period, who is early is ambiguous.
    """
    known = np.isfinite(asynchrony_s) & np.isfinite(plv) & np.isfinite(period_s)
    a = np.where(known, asynchrony_s, 0.0)
    p = np.where(known, period_s, 1.0)
    clarity = 1.0 - np.minimum(np.abs(a) / (0.35 * p), 1.0)
    weight = np.minimum(np.maximum(np.where(known, plv, 0.0) / 0.6, 0.0), 1.0) * clarity
    return -_clip1(a / full_s) * weight


def combine(score: FloatArray, reliability: FloatArray, micro: FloatArray) -> FloatArray:
    """One lead score: the change evidence where the players changed, the onset lag otherwise."""
    return _clip1(reliability * score + (1.0 - 0.5 * reliability) * micro)


def roles(lead: float, attuned: bool, threshold: float) -> tuple[Role, Role]:
    """Bruscia's autonomy roles of (client, therapist) in an attuned window."""
    if not attuned:
        return "independent", "independent"
    if lead > threshold:
        return "follower", "leader"
    if lead < -threshold:
        return "leader", "follower"
    return "partner", "partner"


def moment_leader(lead: float, evidence: float, threshold: float) -> MomentLeader:
    """Overall leader of a moment from its lead score; "none" when nothing could be measured."""
    if evidence <= 0.0:
        return "none"
    if lead > threshold:
        return "therapist"
    if lead < -threshold:
        return "client"
    return "mutual"


@dataclass(frozen=True, slots=True)
class MatchGuideEpisode:
    """Matching, then a gradual change the therapist led and the client took up."""

    match_start: float
    match_end: float
    guide_start: float
    guide_end: float

    def to_dict(self) -> dict[str, float]:
        return {
            "match_start": round(self.match_start, 2),
            "match_end": round(self.match_end, 2),
            "guide_start": round(self.guide_start, 2),
            "guide_end": round(self.guide_end, 2),
        }


def _crossing(x: FloatArray, frm: int, level: float, rising: bool) -> int | None:
    seg = x[frm:]
    hit = np.flatnonzero(seg >= level) if rising else np.flatnonzero(seg <= level)
    return frm + int(hit[0]) if len(hit) else None


def _follow_delay(
    lead: FloatArray, follow: FloatArray, i: int, j: int, times: FloatArray
) -> float | None:
    """Mean delay (s) with which `follow` passes the same fractions of its own change.

    Each player's change is their own (a client may calm less far than the therapist); what
    matters is who gets a fifth, a third, half ... of the way first.
    """
    change = float(lead[j] - lead[i])
    rising = change > 0
    after = follow[i:]
    own = float((after.max() if rising else after.min()) - follow[i])
    if own * change <= 0:
        return None
    delays = []
    for frac in (0.2, 0.35, 0.5, 0.65, 0.8):
        a = _crossing(lead, i, float(lead[i]) + frac * change, rising)
        b = _crossing(follow, i, float(follow[i]) + frac * own, rising)
        if a is None or b is None:
            return None
        delays.append(float(times[b] - times[a]))
    return float(np.mean(delays))


def match_then_guide(
    c: tuple[FloatArray, FloatArray],
    t: tuple[FloatArray, FloatArray],
    times: FloatArray,
    s: AttunementSettings,
) -> MatchGuideEpisode | None:
    """Find the therapist's largest gradual change and check the client took it up later.

    `c`, `t`: (vitality, loudness) of each player at `times`, one value per window of the
    moment. The size and gradualness are read on vitality; who went first on loudness when
    loudness carried the change (pace is taken up within beats, loudness over seconds).
    """
    vc, lc = c
    vt, lt = t
    if len(vt) < 4:
        return None
    drop = np.maximum.accumulate(vt) - vt
    rise = vt - np.minimum.accumulate(vt)
    falling = float(drop.max()) >= float(rise.max())
    j = int(np.argmax(drop if falling else rise))
    i = int(np.argmax(vt[: j + 1])) if falling else int(np.argmin(vt[: j + 1]))
    change = float(vt[j] - vt[i])
    if abs(change) < s.guide_min_change:
        return None
    rising = not falling
    t10 = _crossing(vt, i, vt[i] + 0.1 * change, rising)
    t90 = _crossing(vt, i, vt[i] + 0.9 * change, rising)
    if t10 is None or t90 is None:
        return None
    if times[t90] - times[t10] < s.guide_min_s or times[t10] - times[0] < s.match_min_s:
        return None
    if abs(float(vc[i]) - float(vc[max(i - 6, 0)])) >= 0.3 * abs(change):
        return None  # the client was already on the move: the therapist followed
    loud = abs(float(lt[j] - lt[i])) >= 0.3 * abs(change)
    delay = _follow_delay(lt, lc, i, j, times) if loud else _follow_delay(vt, vc, i, j, times)
    if delay is None or delay < 0.4:
        return None
    c_end = _crossing(vc, i, float(vc[i]) + 0.7 * change, rising) or t90
    return MatchGuideEpisode(
        match_start=float(times[0]),
        match_end=float(times[t10]),
        guide_start=float(times[t10]),
        guide_end=float(times[max(c_end, t90)]),
    )


def _phrases(t: FloatArray, v: FloatArray, gap_s: float) -> tuple[FloatArray, ...]:
    """Start, end, mean velocity and note rate of each phrase (split at gaps over gap_s)."""
    if len(t) == 0:
        empty = np.zeros(0)
        return empty, empty, empty, empty
    cuts = np.flatnonzero(np.diff(t) > gap_s) + 1
    first = np.concatenate(([0], cuts))
    last = np.concatenate((cuts, [len(t)])) - 1
    count = last - first + 1
    means = np.add.reduceat(v, first) / count
    rate = np.log2(count / (t[last] - t[first] + 0.5))
    return t[first], t[last], means, rate


def echo_lead(
    c: tuple[FloatArray, FloatArray],
    t: tuple[FloatArray, FloatArray],
    gap_s: float,
    handover_s: float,
) -> float:
    """In call and response, the one whose phrases imitate the partner's previous one answers.

    Compares each phrase with the partner phrase just before it (loudness and note rate): the
    answer resembles its call, the next call brings something new. +1: the therapist leads (the
    client answers), -1: the client leads, 0: unclear.
    """
    cs, ce, cm, cr = _phrases(*c, gap_s)
    ts, te, tm, tr = _phrases(*t, gap_s)
    starts = np.concatenate((cs, ts))
    order = np.argsort(starts, kind="stable")
    ends = np.concatenate((ce, te))[order]
    who = (order >= len(cs)).astype(np.int8)
    starts = starts[order]
    means = np.concatenate((cm, tm))[order]
    rates = np.concatenate((cr, tr))[order]
    hand = (np.diff(who) != 0) & (starts[1:] - ends[:-1] <= handover_s)
    unlike = np.abs(np.diff(means)) / 8.0 + np.abs(np.diff(rates)) / 0.5
    to_therapist = hand & (who[1:] == 1)
    to_client = hand & (who[1:] == 0)
    if to_therapist.sum() < 1 or to_client.sum() < 1:
        return 0.0
    answer_t = float(unlike[to_therapist].mean())  # the therapist's phrases after the client's
    answer_c = float(unlike[to_client].mean())
    return (answer_t - answer_c) / (answer_t + answer_c + 0.5)


def _events(x: FloatArray, half: int, threshold: float) -> list[tuple[int, float]]:
    """Sustained changes of a level: mean of the next `half` steps against the previous ones."""
    n = len(x)
    if n < 2 * half + 1:
        return []
    cum = np.concatenate(([0.0], np.cumsum(x)))
    k = np.arange(half, n - half)
    step = (cum[k + 1 + half] - cum[k + 1]) / half - (cum[k] - cum[k - half]) / half
    size = np.abs(step)
    out: list[tuple[int, float]] = []
    for i in np.flatnonzero(size >= threshold):
        lo, hi = max(i - half, 0), min(i + half + 1, len(size))
        if size[i] >= size[lo:hi].max():
            out.append((int(k[i]), float(np.sign(step[i]))))
    return out


def event_lead(
    c_levels: tuple[FloatArray, ...], t_levels: tuple[FloatArray, ...], max_delay: int
) -> tuple[float, int]:
    """Pair each sustained change with the partner's same-direction change within max_delay.

    Returns (+1 therapist first .. -1 client first, number of paired changes); unison pairs
    count towards the number but towards neither player.
    """
    therapist_first = client_first = unison = 0
    for xc, xt in zip(c_levels, t_levels, strict=True):
        ec, et = _events(xc, 3, 10.0), _events(xt, 3, 10.0)
        for kc, sc in ec:
            near = [kt for kt, st in et if st == sc and abs(kt - kc) <= max_delay]
            if not near:
                continue
            kt = min(near, key=lambda k: abs(k - kc))
            if kt < kc:
                therapist_first += 1
            elif kt > kc:
                client_first += 1
            else:
                unison += 1
    pairs = therapist_first + client_first + unison
    if pairs == 0:
        return 0.0, 0
    return (therapist_first - client_first) / (therapist_first + client_first + 0.5 * unison), pairs
