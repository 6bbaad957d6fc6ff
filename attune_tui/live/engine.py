"""The live MIDI engine: from the capture queue to features, attunement and codes.

One thread drains the capture queue in batches. For each event it writes the raw capture
journal (durable within 0.25 s), routes it (hands-free code or music) and feeds the note
trackers; about five times a second it advances the per-player features and the attunement
tracker on their fixed grids and reports a snapshot. Callbacks run on this thread: the screen
turns them into messages and never lets the engine wait for it.

Store writes (codes, automatic observations) are not made here: they are reported, and the
screen's single writer logs them, so the session journal has one writer.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from attune_tui.analysis.attunement import AttunementState, AttunementTracker
from attune_tui.analysis.features import AutoEvent, PlayerFeatures, PlayerSnapshot
from attune_tui.analysis.notes import PLAYERS, Player
from attune_tui.clock import SessionClock
from attune_tui.midi.capture import Capture, PortStatus
from attune_tui.midi.events import RawEvent
from attune_tui.midi.journal import JournalWriter
from attune_tui.midi.pipeline import MidiPipeline
from attune_tui.midi.replay import Replayer
from attune_tui.model.preset import Preset

REPORT_INTERVAL_S = 0.2
"""Snapshots five times a second: the panels are for a glance, tempo still updates more than
twice a second, and every redraw costs the screen's thread CPU during a flood of notes."""
GRID_MARGIN_S = 0.05
"""Features advance this far behind the clock, so a note stamped just before a grid point has
arrived before that point is processed (live then equals offline)."""


@dataclass(frozen=True, slots=True)
class EngineUpdate:
    """What the screen shows, computed off the UI thread."""

    t: float
    players: dict[Player, PlayerSnapshot]
    history: dict[Player, dict[str, list[float]]]
    attunement: AttunementState | None
    notes: dict[Player, int]
    ports: dict[str, bool]
    lag_ms: float
    """Stamp of the newest event to this snapshot: how far the analysis runs behind."""
    moment_began: bool = False
    """A new attunement moment was found since the previous update: time for a brief cue."""


@dataclass
class EngineCallbacks:
    """Where the engine reports; each must return at once (e.g. post a message)."""

    update: Callable[[EngineUpdate], object]
    code: Callable[[str, float], object] = lambda code, t: None
    auto: Callable[[AutoEvent], object] = lambda event: None
    status: Callable[[str, PortStatus, float], object] = lambda port, status, t: None
    failed: Callable[[str], object] = lambda message: None
    """The live analysis stopped (a fault in it); the raw capture goes on being recorded."""


@dataclass
class _Counts:
    notes: dict[Player, int] = field(default_factory=lambda: {p: 0 for p in PLAYERS})


class LiveEngine:
    """Owns the capture, the raw journal and the trackers of one live session."""

    def __init__(
        self,
        clock: SessionClock,
        preset: Preset,
        folder: Path,
        callbacks: EngineCallbacks,
        *,
        ports: tuple[str, ...] = (),
        backend: str | None = None,
        virtual: str | None = None,
        replay: Path | None = None,
        speed: float = 1.0,
    ) -> None:
        self.clock = clock
        self.callbacks = callbacks
        self.capture = Capture(
            clock, ports, virtual=virtual, backend=backend, on_status=self._status
        )
        self.journal = JournalWriter(folder / "midi.jsonl")
        self.pipeline = MidiPipeline(preset.midi.roles, preset.midi.hands_free)
        self.features = {p: PlayerFeatures(p, preset.analysis) for p in PLAYERS}
        self.attunement = AttunementTracker(preset.attunement)
        self._counts = _Counts()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="attune-engine", daemon=True)
        self._last_stamp = 0.0
        self._state: AttunementState | None = None
        self.failure: str | None = None
        self.replayer = Replayer(replay, speed, self.capture.hand_off) if replay else None

    def start(self) -> None:
        """Open the MIDI inputs (raises MidiUnavailable) and start the engine thread."""
        self._thread.start()
        self.capture.start()
        if self.replayer is not None:
            self.replayer.start()

    def stop(self) -> None:
        """Close the ports, process what is queued, and flush the journal.

        Stop the session's clock first to end the session there: messages stamped after its
        end are then left out (see `_take`), and the last snapshot is taken at the end.
        """
        if self.replayer is not None:
            self.replayer.stop()
        self.capture.close()
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        self.journal.close()

    def _status(self, port: str, status: PortStatus, t: float) -> None:
        self.journal.status(port, status, t)
        self.callbacks.status(port, status, t)

    def _run(self) -> None:
        get = self.capture.queue.get
        last_report = 0.0
        while True:
            try:
                first = get(timeout=REPORT_INTERVAL_S / 2)
            except queue.Empty:
                first = None
            if first is not None:
                self._take(first)
                for event in self.capture.drain():
                    self._take(event)
            now = time.monotonic()
            if now - last_report >= REPORT_INTERVAL_S and self.failure is None:
                last_report = now
                self._guarded(self._report)
            if self._stop.is_set() and self.capture.queue.empty():
                return

    def _take(self, event: RawEvent) -> None:
        """Journal first, always; then analyse, unless the analysis has already failed.

        A message stamped after the session's end (the clock stopped) is not part of it.
        """
        end = self.clock.stopped
        if end is not None and event.t > end:
            return
        self.journal.append(event)
        if self.failure is None:
            self._guarded(self._feed, event)

    def _guarded(self, step: Callable[..., None], *args: RawEvent) -> None:
        """Run an analysis step; a fault stops the analysis, never the capture."""
        try:
            step(*args)
        except Exception as exc:  # the recording must outlive any fault in the analysis
            self.failure = f"{type(exc).__name__}: {exc}"
            self.callbacks.failed(self.failure)

    def _feed(self, event: RawEvent) -> None:
        self._last_stamp = event.t
        routed = self.pipeline.feed(event)
        if routed.code is not None:
            self.callbacks.code(routed.code, event.t)
            return
        for change in routed.changes:
            note = change.note
            tracker = self.features[note.player]
            if change.kind == "onset":
                tracker.add_note(note, held=True)
                self.attunement.add_note(note)
                self._counts.notes[note.player] += 1
            else:
                tracker.end_note(note.pitch, note.end)

    def _report(self) -> None:
        t = self.clock.now()
        snapshots = {}
        for player, tracker in self.features.items():
            snapshots[player] = tracker.snapshot(t - GRID_MARGIN_S)
            for event in tracker.auto_events(t - GRID_MARGIN_S):
                self.callbacks.auto(event)
        state = self.attunement.update(t - GRID_MARGIN_S)
        if state is not None:
            self._state = state
        began = state is not None and state.moment_started
        self.callbacks.update(
            EngineUpdate(
                t=t,
                players=snapshots,
                history={
                    p: {"bpm": f.history("bpm"), "velocity": f.history("velocity")}
                    for p, f in self.features.items()
                },
                attunement=self._state,
                notes=dict(self._counts.notes),
                ports=self.capture.connected(),
                lag_ms=max(t - self._last_stamp, 0.0) * 1000 if self._last_stamp else 0.0,
                moment_began=began,
            )
        )
