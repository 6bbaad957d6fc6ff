"""MIDI ingest under load: does capture keep up, how late does an event reach the consumer, and
what does it cost in CPU?

A private JACK server (dummy driver, real ports) runs `jack_midiseq`, a C client from jackd2, as
the player: a 100 ms loop of note-on/note-off pairs, frame-accurate, 1,000 messages per second by
default (about DIN MIDI's ceiling, fifty times a busy player), for 60 s. A C sender keeps the
load generator out of this process's CPU figure and avoids python-rtmidi's own JACK output,
which corrupted a few messages per thousand at this rate in trials. This process runs the live
path: `Capture` (RtMidi's queue polled by the capture thread, stamps back-dated to arrival,
SimpleQueue) and a consumer thread that takes each event off the queue and hands it to a
consumer; the default consumer writes the raw journal and runs the hands-free matcher and note
tracker (`MidiPipeline`). The consumer is a parameter (`run(..., make_consumer=...)`) so the
whole app's engine can be measured the same way.

A reference receiver runs beside the app on the same sequencer output: `jack_midi_dump`, a C
client from jackd2 whose process callback only copies into a ring buffer. What it loses, the
server lost (a client that missed its cycle on a busy machine); what only the app loses, the app
lost. In jackd's default asynchronous mode a client that misses a cycle loses that cycle's
messages; with `--sync` (jackd -S) the dummy driver waits for late clients instead.

Figures: messages received; dropped and duplicated, from breaks in the loop's known order, for
the app and the reference; stamp-to-consumer latency p50/p99/max (clock at hand-over minus the
stamp, which is the arrival time in RtMidi, so the capture thread's polling delay is included);
CPU of this process over wall time (time.process_time, all threads, RtMidi's JACK threads
included). Stamp precision is measured in the tests against send times, not here: the dummy
driver's periods are themselves uneven on a loaded machine. The machine has 2 cores shared with
other work, so figures are noisy.

Run: `.venv/bin/python -m bench.midi_ingest [--seconds 60] [--rate 1000] [--sync]`; results go
to bench/results/midi_ingest.json under "async" or "sync", one entry per server mode.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from attune_tui.clock import SessionClock
from attune_tui.midi.capture import Capture
from attune_tui.midi.events import RawEvent
from attune_tui.midi.jackserver import private_jack
from attune_tui.midi.journal import JournalWriter, read_journal
from attune_tui.midi.pipeline import MidiPipeline

RESULTS = Path(__file__).parent / "results" / "midi_ingest.json"
BACKEND = "rtmidi/UNIX_JACK"
SAMPLE_RATE = 48_000
LOOP_S = 0.1
LOWEST = 20
SETTLE_S = 0.5


class Consumer(Protocol):
    """What the capture queue feeds; `close` returns figures of its own."""

    def __call__(self, event: RawEvent) -> None: ...

    def close(self) -> dict[str, Any]: ...


class JournalAndNotes:
    """The MIDI part of the live engine: raw journal, then hands-free codes and note tracking."""

    def __init__(self, workdir: Path) -> None:
        self.path = workdir / "midi.jsonl"
        self.journal = JournalWriter(self.path)
        self.pipeline = MidiPipeline()
        self.completed = 0

    def __call__(self, event: RawEvent) -> None:
        self.journal.append(event)
        for change in self.pipeline.feed(event).changes:
            self.completed += change.kind == "end"

    def close(self) -> dict[str, Any]:
        self.journal.close()
        return {
            "journal_events": len(read_journal(self.path).events),
            "notes_completed": self.completed,
        }


def sequencer_command(client: str, rate: float) -> list[str]:
    """`jack_midiseq` looping `rate / 20` notes per 100 ms: an on and an off per note."""
    notes = round(rate * LOOP_S / 2)
    if not 1 <= notes <= 127 - LOWEST:
        raise ValueError(f"rate must be 20-{(127 - LOWEST) * 20} messages per second")
    loop = round(SAMPLE_RATE * LOOP_S)
    spacing = loop // notes
    command = ["jack_midiseq", client, str(loop)]
    for k in range(notes):
        command += [str(k * spacing), str(LOWEST + k), str(spacing // 2)]
    return command


def order_breaks(messages: Sequence[Sequence[int]], notes: int) -> tuple[int, int]:
    """Messages dropped and duplicated, from breaks in the loop's known order."""
    states = 2 * notes
    dropped = duplicated = 0
    previous: int | None = None
    for data in messages:
        state = 2 * (data[1] - LOWEST) + (0 if data[0] & 0xF0 == 0x90 else 1)
        if previous is not None:
            gap = (state - previous - 1) % states
            if gap == states - 1:
                duplicated += 1
            else:
                dropped += gap
        previous = state
    return dropped, duplicated


def parse_dump(text: str) -> list[tuple[int, ...]]:
    """Note messages from `jack_midi_dump` lines such as `  32: 90 45 40 note on (...)`."""
    messages: list[tuple[int, ...]] = []
    for line in text.splitlines():
        words = line.partition(":")[2].split()[:3]
        try:
            data = tuple(int(word, 16) for word in words)
        except ValueError:
            continue
        if len(data) == 3 and data[0] & 0xE0 == 0x80:
            messages.append(data)
    return messages


class Reference:
    """`jack_midi_dump` listening to `source`: a C receiver that shows what the server lost."""

    def __init__(self, source: str, workdir: Path) -> None:
        self.path = workdir / "reference.txt"
        self._out = self.path.open("w")
        client = f"reference-{secrets.token_hex(3)}"
        self._process = subprocess.Popen(
            ["jack_midi_dump", client], stdout=self._out, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 5.0
        connect = ["jack_connect", source, f"{client}:input"]
        while subprocess.run(connect, capture_output=True, check=False).returncode:
            if time.monotonic() > deadline:
                self.close()
                raise SystemExit(f"could not connect {source} to {client}:input")
            time.sleep(0.05)

    def close(self) -> list[tuple[int, ...]]:
        """Stop the receiver; the note messages it received."""
        self._process.terminate()
        self._process.wait()
        self._out.close()
        return parse_dump(self.path.read_text())


def percentiles_ms(values: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(values, n=100)
    return {
        "p50": round(cuts[49] * 1000, 3),
        "p99": round(cuts[98] * 1000, 3),
        "max": round(max(values) * 1000, 3),
    }


def consume(
    capture: Capture,
    consumer: Consumer,
    clock: SessionClock,
    stop: threading.Event,
    received: list[RawEvent],
    latencies: list[float],
) -> None:
    """The consumer thread: block on the queue, note the hand-over latency, consume."""
    get = capture.queue.get
    while not stop.is_set():
        try:
            event = get(timeout=0.1)
        except queue.Empty:
            continue
        latencies.append(clock.now() - event.t)
        received.append(event)
        consumer(event)


def run(
    seconds: float,
    rate: float,
    make_consumer: Callable[[Path], Consumer] = JournalAndNotes,
    jack_options: Sequence[str] = (),
) -> dict[str, Any]:
    """Capture `seconds` of the sequencer's stream into `make_consumer(workdir)`."""
    for tool in ("jack_midiseq", "jack_midi_dump", "jack_connect"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} not found: apt-get install jackd2")
    client = f"seq-{secrets.token_hex(3)}"
    command = sequencer_command(client, rate)
    with (
        private_jack("attune-bench", options=jack_options),
        tempfile.TemporaryDirectory() as workdir,
    ):
        sequencer = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(SETTLE_S)
            reference = Reference(f"{client}:out", Path(workdir))
            clock = SessionClock()
            consumer = make_consumer(Path(workdir))
            capture = Capture(clock, [f"{client}:out"], backend=BACKEND)
            received: list[RawEvent] = []
            latencies: list[float] = []
            stop = threading.Event()
            worker = threading.Thread(
                target=consume, args=(capture, consumer, clock, stop, received, latencies)
            )
            worker.start()
            cpu0, wall0 = time.process_time(), time.monotonic()
            capture.start()
            time.sleep(seconds)
            capture.close()
            time.sleep(0.1)
            cpu1, wall1 = time.process_time(), time.monotonic()
            stop.set()
            worker.join()
            referenced = reference.close()
        finally:
            sequencer.terminate()
            sequencer.wait()
        extra = consumer.close()
    notes = round(rate * LOOP_S / 2)
    dropped, duplicated = order_breaks([event.data for event in received], notes)
    reference_dropped, reference_duplicated = order_breaks(referenced, notes)
    return {
        "seconds": seconds,
        "rate_per_s": rate,
        "received": len(received),
        "dropped": dropped,
        "duplicated": duplicated,
        "reference": {
            "received": len(referenced),
            "dropped": reference_dropped,
            "duplicated": reference_duplicated,
        },
        "stamp_to_consumer_ms": percentiles_ms(latencies),
        "cpu_percent": round(100 * (cpu1 - cpu0) / (wall1 - wall0), 2),
        **extra,
        "cores": os.cpu_count(),
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "note": "2 cores shared with other work: figures are noisy",
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="MIDI ingest benchmark through JACK")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--rate", type=float, default=1000.0, help="messages per second")
    parser.add_argument(
        "--switch-interval",
        type=float,
        metavar="MS",
        help="sys.setswitchinterval for this run (Python's default is 5 ms)",
    )
    parser.add_argument("--sync", action="store_true", help="run jackd in synchronous mode")
    args = parser.parse_args(argv)
    if args.switch_interval is not None:
        sys.setswitchinterval(args.switch_interval / 1000)
    figures = run(args.seconds, args.rate, jack_options=["-S"] if args.sync else [])
    figures["switch_interval_ms"] = round(sys.getswitchinterval() * 1000, 3)
    print(json.dumps(figures, indent=2))
    results: dict[str, Any] = {}
    if RESULTS.exists():
        previous = json.loads(RESULTS.read_text())
        results = {mode: previous[mode] for mode in ("async", "sync") if mode in previous}
    results["sync" if args.sync else "async"] = figures
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
