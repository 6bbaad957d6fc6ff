"""The performer model: two players keep a pulse, and a follower corrects towards the other's.

Beats come from each player's intended tempo; a follower shortens or stretches its next beat by a
fraction of its asynchrony to the followed pulse (linear phase correction, as measured in
sensorimotor synchronisation). Notes then fall on beats and off-beats with human scatter.
"""

from __future__ import annotations

import numpy as np

from attune_tui.analysis.notes import PLAYERS, Note
from attune_tui.scenarios.controls import Controls, PlayerControls
from attune_tui.scenarios.segments import ALPHA
from attune_tui.scenarios.spec import ScenarioSpec

TICKS_PER_SECOND = 960  # 480 ticks a beat at 120 BPM: times survive a trip through a MIDI file

PENTATONIC = (0, 2, 4, 7, 9)
CHORD_ROOTS = (48, 45, 41, 43)  # C, A minor, F, G: a progression any therapist reaches for


def quantise(t: float) -> float:
    """Round a time to the MIDI tick grid."""
    return round(t * TICKS_PER_SECOND) / TICKS_PER_SECOND


def _ref_phase(beats: list[float], upcoming: float, x: float) -> float:
    """Continuous beat count of the followed player at time x (interpolated between beats)."""
    grid = [*beats[-8:], upcoming]
    base = len(beats) - len(grid) + 1
    if x <= grid[0]:
        return base + (x - grid[0]) / max(grid[1] - grid[0], 1e-3)
    return base + float(np.interp(x, grid, np.arange(len(grid), dtype=np.float64)))


def beat_times(controls: Controls, duration_s: float) -> tuple[list[float], list[float]]:
    """Both players' beat times, generated together so a follower hears the other's beats."""
    beats: tuple[list[float], list[float]] = ([], [])
    upcoming = [0.0, 0.0]
    while min(upcoming) < duration_s:
        p = 0 if upcoming[0] <= upcoming[1] else 1
        now = upcoming[p]
        pc = controls.players[p]
        i = controls.index(now)
        period = 60.0 / float(pc.bpm[i])
        ref = int(pc.ref[i])
        if ref >= 0 and len(beats[ref]) >= 2:
            phase = _ref_phase(beats[ref], upcoming[ref], now - float(pc.lag[i]))
            own = phase * float(pc.mult[i])
            late = own - round(own)
            period *= 1.0 - ALPHA * late
        beats[p].append(now)
        upcoming[p] = now + max(period, 0.15)
    return beats


class _Voice:
    """Pitch choice: a pentatonic melody for the client, chords and melody for the therapist."""

    def __init__(self, rng: np.random.Generator, low: int) -> None:
        self.rng = rng
        self.low = low
        self.step = 5

    def melody(self) -> int:
        self.step = int(np.clip(self.step + self.rng.integers(-2, 3), 0, 9))
        octave, degree = divmod(self.step, len(PENTATONIC))
        return self.low + 12 * octave + PENTATONIC[degree]


def _notes_on_beat(
    rng: np.random.Generator,
    spec: ScenarioSpec,
    pc: PlayerControls,
    controls: Controls,
    player: int,
    beat: float,
    period: float,
    count: int,
    voice: _Voice,
) -> list[Note]:
    name = PLAYERS[player]
    out: list[Note] = []
    i = controls.index(beat)
    sub = int(pc.subdiv[i])
    for j in range(sub):
        at = beat + j * period / sub
        k = controls.index(at)
        if not pc.playing[k]:
            continue
        keep = float(pc.density[k]) + (0.12 if j == 0 else 0.0)
        if rng.random() > keep:
            continue
        accent = 5.0 if j == 0 and count % 2 == 0 else (-3.0 if j else 0.0)
        vel = float(pc.vel[k] + pc.arc[k]) + accent + rng.normal(0.0, spec.velocity_noise)
        jitter = float(np.clip(rng.normal(0.0, spec.jitter_s / 2), -spec.jitter_s, spec.jitter_s))
        onset = max(at + jitter, 0.0)
        length = 0.85 * period / sub
        if player == 1 and j == 0 and count % 2 == 0 and rng.random() < 0.6:
            root = CHORD_ROOTS[(count // 8) % len(CHORD_ROOTS)]
            minor = root in (45,)
            for n, pitch in enumerate((root, root + 12, root + (15 if minor else 16), root + 19)):
                spread = n * float(rng.uniform(0.0, 0.008))
                v = int(np.clip(round(vel - 4 * (n > 0)), 1, 127))
                out.append(Note(onset + spread, name, pitch, v, period * 0.95))
            continue
        pitch = voice.melody()
        out.append(Note(onset, name, pitch, int(np.clip(round(vel), 1, 127)), length))
    return out


def perform(
    controls: Controls, spec: ScenarioSpec, rng: np.random.Generator, duration_s: float
) -> list[Note]:
    """All notes of both players, on the MIDI tick grid, sorted by time, no same-pitch overlap."""
    beats = beat_times(controls, duration_s)
    voices = (_Voice(rng, 60), _Voice(rng, 55))
    notes: list[Note] = []
    for p in (0, 1):
        pc = controls.players[p]
        times = beats[p]
        for count, beat in enumerate(times):
            period = (times[count + 1] - beat) if count + 1 < len(times) else 0.5
            notes.extend(_notes_on_beat(rng, spec, pc, controls, p, beat, period, count, voices[p]))
    return _tidy(notes, duration_s)


def _tidy(notes: list[Note], duration_s: float) -> list[Note]:
    """Quantise to ticks, keep inside the scenario and cut a note before its pitch sounds again."""
    notes = sorted(notes, key=lambda n: (n.t, n.player, n.pitch))
    last_on: dict[tuple[str, int], int] = {}
    out: list[Note] = []
    for n in reversed(notes):
        on = round(n.t * TICKS_PER_SECOND)
        if on >= duration_s * TICKS_PER_SECOND:
            continue
        off = min(round(n.end * TICKS_PER_SECOND), round(duration_s * TICKS_PER_SECOND))
        nxt = last_on.get((n.player, n.pitch))
        if nxt is not None:
            if nxt <= on:
                continue
            off = min(off, nxt - 1)
        off = max(off, on + 1)
        last_on[(n.player, n.pitch)] = on
        t = on / TICKS_PER_SECOND
        out.append(Note(t, n.player, n.pitch, n.velocity, (off - on) / TICKS_PER_SECOND))
    out.reverse()
    return out
