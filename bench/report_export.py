"""How long each export format takes, and how big it gets, for an hour-long session.

The bundled demo duet is tiled twenty times (about 59 minutes, ~15,600 MIDI events) into a
stored session's capture journal, with a therapist's marks every few seconds (about 900
observations, breath taps included) and a check-in. The analysis is saved once, as the app
does at the end of a session, so the figures are the cost of rendering each format (the
analysis itself is measured by `bench.analysis_speed`).

Run: `.venv/bin/python -m bench.report_export` (figures printed and written to
bench/results/report_export.json). The machine has 2 cores shared with other work: the
timings are noisy, so each is the median of several runs. Target: every format under 1 s.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from attune_tui.analyze import save_analysis, session_analysis
from attune_tui.midi.events import RawEvent
from attune_tui.midi.journal import JournalWriter
from attune_tui.midi.smf import read_events
from attune_tui.model.session import CheckIn
from attune_tui.presets import find_preset
from attune_tui.report.export import FORMATS, export_session
from attune_tui.store import Store
from bench.common import machine, write_result

DEMO = Path(__file__).resolve().parent.parent / "attune_tui" / "data" / "demo.mid"
REPEATS = 20
RUNS = 5
MARKS: tuple[tuple[str, dict[str, str | int]], ...] = (
    ("tempo", {"direction": "faster"}),
    ("dynamics", {"change": "softer"}),
    ("affect", {"to": "calm"}),
    ("attunement", {"dimension": "timing"}),
    ("turn-taking", {}),
)


def build(root: Path) -> tuple[Store, str, float, int]:
    """A stored, ended, analysed hour-long session; its id, analysis seconds, events."""
    store = Store(root)
    preset = find_preset("free-improvisation", None)
    demo = read_events(DEMO)
    length = demo[-1].t + 2.0
    live = store.start_session("C-900", preset.name, [])
    with JournalWriter(live.folder / "midi.jsonl") as journal:
        for k in range(REPEATS):
            for e in demo:
                journal.append(RawEvent(e.t + k * length, e.port, e.data))
    duration = REPEATS * length
    t = 1.0
    while t < duration:
        code, modifiers = MARKS[int(t) % len(MARKS)]
        live.add(code, t, modifiers=dict(modifiers))
        live.add("breath", t + 2.0)
        t += 8.0
    session = live.end(CheckIn(goals=7, tasks=7, bond=8, summary="steady session"))
    live.close()
    store.save_session(session.model_copy(update={"duration_s": round(duration, 3)}))
    data = store.load(session.id)
    start = time.perf_counter()
    document = session_analysis(data, preset, fresh=True)
    analysis_s = time.perf_counter() - start
    save_analysis(data.folder, document)
    return store, session.id, analysis_s, REPEATS * len(demo)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store, session_id, analysis_s, events = build(Path(tmp))
        observations = len(store.load(session_id).observations)
        formats: dict[str, dict[str, float]] = {}
        for fmt in FORMATS:
            times, size = [], 0
            for _ in range(RUNS):
                start = time.perf_counter()
                size = len(export_session(store, session_id, fmt))
                times.append(time.perf_counter() - start)
            formats[fmt] = {
                "median_s": round(statistics.median(times), 4),
                "best_s": round(min(times), 4),
                "kb": round(size / 1024, 1),
            }
            print(f"{fmt:<12} median {formats[fmt]['median_s']:.3f} s  {formats[fmt]['kb']:>8} KB")
    result: dict[str, object] = {
        "session_s": round(REPEATS * (read_events(DEMO)[-1].t + 2.0), 1),
        "midi_events": events,
        "observations": observations,
        "analysis_once_s": round(analysis_s, 3),
        "runs": RUNS,
        "formats": formats,
        "target_s": 1.0,
        "note": "2-core machine shared with other work: figures are noisy",
        "machine": machine(),
    }
    print(f"analysis (once, not part of the exports): {analysis_s:.2f} s")
    print(f"wrote {write_result('report_export', result)}")


if __name__ == "__main__":
    main()
