"""How fast and how lean the offline analysis is on a long session, and what one live step costs.

A synthetic two-hour, two-player session (about 150,000 notes, fixed seed) goes through
`analyze_notes` and `analysis_to_json`; then the same notes are replayed live (note-on, note-off,
`advance` at 20 Hz) to time the `advance` calls that process a grid point.

Run: `.venv/bin/python -m bench.analysis_speed` (figures printed and written to
bench/results/analysis_speed.json). Budget for the whole analysis including attunement:
1.0 s and 200 MB; features and tempo should stay well under 0.6 s. The tempo trackers are also
timed alone, and the features with a null tempo tracker, so the two shares can be told apart.
On a shared machine CPU seconds are steadier than wall-clock seconds, and live percentiles
above p90 mostly measure the scheduler.
"""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc

import numpy as np

from attune_tui.analysis import features
from attune_tui.analysis.features import GRID_STEP_S, PlayerFeatures
from attune_tui.analysis.notes import PLAYERS, Note, Player
from attune_tui.analysis.offline import analysis_to_json, analyze_notes
from attune_tui.analysis.tempo import TempoEstimate, TempoSettings, TempoTracker
from bench.common import machine, percentiles, write_result

DURATION_S = 7200.0
SEED = 20240601
RUNS = 3
LIVE_TICK_S = 0.05


def synthetic_player(rng: np.random.Generator, player: Player) -> list[Note]:
    """Phrases of chords and single notes at drifting tempi and loudness, with rests between."""
    notes: list[Note] = []
    t = float(rng.uniform(0.0, 2.0))
    bpm, level = 100.0, 70.0
    while t < DURATION_S - 5.0:
        bpm = float(np.clip(bpm * rng.uniform(0.9, 1.1), 60.0, 160.0))
        level = float(np.clip(level + rng.normal(0.0, 8.0), 25.0, 115.0))
        onsets = t + np.cumsum(rng.normal(60.0 / bpm / 4, 0.005, rng.integers(16, 72)))
        sizes = rng.choice([1, 2, 2, 3, 3], size=len(onsets))
        pitch = int(rng.integers(40, 80))
        for onset, size in zip(onsets.tolist(), sizes.tolist(), strict=True):
            pitch = int(np.clip(pitch + rng.integers(-3, 4), 24, 100))
            velocity = int(np.clip(level + rng.normal(0.0, 6.0), 1, 127))
            for k in range(size):
                notes.append(Note(onset + 0.002 * k, player, pitch + 4 * k, velocity, 0.25))
        t = float(onsets[-1]) + float(rng.choice([0.4, 1.5, 4.0], p=[0.6, 0.3, 0.1]))
    return [n for n in notes if n.t < DURATION_S]


def synthetic_session() -> list[Note]:
    rng = np.random.default_rng(SEED)
    notes = [n for player in PLAYERS for n in synthetic_player(rng, player)]
    notes.sort(key=lambda n: n.t)
    return notes


def time_offline(notes: list[Note]) -> dict[str, list[float]]:
    """Wall and CPU seconds of each run; CPU time is the steadier figure on a shared machine."""
    times: dict[str, list[float]] = {"wall": [], "cpu": [], "json_wall": []}
    for _ in range(RUNS):
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        analysis = analyze_notes(notes, DURATION_S)
        times["wall"].append(time.perf_counter() - wall)
        times["cpu"].append(time.process_time() - cpu)
        wall = time.perf_counter()
        analysis_to_json(analysis)
        times["json_wall"].append(time.perf_counter() - wall)
    return times


def time_tempo_alone(notes: list[Note]) -> float:
    """CPU seconds of the tempo trackers alone: the same onsets and grid estimates."""
    steps = round(DURATION_S / GRID_STEP_S)
    start = time.process_time()
    for player in PLAYERS:
        onsets = [n.t for n in notes if n.player == player]
        tracker = TempoTracker(TempoSettings())
        i = 0
        for k in range(1, steps + 1):
            g = k * GRID_STEP_S
            while i < len(onsets) and onsets[i] < g:
                tracker.add_onset(onsets[i])
                i += 1
            tracker.estimate(g)
    return time.process_time() - start


class _NullTempo:
    """Stands in for the tempo tracker to time the features alone (named so in the results)."""

    def __init__(self, settings: TempoSettings) -> None:
        self._none = TempoEstimate(0.0, None, 0.0)

    def add_onset(self, t: float, velocity: int = 64, pitch: int = 60) -> None:
        return None

    def estimate(self, t: float) -> TempoEstimate:
        return self._none


def time_features_alone(notes: list[Note]) -> float:
    """Minimum CPU seconds of `analyze_notes` with the tempo tracker replaced by `_NullTempo`."""
    namespace = vars(features)
    real = namespace["TempoTracker"]
    namespace["TempoTracker"] = _NullTempo
    try:
        cpu: list[float] = []
        for _ in range(RUNS):
            gc.collect()
            start = time.process_time()
            analyze_notes(notes, DURATION_S)
            cpu.append(time.process_time() - start)
    finally:
        namespace["TempoTracker"] = real
    return min(cpu)


def peak_memory_mb(notes: list[Note]) -> float:
    gc.collect()
    tracemalloc.start()
    analysis_to_json(analyze_notes(notes, DURATION_S))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def live_steps_us(notes: list[Note]) -> list[float]:
    """Replay note-ons and note-offs in time order; time each `advance` crossing a grid point."""
    stream = sorted(
        [(n.t, 1, i) for i, n in enumerate(notes)] + [(n.end, 0, i) for i, n in enumerate(notes)]
    )
    trackers = {p: PlayerFeatures(p) for p in PLAYERS}
    steps: list[float] = []
    clock = 0.0
    for when, is_on, i in stream:
        while clock < when:
            for tracker in trackers.values():
                start = time.perf_counter()
                if tracker.advance(clock):
                    steps.append((time.perf_counter() - start) * 1e6)
            clock += LIVE_TICK_S
        note = notes[i]
        if is_on:
            trackers[note.player].add_note(
                Note(note.t, note.player, note.pitch, note.velocity), held=True
            )
        else:
            trackers[note.player].end_note(note.pitch, note.end)
    return steps


def main() -> None:
    notes = synthetic_session()
    runs = time_offline(notes)
    tempo_cpu_s = time_tempo_alone(notes)
    features_cpu_s = time_features_alone(notes)
    peak_mb = peak_memory_mb(notes)
    steps = percentiles(live_steps_us(notes))
    figures: dict[str, object] = {
        "notes": len(notes),
        "duration_s": DURATION_S,
        "runs": RUNS,
        "analyze_notes_wall_s_min": round(min(runs["wall"]), 3),
        "analyze_notes_wall_s_median": round(statistics.median(runs["wall"]), 3),
        "analyze_notes_cpu_s_min": round(min(runs["cpu"]), 3),
        "tempo_alone_cpu_s": round(tempo_cpu_s, 3),
        "features_with_null_tempo_cpu_s_min": round(features_cpu_s, 3),
        "analysis_to_json_wall_s_min": round(min(runs["json_wall"]), 3),
        "peak_memory_mb": round(peak_mb, 1),
        "live_advance_us": steps,
        "machine": machine(),
    }
    for key, value in figures.items():
        print(f"{key:36} {value}")
    write_result("analysis_speed", figures)


if __name__ == "__main__":
    main()
