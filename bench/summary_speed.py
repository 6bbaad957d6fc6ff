"""The session summary of a two-hour duet, from its notes: time and peak memory.

The summary (moments, attuned time, leaders, match-then-guide episodes, breath-matched phrases,
affect shifts) is what the session record keeps. It is computed by `analyze.summarize_notes`,
the same code as the full analysis's `summary` without the per-second tempo. The duet is the
one `bench.attunement_speed` generates (about 150,000 notes), with a breath tap every 4 s and
an affect shift every 10 minutes.

Run: `.venv/bin/python -m bench.summary_speed`; writes bench/results/summary_speed.json.
"""

from __future__ import annotations

import gc
import time
import tracemalloc

from attune_tui.analyze import summarize_notes
from attune_tui.model.observation import Observation
from attune_tui.presets import load_all
from bench.attunement_speed import two_hour_session
from bench.common import machine, write_result


def main() -> None:
    notes, duration = two_hour_session()
    preset = load_all(None)[0]["free-improvisation"]
    marks = [
        Observation(id=f"b{i}", t=i * 4.0, code="breath") for i in range(1, int(duration // 4))
    ]
    marks += [
        Observation(id=f"a{i}", t=i * 600.0, code="affect", modifiers={"to": "calm"})
        for i in range(1, int(duration // 600))
    ]
    times = []
    for _ in range(3):
        gc.collect()
        start = time.perf_counter()
        summary = summarize_notes(notes, preset, duration, marks)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    summarize_notes(notes, preset, duration, marks)
    peak_mb = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    result = {
        "notes": len(notes),
        "duration_s": duration,
        "summary_best_s": round(min(times), 3),
        "summary_median_s": round(sorted(times)[1], 3),
        "peak_mb": round(peak_mb, 1),
        "moments": summary["moments"],
        "breath_matched_phrases": summary["breath_matched_phrases"],
        "targets": {"summary_best_s": 1.0, "peak_mb": 200.0},
        "machine": machine(),
    }
    print(
        f"summary of a {duration / 3600:.0f} h duet ({len(notes)} notes): best {min(times):.2f} s,"
        f" median {sorted(times)[1]:.2f} s, peak {peak_mb:.0f} MB;"
        f" {summary['moments']} moments, {summary['breath_matched_phrases']} breath-matched"
    )
    write_result("summary_speed", result)


if __name__ == "__main__":
    main()
