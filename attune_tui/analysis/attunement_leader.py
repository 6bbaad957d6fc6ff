"""Who led a moment, read from the onsets around it: three kinds of musical evidence.

- convergence: as the moment began, the player who changed loudness or pace to meet the other
  was following; the one who kept going was leading;
- entries: after a shared breath, the leader comes in first and the follower joins;
- asynchrony: within the matched stretch the follower's onsets come a little after the leader's.

Each vote is in [-1, 1] (+1: the therapist led). They are read once per moment, from onsets
before the moment's end only, so the live tracker and the offline analysis agree.
"""

from __future__ import annotations

import math
import statistics

import numpy as np

from attune_tui.analysis.attunement_onsets import FloatArray

Onsets = tuple[FloatArray, FloatArray]  # sorted times and velocities of one player

LOUD_UNIT = 10.0  # velocity units that make a clearly heard change of loudness
PACE_UNIT = 0.1  # log2 units of pulse period (~7 %) that make a clearly heard change of pace
HELD_ONSETS = 6  # a player's current loudness is the mean of their last few onsets
PACE_IOIS = 8  # and their pace the median of their last few inter-onset intervals
HELD_WITHIN_S = 12.0  # older playing says nothing about where a player is now
MIN_IOI_S, MAX_IOI_S = 0.12, 1.5  # shorter intervals are ornaments, longer ones rests


def held_level(t: FloatArray, v: FloatArray, at: float) -> float:
    """Loudness a player was holding just before `at` (NaN when they had not played lately)."""
    i = int(np.searchsorted(t, at))
    lo = max(i - HELD_ONSETS, 0)
    recent = v[lo:i][t[lo:i] >= at - HELD_WITHIN_S]
    return float(recent.mean()) if len(recent) >= 3 else float("nan")


def held_pace(t: FloatArray, at: float) -> float:
    """log2 of the pulse a player was keeping just before `at` (NaN when unclear)."""
    i = int(np.searchsorted(t, at))
    recent = t[max(i - PACE_IOIS - 1, 0) : i]
    ioi = np.diff(recent[recent >= at - HELD_WITHIN_S])
    kept = [x for x in ioi.tolist() if MIN_IOI_S < x < MAX_IOI_S]
    return math.log2(statistics.median(kept)) if len(kept) >= 3 else math.nan


def _between(t: FloatArray, start: float, end: float) -> FloatArray:
    """Onset times with start <= t < end, found by bisection (the history can be long)."""
    i, j = np.searchsorted(t, (start, end))
    return t[i:j]


def _fold(x: float) -> float:
    """A change of pulse modulo octaves: switching to off-beats is not a change of pace."""
    return x - round(x)


def convergence_lead(c: Onsets, t: Onsets, before: float, after: float) -> float:
    """Who moved to meet whom between `before` and `after`: the one who moved follows."""
    moved_c = moved_t = 0.0
    ct, cv = c
    tt, tv = t
    loud = (
        held_level(ct, cv, after) - held_level(ct, cv, before),
        held_level(tt, tv, after) - held_level(tt, tv, before),
    )
    pc = held_pace(ct, after) - held_pace(ct, before)
    pt = held_pace(tt, after) - held_pace(tt, before)
    pace = (_fold(pc) if np.isfinite(pc) else pc, _fold(pt) if np.isfinite(pt) else pt)
    for (dc, dt), unit in ((loud, LOUD_UNIT), (pace, PACE_UNIT)):
        if np.isfinite(dc) and np.isfinite(dt):
            moved_c += abs(dc) / unit
            moved_t += abs(dt) / unit
    total = moved_c + moved_t
    return 0.0 if total <= 0.0 else (moved_c - moved_t) / total


def entry_lead(
    c: Onsets, t: Onsets, start: float, end: float, gap_s: float, join_s: float
) -> float:
    """After each shared silence of `gap_s`, who came in first (the other within `join_s`)."""
    ct = _between(c[0], start - gap_s, end)
    tt = _between(t[0], start - gap_s, end)
    both = np.sort(np.concatenate((ct, tt)))
    if len(both) < 2 or len(ct) == 0 or len(tt) == 0:
        return 0.0
    entries = both[1:][np.diff(both) > gap_s]
    ic, it = np.searchsorted(ct, entries), np.searchsorted(tt, entries)
    ok = (ic < len(ct)) & (it < len(tt))
    first_c = ct[np.minimum(ic, len(ct) - 1)]
    first_t = tt[np.minimum(it, len(tt) - 1)]
    ok &= np.abs(first_c - first_t) <= join_s
    if not ok.any():
        return 0.0
    therapist_first = np.sign(first_c - first_t)[ok]
    return float(therapist_first.mean())


def asynchrony_lead(
    c: Onsets, t: Onsets, start: float, end: float, max_s: float, full_s: float
) -> float:
    """The typical lag of the therapist's onsets behind the client's nearest ones, as a vote.

    Only pairs closer than `max_s` count (farther ones are different notes, not one beat
    played by two); the median keeps a few mis-paired notes from deciding.
    """
    ct = _between(c[0], start, end)
    tt = _between(t[0], start - max_s, end)
    if len(ct) < 4 or len(tt) < 4:
        return 0.0
    r = np.searchsorted(tt, ct)
    right = tt[np.minimum(r, len(tt) - 1)] - ct
    left = tt[np.maximum(r - 1, 0)] - ct
    d = np.where(np.abs(right) < np.abs(left), right, left)
    d = d[np.abs(d) < max_s]
    if len(d) < 4:
        return 0.0
    return float(np.clip(-np.median(d) / full_s, -1.0, 1.0))
