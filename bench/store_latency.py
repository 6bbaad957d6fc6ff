"""Key press to durable observation, with 0, 100 and 1,000 stored sessions; cold start.

Run: `python -m bench.store_latency [--presses N]`. Figures go to bench/results/store_latency.json.

- `logger`: the store path alone (ObservationLogger.press: journal append + fdatasync).
- `app`: the whole path in the running app: from the key event's creation (Textual stamps it
  with the monotonic clock) to the journal append having returned, read inside the app.
- `cold start`: a new Python process until the live screen is mounted (headless).
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

from attune_tui.live.logger import ObservationLogger
from attune_tui.presets import load_all
from attune_tui.store import Store
from attune_tui.store.store import write_record
from bench.common import machine, percentiles, write_result

KEYS = "tdbpamrtdam"


def fill(store: Store, sessions: int, per_session: int = 100) -> None:
    """Stored sessions of `per_session` observations each, written as the store writes them."""
    for n in range(sessions):
        live = store.start_session(f"C-{n % 50 + 1}", "free-improvisation", [])
        lines = b"".join(
            orjson.dumps({"op": "add", "obs": {"id": f"{n}-{i}", "t": i * 2.0, "code": "tempo"}})
            + b"\n"
            for i in range(per_session)
        )
        (live.folder / "journal.jsonl").write_bytes(lines)
        live.end(None)
        live.close()
        write_record(live.folder, live.session)


def logger_latency(store: Store, presses: int) -> list[float]:
    preset = load_all(None)[0]["free-improvisation"]
    live = store.start_session("C-999", preset.name, [])
    logger = ObservationLogger(live, preset)
    samples = []
    for i in range(presses):
        start = time.perf_counter()
        logger.press(KEYS[i % len(KEYS)], live.clock.now())
        samples.append((time.perf_counter() - start) * 1000)
    live.end(None)
    live.close()
    return samples


async def app_latency(store: Store, presses: int) -> list[float]:
    from attune_tui.ui.app import AttuneApp, LiveRequest
    from attune_tui.ui.screens.live import LiveScreen

    app = AttuneApp(store, start=LiveRequest(client="C-998"))
    samples: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        original = screen.logger.press
        clock = screen.live.clock

        def timed(key: str, t: float, source: str = "key") -> object:
            outcome = original(key, t)
            samples.append((clock.now() - t) * 1000)  # t is the key event's own stamp
            return outcome

        screen.logger.press = timed  # type: ignore[method-assign,assignment]
        for i in range(presses):
            await pilot.press(KEYS[i % len(KEYS)])
        screen.live.end(None)
    return samples


COLD = """
import sys, time
from pathlib import Path
from attune_tui.store import Store
from attune_tui.ui.app import AttuneApp, LiveRequest
from attune_tui.ui.screens.live import LiveScreen
import asyncio
async def main():
    app = AttuneApp(Store(Path(sys.argv[1])), start=LiveRequest(client="C-1"))
    async with app.run_test(size=(120, 40)) as pilot:
        while not isinstance(app.screen, LiveScreen) or not app.screen.is_mounted:
            await pilot.pause(0.001)
        print(time.monotonic())
        app.screen.live.end(None)  # not left behind as a crashed session for the next run
asyncio.run(main())
"""


def cold_start(root: Path, runs: int = 7) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.monotonic()
        out = subprocess.run(
            [sys.executable, "-c", COLD, str(root)],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
        samples.append((float(out.split()[-1]) - start) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=500)
    args = parser.parse_args()
    result: dict[str, object] = {"machine": machine()}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "data"
        store = Store(root)
        stored = 0
        for target in (0, 100, 1000):
            fill(store, target - stored)
            stored = target
            logger = percentiles(logger_latency(store, args.presses))
            app = percentiles(asyncio.run(app_latency(store, min(args.presses, 300))))
            result[f"sessions_{target}"] = {"logger_ms": logger, "app_ms": app}
            print(
                f"{target:>5} stored sessions: key->disk logger p50 {logger['p50']:.2f} ms "
                f"p99 {logger['p99']:.2f} ms | in app p50 {app['p50']:.2f} ms "
                f"p99 {app['p99']:.2f} ms"
            )
        cold = percentiles(cold_start(root))
        result["cold_start_ms"] = cold
        print(
            f"cold start to live screen (1,000 sessions stored): p50 {cold['p50']:.0f} ms, "
            f"max {cold['max']:.0f} ms"
        )
    write_result("store_latency", result)


if __name__ == "__main__":
    main()
