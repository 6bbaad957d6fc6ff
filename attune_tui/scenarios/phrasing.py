"""Phrases and rests: players breathe between phrases, and attuned players breathe together."""

from __future__ import annotations

import numpy as np

from attune_tui.scenarios.controls import Controls, FloatArray, PlayerControls


def phrase_plan(
    rng: np.random.Generator,
    a: float,
    b: float,
    bpm: FloatArray,
    controls: Controls,
    beats: tuple[int, ...] = (8, 12, 16),
    rests: tuple[float, ...] = (1.0, 2.0, 3.0),
) -> list[tuple[float, float]]:
    """Phrase spans in [a, b): lengths in beats of the pacing player's tempo, rests between."""
    spans: list[tuple[float, float]] = []
    t = a + float(rng.uniform(0.0, 0.5))
    while t < b - 1.5:
        period = 60.0 / float(bpm[controls.index(t)])
        end = min(t + int(rng.choice(beats)) * period, b - 0.2)
        spans.append((t, end))
        t = end + float(rng.choice(rests)) * period
    return spans


def shape_arc(rng: np.random.Generator, u: FloatArray) -> FloatArray:
    """A phrase's loudness shape over u in [0, 1]: swell, crescendo or decrescendo, zero-mean."""
    amp = float(rng.uniform(6.0, 16.0))
    kind = int(rng.integers(3))
    if kind == 0:
        shape = np.sin(np.pi * u)
    elif kind == 1:
        shape = u
    else:
        shape = 1.0 - u
    return np.asarray(amp * (shape - shape.mean()), dtype=np.float64)


def apply_phrases(
    rng: np.random.Generator,
    controls: Controls,
    spans: list[tuple[float, float]],
    players: tuple[PlayerControls, ...],
    shared: bool,
) -> None:
    """Mark the spans as played by `players`, each phrase with an arc and a subdivision.

    `shared` gives all players the same arc and subdivision: breathing and shaping together.
    """
    for s, e in spans:
        sl = controls.span(s, e)
        u = np.linspace(0.0, 1.0, max(sl.stop - sl.start, 1))
        arc = shape_arc(rng, u)
        sub = int(rng.choice([1, 2], p=[0.35, 0.65]))
        for i, pc in enumerate(players):
            if not shared and i > 0:
                arc = shape_arc(rng, u)
                sub = int(rng.choice([1, 2], p=[0.35, 0.65]))
            pc.playing[sl] = True
            pc.arc[sl] = arc[: sl.stop - sl.start]
            pc.subdiv[sl] = sub
            pc.density[sl] = float(rng.uniform(0.7, 1.0))


def imitate(
    rng: np.random.Generator,
    controls: Controls,
    call: tuple[PlayerControls, float, float],
    answer: tuple[PlayerControls, float, float],
) -> None:
    """An answer phrase that imitates its call: same arc, subdivision and density."""
    caller, c0, c1 = call
    responder, a0, a1 = answer
    csl, asl = controls.span(c0, c1), controls.span(a0, a1)
    n = max(csl.stop - csl.start, asl.stop - asl.start, 1)
    arc = shape_arc(rng, np.linspace(0.0, 1.0, n))
    sub = int(rng.choice([1, 2], p=[0.35, 0.65]))
    density = float(rng.uniform(0.75, 1.0))
    for pc, sl in ((caller, csl), (responder, asl)):
        pc.playing[sl] = True
        pc.arc[sl] = np.interp(
            np.linspace(0.0, 1.0, sl.stop - sl.start), np.linspace(0.0, 1.0, n), arc
        )
        pc.subdiv[sl] = sub
        pc.density[sl] = density
