"""Live capture: one thread polls every open input, stamps, filters and queues; a watcher
reopens lost ports.

RtMidi keeps each input's messages in its own C++ queue (see `ports`), so nothing in Python runs
on JACK's real-time thread and a busy interpreter cannot make the server drop messages. The
capture thread drains every queue in a tight loop and sleeps about a millisecond when all are
empty, which costs a few percent of one core.

A message is stamped with the time it reached RtMidi, not the time Python got round to it:
RtMidi gives each message the seconds since the previous one on that input, so the stamp is the
previous stamp plus that delta (see `ArrivalStamps`). Bursts keep their true spacing even when
the thread was held up by the GIL. System messages (clock, active sensing, SysEx: status >= 0xF0)
are dropped with one comparison after they have been counted, and a frozen `RawEvent` goes on a
`queue.SimpleQueue`, which never blocks.

Unplugged devices raise nothing and send nothing, so a watcher thread lists the inputs about
once a second, reports a port that vanished as "disconnected" and reopens it by name when it
comes back, reporting "connected"; the session records the gap between the two. The listing
client is created in `start`, before anyone plays: on JACK, a client appearing mid-performance
changes the graph and measurably lost ~20 ms of events on the other ports.

Replay hands its events to `hand_off`, which stamps them on delivery and filters and queues
them through the same `_deliver` as live input.
"""

from __future__ import annotations

import logging
import math
import queue
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import Literal

import rtmidi

from attune_tui.clock import SessionClock
from attune_tui.midi.events import RawEvent
from attune_tui.midi.names import find_port, port_key
from attune_tui.midi.ports import InputPort, MidiSystem, PortNotFound

PortStatus = Literal["connected", "disconnected"]
StatusCallback = Callable[[str, PortStatus, float], None]
"""`(port, status, t)`, called on the watcher thread: hand it on, do not block."""

SWITCH_INTERVAL_S = 0.0005
POLL_INTERVAL = 1.0
"""Seconds between listings of the inputs, to notice unplugging and replugging."""
IDLE_SLEEP = 0.001
"""Seconds the capture thread sleeps when every queue is empty: the delay it adds before an
event reaches the app (the stamp does not depend on it), against ~1,000 wake-ups a second."""

log = logging.getLogger(__name__)


class ArrivalStamps:
    """Arrival times (`time.monotonic()`) of one input's messages, from RtMidi's delta times.

    A message reached RtMidi `delta` seconds after the previous one, so its arrival is the
    previous arrival plus `delta`. Two facts keep that chain honest when a delta is off (RtMidi's
    first message has none, a reopened port starts again, the queue overflowed): a message
    cannot have arrived after it was retrieved, nor before the queue was last seen empty.
    Deltas are only consistent if every message retrieved is counted here, system ones too.
    """

    __slots__ = ("_empty_since", "_last")

    def __init__(self) -> None:
        self._last: float | None = None
        self._empty_since = -math.inf

    def empty(self, checked_at: float) -> None:
        """The queue was found empty by a check that started at `checked_at`."""
        self._empty_since = checked_at

    def arrival(self, delta: float, retrieved_at: float) -> float:
        """When the message retrieved at `retrieved_at`, `delta` after the last one, arrived."""
        t = retrieved_at if self._last is None else self._last + delta
        if t > retrieved_at:
            t = retrieved_at
        elif t < self._empty_since:
            t = self._empty_since
        self._last = t
        return t


class _Reader:
    """An open input with its label and its stamping state."""

    __slots__ = ("label", "port", "stamps")

    def __init__(self, port: InputPort, label: str) -> None:
        self.port = port
        self.label = label
        self.stamps = ArrivalStamps()


class Capture:
    """Opens the session's MIDI inputs and turns their messages into queued `RawEvent`s.

    `ports` are source names to open and keep open; `virtual` creates an input of that name
    that other programs send to. With neither, no MIDI system is touched and only `hand_off`
    feeds the queue (replay, tests).
    """

    def __init__(
        self,
        clock: SessionClock,
        ports: Sequence[str] = (),
        *,
        virtual: str | None = None,
        backend: str | None = None,
        on_status: StatusCallback | None = None,
        poll_interval: float = POLL_INTERVAL,
        system: MidiSystem | None = None,
    ) -> None:
        self.queue: queue.SimpleQueue[RawEvent] = queue.SimpleQueue()
        self._clock = clock
        self._at = clock.at
        self._put = self.queue.put
        self._wanted = {port_key(name): name for name in ports}
        self._virtual = virtual
        self._backend = backend
        self._on_status = on_status
        self._poll_interval = poll_interval
        self._system = system
        self._owns_system = system is None
        self._open: dict[str, _Reader] = {}
        self._lock = threading.Lock()
        """Held by the capture thread while it reads, and to add or remove a port."""
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def hand_off(self, message: tuple[Sequence[int], float], port: str) -> None:
        """Deliver a message now (replay, tests): stamped on delivery, filtered, queued."""
        self._deliver(time.monotonic(), message[0], port)

    def start(self) -> None:
        """Open the inputs; raises `MidiUnavailable` when there is no MIDI system at all."""
        if not self._wanted and self._virtual is None:
            return
        # The capture thread must get the interpreter within about a millisecond when a message
        # arrives, even while the screen is drawing; Python's default switch interval is 5 ms.
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL_S))
        system = self._midi_system()
        if self._virtual is not None:
            self._add(system.open_virtual_input(self._virtual), self._virtual)
        if self._wanted:
            system.input_names()
        for label in self._wanted:
            self._try_open(system, label)
            if label not in self._open:
                self._report(label, "disconnected")
        self._spawn(self._poll, "midi-capture")
        if self._wanted:
            self._spawn(self._watch, "midi-watcher")

    def connected(self) -> dict[str, bool]:
        """Which watched ports are open right now."""
        return {label: label in self._open for label in self._wanted}

    def drain(self) -> list[RawEvent]:
        """Everything queued so far, oldest first, without waiting."""
        events: list[RawEvent] = []
        get = self.queue.get_nowait
        try:
            while True:
                events.append(get())
        except queue.Empty:
            return events

    def close(self) -> None:
        """Stop both threads and close every port; safe to call twice.

        The capture thread reads until it stops, so what the ports had queued by now is on
        `queue` afterwards.
        """
        self._stop.set()
        for thread in self._threads:
            thread.join()
        self._threads.clear()
        for reader in self._open.values():
            reader.port.close()
        self._open.clear()
        if self._system is not None and self._owns_system:
            self._system.close()
            self._system = None

    def _deliver(self, monotonic: float, data: Sequence[int], port: str) -> None:
        if not data or data[0] >= 0xF0:
            return
        self._put(RawEvent(self._at(monotonic), port, tuple(data)))

    def _poll(self) -> None:
        """The capture thread: drain every input until all are empty, then sleep briefly."""
        while True:
            stopping = self._stop.is_set()
            with self._lock:
                read = sum(self._read(reader) for reader in self._open.values())
            if stopping:
                return
            if not read:
                time.sleep(IDLE_SLEEP)

    def _read(self, reader: _Reader) -> int:
        """Deliver everything queued on one input; returns how many messages there were."""
        get, stamps, label = reader.port.get_message, reader.stamps, reader.label
        monotonic, deliver = time.monotonic, self._deliver
        count = 0
        while True:
            checked_at = monotonic()
            message = get()
            if message is None:
                stamps.empty(checked_at)
                return count
            data, delta = message
            deliver(stamps.arrival(delta, monotonic()), data, label)
            count += 1

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _midi_system(self) -> MidiSystem:
        if self._system is None:
            self._system = MidiSystem(self._backend)
        return self._system

    def _add(self, port: InputPort, label: str) -> None:
        with self._lock:
            self._open[label] = _Reader(port, label)

    def _try_open(self, system: MidiSystem, label: str) -> None:
        try:
            port = system.open_input(self._wanted[label])
        except PortNotFound as err:
            log.debug("%s", err)
            return
        self._add(port, label)
        self._report(label, "connected")

    def _watch(self) -> None:
        system = self._midi_system()
        while not self._stop.wait(self._poll_interval):
            try:
                names = system.input_names()
            except rtmidi.RtMidiError as err:
                log.warning("listing MIDI inputs failed: %s", err)
                continue
            for label, wanted in self._wanted.items():
                # An open input is looked for by its own name, so that a second device whose
                # name also contains what the therapist typed does not unplug the first.
                reader = self._open.get(label)
                present = find_port(names, reader.port.name if reader else wanted) is not None
                if label in self._open and not present:
                    with self._lock:
                        reader = self._open.pop(label)
                        self._read(reader)
                    reader.port.close()
                    self._report(label, "disconnected")
                elif label not in self._open and present:
                    self._try_open(system, label)

    def _report(self, label: str, status: PortStatus) -> None:
        log.info("MIDI input %s %s", label, status)
        if self._on_status is not None:
            self._on_status(label, status, self._clock.now())
