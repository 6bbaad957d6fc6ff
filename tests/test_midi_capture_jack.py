"""The capture thread: against a scripted input, then through real JACK MIDI ports (stamps,
filtering, virtual input, replugging, a busy interpreter)."""

from __future__ import annotations

import ctypes
import gc
import queue
import time
from collections import deque
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
import rtmidi
from jack import (
    BACKEND,
    ROUTING_S,
    Sender,
    check_stamps,
    jack,
    jack_session,
    rerun_if_late,
    unique,
)

from attune_tui.clock import SessionClock
from attune_tui.midi.capture import Capture, PortStatus
from attune_tui.midi.events import RawEvent
from attune_tui.midi.ports import InputPort, MidiSystem

__all__ = ["jack", "jack_session"]

StatusQueue = queue.SimpleQueue[tuple[str, PortStatus, float]]
_LIBC = ctypes.PyDLL(None)


@pytest.fixture(autouse=True)
def frozen_heap() -> Iterator[None]:
    """Freeze what earlier tests left, as the app freezes its start-up heap: a full collection of
    the suite's objects holds the GIL for up to 0.3 s and stalls the capture thread."""
    gc.freeze()
    yield
    gc.unfreeze()


def hold_gil(seconds: float) -> None:
    """Keep every other Python thread waiting, as a long `json.dumps` does: a C call made
    through `PyDLL` keeps the GIL."""
    _LIBC.usleep(round(seconds * 1e6))


def watched(clock: SessionClock, sender: Sender) -> tuple[Capture, StatusQueue]:
    """A capture of the sender's port that reports its connection changes to a queue."""
    statuses: StatusQueue = queue.SimpleQueue()
    capture = Capture(
        clock,
        [sender.name],
        backend=BACKEND,
        on_status=lambda port, status, t: statuses.put((port, status, t)),
    )
    return capture, statuses


def connected(statuses: StatusQueue, sender: Sender, timeout: float) -> float:
    """Wait until the sender's port is reported connected and routed; the report's time."""
    port, status, t = statuses.get(timeout=timeout)
    assert (port, status) == (sender.name, "connected")
    time.sleep(ROUTING_S)
    return t


def collect(capture: Capture, count: int, timeout: float = 2.0) -> list[RawEvent]:
    """Wait for `count` events (or the timeout) from the capture queue."""
    events: list[RawEvent] = []
    deadline = time.monotonic() + timeout
    while len(events) < count and time.monotonic() < deadline:
        try:
            events.append(capture.queue.get(timeout=0.05))
        except queue.Empty:
            continue
    return events


class ScriptedInput:
    """Stands in for an RtMidi input: each message becomes readable at its arrival time and
    carries RtMidi's delta time (seconds since the previous message)."""

    def __init__(self, script: Sequence[tuple[float, list[int]]]) -> None:
        self._pending = deque(script)
        self._last: float | None = None

    def get_message(self) -> tuple[list[int], float] | None:
        if not self._pending or self._pending[0][0] > time.monotonic():
            return None
        arrival, data = self._pending.popleft()
        delta = 0.0 if self._last is None else arrival - self._last
        self._last = arrival
        return data, delta

    def close_port(self) -> None:
        self._pending.clear()

    def delete(self) -> None:
        self._pending.clear()


class ScriptedSystem(MidiSystem):
    """A MIDI system with one input, `keys`, that plays a script."""

    def __init__(self, script: Sequence[tuple[float, list[int]]]) -> None:
        super().__init__("rtmidi")
        self._input = ScriptedInput(script)

    def input_names(self) -> list[str]:
        return ["keys"]

    def open_input(self, name: str) -> InputPort:
        return InputPort(self._input, name)

    def close(self) -> None:
        pass


def test_a_held_up_capture_thread_back_dates_across_system_messages() -> None:
    start = time.monotonic() + 0.02
    script = [(start, [0x90, 60, 100]), (start + 0.010, [0xF8]), (start + 0.030, [0x90, 64, 90])]
    script.append((start + 0.035, [0x80, 60, 0]))
    capture = Capture(SessionClock(), ["keys"], system=ScriptedSystem(script))
    try:
        capture.start()
        first = capture.queue.get(timeout=1.0)
        hold_gil(0.06)
        rest = collect(capture, 2)
    finally:
        capture.close()
    assert [event.data for event in [first, *rest]] == [
        (0x90, 60, 100),
        (0x90, 64, 90),
        (0x80, 60, 0),
    ]
    offsets = [event.t - first.t for event in rest]
    assert offsets == pytest.approx([0.030, 0.035], abs=0.002)


def play_scale(sender: Sender, clock: SessionClock) -> list[tuple[float, tuple[int, ...]]]:
    """Three notes with MIDI clock, start and SysEx in between; returns (send time, bytes)."""
    sent: list[tuple[float, tuple[int, ...]]] = []
    for pitch in (60, 64, 67):
        for data in ((0x90, pitch, 100), (0x80, pitch, 0)):
            sent.append((clock.at(sender.send(data)), data))
            sender.send([0xF8])
            sender.send([0xFA])
            sender.send([0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7])
            time.sleep(0.02)
    return sent


@rerun_if_late
def test_capture_from_a_port_stamps_on_arrival_and_drops_system_messages(jack: str) -> None:
    clock = SessionClock()
    sender = Sender(unique("keys"))
    capture, statuses = watched(clock, sender)
    try:
        capture.start()
        connected(statuses, sender, timeout=1.0)
        sent = play_scale(sender, clock)
        events = collect(capture, len(sent))
        time.sleep(0.1)
        assert capture.drain() == []
    finally:
        capture.close()
        sender.close()
    assert [event.data for event in events] == [data for _, data in sent]
    assert {event.port for event in events} == {sender.name}
    check_stamps([event.t for event in events], [t_sent for t_sent, _ in sent])


@rerun_if_late
def test_virtual_input_receives_from_other_programs(jack: str) -> None:
    clock = SessionClock()
    name = unique("attune-in")
    capture = Capture(clock, virtual=name, backend=BACKEND)
    out: Any = rtmidi.MidiOut(rtapi=rtmidi.API_UNIX_JACK, name=unique("player"))
    try:
        capture.start()
        ports = out.get_ports()
        out.open_port(next(i for i, port in enumerate(ports) if port.endswith(f":{name}")))
        time.sleep(ROUTING_S)
        t_sent = clock.now()
        out.send_message([0x91, 48, 90])
        events = collect(capture, 1)
    finally:
        out.close_port()
        out.delete()
        capture.close()
    assert [(event.port, event.data) for event in events] == [(name, (0x91, 48, 90))]
    check_stamps([events[0].t], [t_sent])


@rerun_if_late
def test_unplugged_port_is_reported_and_reopened(jack: str) -> None:
    clock = SessionClock()
    client = unique("piano")
    sender = Sender(client)
    capture, statuses = watched(clock, sender)
    try:
        capture.start()
        connected(statuses, sender, timeout=1.0)
        sender.send([0x90, 60, 80])
        assert len(collect(capture, 1)) == 1

        sender.close()
        unplugged = clock.now()
        port, status, t = statuses.get(timeout=2.0)
        assert (port, status) == (sender.name, "disconnected")
        assert t - unplugged < 2.0
        assert capture.connected() == {sender.name: False}

        sender = Sender(client)
        replugged = clock.now()
        assert connected(statuses, sender, timeout=2.0) - replugged < 2.0

        t_sent = clock.at(sender.send([0x90, 62, 70]))
        events = collect(capture, 1)
    finally:
        capture.close()
        sender.close()
    assert [event.data for event in events] == [(0x90, 62, 70)]
    check_stamps([events[0].t], [t_sent])


def test_a_port_named_by_a_part_stays_open_when_another_with_that_part_appears(jack: str) -> None:
    part = unique("room")  # typed by the therapist: a part of both names below
    first = Sender(f"{part}-stage")
    statuses: StatusQueue = queue.SimpleQueue()
    capture = Capture(
        SessionClock(),
        [part],
        backend=BACKEND,
        on_status=lambda port, status, t: statuses.put((port, status, t)),
        poll_interval=0.1,
    )
    second: Sender | None = None
    try:
        capture.start()
        assert statuses.get(timeout=1.0)[:2] == (part, "connected")
        second = Sender(f"{part}-digital")  # a second keyboard whose name has the part too
        time.sleep(0.5)  # several listings
        assert statuses.empty() and capture.connected() == {part: True}
        first.close()  # the one that is open goes: that is an unplugging
        assert statuses.get(timeout=2.0)[:2] == (part, "disconnected")
    finally:
        capture.close()
        if second is not None:
            second.close()


@rerun_if_late
def test_stamps_stay_true_while_python_is_busy(jack: str) -> None:
    clock = SessionClock()
    sender = Sender(unique("keys"))
    capture, statuses = watched(clock, sender)
    try:
        capture.start()
        connected(statuses, sender, timeout=1.0)
        for pitch in (48, 52, 55):
            sender.send([0x90, pitch, 60])
            time.sleep(0.01)
        assert len(collect(capture, 3)) == 3
        t_sent = clock.at(sender.send([0x90, 60, 80]))
        hold_gil(0.1)
        events = collect(capture, 1)
    finally:
        capture.close()
        sender.close()
    assert [event.data for event in events] == [(0x90, 60, 80)]
    check_stamps([events[0].t], [t_sent])
