"""The whole app under a MIDI flood: 1,000 messages/s for 60 s through JACK into a live session.

The real `AttuneApp` runs headless (Textual's test driver) with a live session reading a JACK port
that `jack_midiseq` (a C client) floods, exactly as in `bench.midi_ingest`. Measured:

- dropped / duplicated messages in the session's raw capture (from the loop's known order), and
  what a C reference receiver on the same server lost (the server's own losses);
- stamp to feature update: from an event's arrival stamp to the moment the engine thread has fed
  it into the per-player features and attunement trackers (p50/p99);
- the app process's CPU over the run, as % of one core (all threads, JACK's included);
- key to disk during the flood: a key pressed every 2 s, from the key event's own stamp to its
  observation being fsynced (p50/max).

Run: `.venv/bin/python -m bench.app_ingest [--seconds 60] [--rate 1000] [--sync]`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from attune_tui.midi.events import RawEvent
from attune_tui.midi.jackserver import private_jack
from attune_tui.midi.journal import read_journal
from attune_tui.store import Store
from bench.common import machine, percentiles, write_result
from bench.midi_ingest import (
    BACKEND,
    LOOP_S,
    SETTLE_S,
    Reference,
    order_breaks,
    sequencer_command,
)

KEY_EVERY_S = 2.0


async def flood(port: str, root: Path, seconds: float) -> dict[str, Any]:
    from attune_tui.ui.app import AttuneApp, LiveRequest
    from attune_tui.ui.screens.live import LiveScreen

    store = Store(root)
    app = AttuneApp(store, start=LiveRequest(client="C-900", midi=(port,), backend=BACKEND))
    fed: list[float] = []
    keys: list[float] = []
    async with app.run_test(size=(140, 44)) as pilot:
        screen = app.screen
        assert isinstance(screen, LiveScreen) and screen.engine is not None
        engine, clock = screen.engine, screen.live.clock
        feed = engine._feed

        def timed_feed(event: RawEvent) -> None:
            feed(event)
            fed.append(clock.now() - event.t)

        engine._feed = timed_feed  # type: ignore[method-assign]
        press = screen.logger.press

        def timed_press(key: str, t: float, source: str = "key") -> object:
            outcome = press(key, t)
            keys.append(clock.now() - t)
            return outcome

        screen.logger.press = timed_press  # type: ignore[method-assign,assignment]
        cpu0, wall0 = time.process_time(), time.monotonic()
        end = wall0 + seconds
        while time.monotonic() < end:
            await pilot.pause(KEY_EVERY_S)
            await pilot.press("r")
        cpu1, wall1 = time.process_time(), time.monotonic()
        folder = screen.live.folder
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause(0.5)
    events = read_journal(folder / "midi.jsonl").events
    return {
        "events": [e.data for e in events if e.data[0] & 0xE0 == 0x80],
        "stamp_to_feature_ms": percentiles([x * 1000 for x in fed]),
        "key_to_disk_ms": percentiles([x * 1000 for x in keys]),
        "cpu_percent": round(100 * (cpu1 - cpu0) / (wall1 - wall0), 1),
    }


def run(seconds: float, rate: float, sync: bool) -> dict[str, Any]:
    client = f"seq-{secrets.token_hex(3)}"
    with (
        private_jack("attune-appbench", options=["-S"] if sync else []),
        tempfile.TemporaryDirectory() as workdir,
    ):
        sequencer = subprocess.Popen(
            sequencer_command(client, rate), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            time.sleep(SETTLE_S)
            reference = Reference(f"{client}:out", Path(workdir))
            figures = asyncio.run(flood(f"{client}:out", Path(workdir) / "data", seconds))
            referenced = reference.close()
        finally:
            sequencer.terminate()
            sequencer.wait()
    notes = round(rate * LOOP_S / 2)
    events = figures.pop("events")
    dropped, duplicated = order_breaks(events, notes)
    ref_dropped, ref_duplicated = order_breaks(referenced, notes)
    return {
        "seconds": seconds,
        "rate_per_s": rate,
        "jackd_sync": sync,
        "received": len(events),
        "dropped": dropped,
        "duplicated": duplicated,
        "reference": {"dropped": ref_dropped, "duplicated": ref_duplicated},
        **figures,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--rate", type=float, default=1000.0)
    parser.add_argument("--sync", action="store_true", help="run jackd -S (synchronous)")
    args = parser.parse_args()
    result = run(args.seconds, args.rate, args.sync)
    result["machine"] = machine()
    print(
        f"received {result['received']}, dropped {result['dropped']}, duplicated "
        f"{result['duplicated']} (C reference dropped {result['reference']['dropped']}); "
        f"stamp->feature p50 {result['stamp_to_feature_ms']['p50']} ms p99 "
        f"{result['stamp_to_feature_ms']['p99']} ms; CPU {result['cpu_percent']} % of a core; "
        f"key->disk during flood max {result['key_to_disk_ms']['max']} ms"
    )
    write_result("app_ingest", result)


if __name__ == "__main__":
    main()
