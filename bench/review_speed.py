"""How fast the review screen opens on a two-hour session, and how fast it redraws when moving.

The session is the synthetic two-hour duet of `bench.analysis_speed` (fixed seed, about 150,000
notes), written as a raw capture journal (note-on and note-off on channels 1 and 2), with 300
key marks and the automatic observations a live session would have stored.

Figures:
- open: from `AttuneApp.open_review` to the timeline's first paint, with the analysis already
  saved, and with no saved analysis (the screen paints the observations at once and analyses
  the capture in a thread worker: the time until the analysis is on screen is given too);
- pan: one step of the cursor past the right edge (the whole timeline redraws), at 200x50 and
  three zoom levels: the rows rebuilt by the widget (`render_line` after `action_move`), and
  the whole key press in Pilot (key event, action, compositor, idle), next to a key press that
  nothing binds, which is Pilot's and Textual's own share.

Budgets: open <= 1.5 s; pan redraw <= 16 ms. Run: `.venv/bin/python -m bench.review_speed`.
The machine has two cores shared with other work, so figures vary from run to run.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from attune_tui.analysis.notes import Note
from attune_tui.analyze import save_analysis, session_analysis
from attune_tui.midi.events import RawEvent
from attune_tui.midi.journal import JournalWriter
from attune_tui.model.session import CheckIn
from attune_tui.presets import load_all
from attune_tui.store import Store
from attune_tui.store.store import ANALYSIS
from attune_tui.ui.app import AttuneApp
from attune_tui.ui.screens.review import ReviewScreen
from attune_tui.ui.widgets.timeline import TimelineView
from bench.analysis_speed import DURATION_S, synthetic_session
from bench.common import machine, percentiles, write_result

SIZE = (200, 50)
PRESET = "free-improvisation"
STORED_AUTO = ("tempo_change", "dynamics_change", "phrase_end", "silence_start")
KEY_MARKS = 300
OPEN_RUNS = 3
FRESH_RUNS = 2  # each analyses the whole two-hour capture
PAN_STEPS = 200
UNBOUND = "z"
"""A key the review screen does not bind: Pilot's own cost of a key press, for comparison."""
CHANNEL = {"client": 0, "therapist": 1}
OPEN_BUDGET_S = 1.5
PAN_BUDGET_MS = 16.0


def raw_events(notes: list[Note]) -> list[RawEvent]:
    events: list[RawEvent] = []
    for n in notes:
        channel = CHANNEL[n.player]
        events.append(RawEvent(n.t, "bench", (0x90 | channel, n.pitch, n.velocity)))
        events.append(RawEvent(n.t + n.duration, "bench", (0x80 | channel, n.pitch, 0)))
    events.sort(key=lambda e: e.t)
    return events


def build_session(root: Path) -> tuple[Store, str, int]:
    """The stored two-hour session with its analysis saved; returns the store, id, notes."""
    store = Store(root)
    presets, _ = load_all(None)
    preset = presets[PRESET]
    notes = synthetic_session()
    live = store.start_session("C-900", PRESET, ["bench"])
    with JournalWriter(live.folder / "midi.jsonl") as writer:
        for event in raw_events(notes):
            writer.append(event)
    rng = random.Random(7)
    codes = [c for c in preset.codes if c.kind == "point"]
    for _ in range(KEY_MARKS):
        code = rng.choice(codes)
        modifiers = {}
        if code.modifier is not None:
            modifiers = {code.modifier.name: rng.choice(list(code.modifier.keys().values()))}
        live.add(code.code, rng.uniform(0.0, DURATION_S), modifiers=modifiers)
    ended = live.end(CheckIn(goals=7, tasks=7, bond=8))
    live.close()
    store.save_session(ended.model_copy(update={"duration_s": DURATION_S}))
    data = store.load(ended.id)
    document = session_analysis(data, preset, fresh=True)
    editor = store.edit_session(ended.id)
    for event in document["events"]:
        if event["code"] in STORED_AUTO:
            editor.add(
                event["code"], event["t"], source="auto", player=event["player"],
                modifiers={"detail": event["detail"]},
            )  # fmt: skip
    editor.close()
    save_analysis(data.folder, session_analysis(store.load(ended.id), preset, fresh=True))
    return store, ended.id, len(notes)


async def time_open(store: Store, session_id: str, fresh: bool) -> tuple[float, float]:
    """Seconds from asking for the review to the timeline's first paint, and to the analysis
    on screen (the same when it was saved; computed in a thread worker when it was not)."""
    if fresh:
        (store.folder(session_id) / ANALYSIS).unlink(missing_ok=True)
    app = AttuneApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        start = time.perf_counter()
        app.open_review(session_id)
        while not painted(app):
            await asyncio.sleep(0.0005)
        paint = time.perf_counter() - start
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        while screen.analysis is None:
            await asyncio.sleep(0.01)
        return paint, time.perf_counter() - start


def painted(app: AttuneApp) -> bool:
    """The review screen is up and its timeline has drawn its rows once."""
    screen = app.screen
    if not isinstance(screen, ReviewScreen):
        return False
    views = screen.query(TimelineView)
    return bool(views) and views.first().builds > 0


async def time_pan(store: Store, session_id: str) -> dict[str, Any]:
    """Per zoom level: widget rebuild and whole key press of a pan step, in milliseconds."""
    app = AttuneApp(store)
    results: dict[str, Any] = {}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_review(session_id)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        widget = screen.timeline
        for label, zoom_steps in (("whole session", 0), ("~1 s/col", 5), ("0.1 s/col", 20)):
            view = widget.view
            view.goto(0.0)
            for _ in range(zoom_steps):
                view.zoom(0.5)
            view.goto(1800.0)  # half an hour in, the cursor at the right edge
            view.start = view.cursor - (view.width - 1) * view.scale
            rebuild, press = [], []
            for _ in range(PAN_STEPS):
                t0 = time.perf_counter()
                screen.action_move(1)
                widget.render_line(0)
                rebuild.append(1000 * (time.perf_counter() - t0))
            idle = []
            for _ in range(PAN_STEPS):
                t0 = time.perf_counter()
                await pilot.press("right")
                press.append(1000 * (time.perf_counter() - t0))
                t0 = time.perf_counter()
                await pilot.press(UNBOUND)
                idle.append(1000 * (time.perf_counter() - t0))
            results[label] = {
                "seconds_per_column": round(view.scale, 3),
                "rebuild_ms": percentiles(rebuild),
                "key_press_ms": percentiles(press),
                "unbound_key_press_ms": percentiles(idle),
            }
    return results


async def run() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        store, session_id, notes = build_session(Path(tmp) / "data")
        built = time.perf_counter() - t0
        data = store.load(session_id)
        saved = [await time_open(store, session_id, fresh=False) for _ in range(OPEN_RUNS)]
        fresh = [await time_open(store, session_id, fresh=True) for _ in range(FRESH_RUNS)]
        pan = await time_pan(store, session_id)
    return {
        "session": {
            "duration_s": DURATION_S,
            "notes": notes,
            "observations": len(data.observations),
            "built_in_s": round(built, 1),
        },
        "open_saved_first_paint_s": [round(paint, 3) for paint, _ in saved],
        "open_fresh_first_paint_s": [round(paint, 3) for paint, _ in fresh],
        "open_fresh_analysis_shown_s": [round(shown, 3) for _, shown in fresh],
        "open_budget_s": OPEN_BUDGET_S,
        "pan": pan,
        "pan_budget_ms": PAN_BUDGET_MS,
        "terminal": list(SIZE),
        "machine": machine(),
    }


def main() -> None:
    result = asyncio.run(run())
    session = result["session"]
    print(
        f"session: {session['notes']} notes, {session['observations']} observations, "
        f"{session['duration_s'] / 3600:.1f} h (built in {session['built_in_s']} s)"
    )
    print(
        f"open, analysis saved: first paint {result['open_saved_first_paint_s']} s "
        f"(budget {OPEN_BUDGET_S} s)"
    )
    print(
        f"open, analysis fresh: first paint {result['open_fresh_first_paint_s']} s, analysis "
        f"on screen {result['open_fresh_analysis_shown_s']} s"
    )
    for label, row in result["pan"].items():
        rebuild, press, idle = row["rebuild_ms"], row["key_press_ms"], row["unbound_key_press_ms"]
        print(
            f"pan step, {label} ({row['seconds_per_column']} s/col): rebuild p50 "
            f"{rebuild['p50']} p99 {rebuild['p99']} ms; key press p50 {press['p50']} "
            f"p99 {press['p99']} ms (unbound key p50 {idle['p50']} p99 {idle['p99']} ms; "
            f"budget {PAN_BUDGET_MS} ms)"
        )
    print(f"written {write_result('review_speed', result)}")


if __name__ == "__main__":
    main()
