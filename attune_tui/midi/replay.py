"""Replay a recording through the live path, for demos, training and testing the whole app.

Replay must exercise exactly what a live port does, so it does not push `RawEvent`s with file
times: a thread sleeps until each event is due and calls the same hand-off the MIDI callback
uses (`Capture.hand_off`), which stamps it with the session clock on delivery and filters it.
A replayed session therefore looks, to everything downstream, like one played live.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from attune_tui.errors import AttuneError
from attune_tui.midi.events import MessageCallback, RawEvent
from attune_tui.midi.journal import JournalError, read_journal
from attune_tui.midi.smf import read_events

MIDI_SUFFIXES = (".mid", ".midi", ".smf")


def load_events(path: Path) -> list[RawEvent]:
    """Events of a Standard MIDI File, or of a raw capture journal (any other suffix).

    Every way a file can be unusable becomes one `AttuneError` naming the file and the fix, so
    a bad `--replay` or `analyze` argument is a message, never a traceback.
    """
    fix = "give the path of a .mid file (or of a session's capture journal)"
    if path.is_dir():
        raise AttuneError(f"{path}: is a folder; {fix}")
    if not path.is_file():
        raise AttuneError(f"{path}: no such file; {fix}")
    midi = path.suffix.lower() in MIDI_SUFFIXES
    try:
        if midi:
            return read_events(path)
        contents = read_journal(path)
        if contents.skipped:  # an input file is read whole or refused, never played in part
            raise JournalError(contents.skipped[0])
        return contents.events
    except EOFError:
        reason = "it ends early: the file is empty or was cut short"
    except OSError as exc:
        reason = exc.strerror or str(exc)
    except (ValueError, KeyError, IndexError, JournalError) as exc:
        reason = str(exc) or type(exc).__name__
    what = "a readable Standard MIDI File" if midi else "a readable capture journal"
    raise AttuneError(f"{path}: not {what} ({reason}); save or export the file again")


def check_speed(speed: float) -> None:
    """Refuse a replay speed that is not a positive finite number."""
    if not (math.isfinite(speed) and speed > 0):
        raise AttuneError(f"--speed {speed:g}: give a replay speed above 0, e.g. 1 or 2")


class Replayer:
    """Delivers a file's events to `sink` in real time divided by `speed`, on its own thread."""

    def __init__(
        self, path: Path | Sequence[RawEvent], speed: float, sink: MessageCallback
    ) -> None:
        if speed <= 0:
            raise ValueError(f"replay speed must be above 0, got {speed}")
        self.events = load_events(path) if isinstance(path, Path) else list(path)
        self.speed = speed
        self._sink = sink
        self._stop = threading.Event()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="midi-replay", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """True once every event was delivered or the replay was stopped."""
        return self._done.wait(timeout)

    def stop(self) -> None:
        """Stop delivering; returns when the thread has ended."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        origin = time.monotonic()
        try:
            for event in self.events:
                delay = origin + event.t / self.speed - time.monotonic()
                if delay > 0 and self._stop.wait(delay):
                    return
                if self._stop.is_set():
                    return
                self._sink((list(event.data), 0.0), event.port)
        finally:
            self._done.set()
