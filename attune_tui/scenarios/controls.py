"""Control curves of a two-player improvisation: what each player intends, moment by moment.

Segments write intentions (tempo, loudness, phrasing, whom to follow) into sampled arrays; the
performer model in `perform.py` turns them into notes. Keeping intention and performance apart
is what lets a follower lag, drift and correct like a person instead of copying a grid.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

DT = 0.05  # control rate: 20 samples a second is finer than any musical gesture modelled here

FloatArray = NDArray[np.float64]


@dataclass
class PlayerControls:
    """One player's intended tempo, loudness and phrasing, sampled every DT seconds."""

    bpm: FloatArray
    vel: FloatArray
    arc: FloatArray  # loudness offset of the phrase arc (crescendo, decrescendo, swell)
    playing: NDArray[np.bool_]
    subdiv: NDArray[np.int64]  # notes per beat while playing: 1 (beats) or 2 (off-beats too)
    density: FloatArray  # chance of playing an off-beat note that the subdivision allows
    ref: NDArray[np.int64]  # index of the player whose pulse this one follows, or -1
    lag: FloatArray  # intended onset lag behind the followed pulse, seconds
    mult: FloatArray  # own beats per beat of the followed player (1, 2 or 0.5)


@dataclass
class Controls:
    """Both players' controls on one time axis, with helpers segments use to write them."""

    duration_s: float
    players: tuple[PlayerControls, PlayerControls] = field(init=False)

    def __post_init__(self) -> None:
        n = int(np.ceil(self.duration_s / DT)) + 2
        self.players = (self._blank(n), self._blank(n))

    @staticmethod
    def _blank(n: int) -> PlayerControls:
        return PlayerControls(
            bpm=np.full(n, 100.0),
            vel=np.full(n, 70.0),
            arc=np.zeros(n),
            playing=np.zeros(n, dtype=np.bool_),
            subdiv=np.ones(n, dtype=np.int64),
            density=np.full(n, 0.85),
            ref=np.full(n, -1, dtype=np.int64),
            lag=np.zeros(n),
            mult=np.ones(n),
        )

    @property
    def n(self) -> int:
        return len(self.players[0].bpm)

    def index(self, t: float) -> int:
        """Sample index of time t, clamped to the arrays."""
        return int(min(max(round(t / DT), 0), self.n - 1))

    def span(self, a: float, b: float) -> slice:
        return slice(self.index(a), self.index(b))

    def times(self, a: float, b: float) -> FloatArray:
        sl = self.span(a, b)
        return np.arange(sl.start, sl.stop, dtype=np.float64) * DT


def ramp(t: FloatArray, t0: float, seconds: float) -> FloatArray:
    """0 before t0, rising linearly to 1 over `seconds`: how a player eases into a new level."""
    if seconds <= 0:
        return (t >= t0).astype(np.float64)
    return np.asarray(np.clip((t - t0) / seconds, 0.0, 1.0), dtype=np.float64)


def delayed(values: FloatArray, t: FloatArray, delay: float, a: float, before: float) -> FloatArray:
    """`values` (sampled on t) as heard `delay` seconds later; `before` fills what precedes a."""
    shifted = np.interp(t - delay, t, values)
    return np.where(t - delay < a, before, shifted)


def drift(rng: np.random.Generator, n: int, amount: float) -> FloatArray:
    """A slow multiplicative wander (1.0 on average) of relative s.d. `amount` over ~10 s."""
    if amount <= 0 or n == 0:
        return np.ones(n)
    steps = rng.normal(0.0, amount / np.sqrt(10.0 / DT), n)
    walk = np.cumsum(steps)
    return np.asarray(np.exp(walk - walk[0]), dtype=np.float64)
