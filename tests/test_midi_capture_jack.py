"""Capture through real JACK MIDI ports: stamps, filtering, virtual input, replugging."""

from __future__ import annotations

import queue
import time
from typing import Any

import rtmidi
from jack import BACKEND, Sender, jack, jack_session, unique

from attune_tui.clock import SessionClock
from attune_tui.midi.capture import Capture, PortStatus
from attune_tui.midi.events import RawEvent

__all__ = ["jack", "jack_session"]

STAMP_TOLERANCE = 0.005
StatusQueue = queue.SimpleQueue[tuple[str, PortStatus, float]]


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


def test_capture_from_a_port_stamps_on_arrival_and_drops_system_messages(jack: str) -> None:
    clock = SessionClock()
    sender = Sender(unique("keys"))
    statuses: StatusQueue = queue.SimpleQueue()
    capture = Capture(
        clock,
        [sender.name],
        backend=BACKEND,
        on_status=lambda port, status, t: statuses.put((port, status, t)),
    )
    try:
        capture.start()
        assert statuses.get(timeout=1)[:2] == (sender.name, "connected")
        sent = play_scale(sender, clock)
        events = collect(capture, len(sent))
        time.sleep(0.1)
        assert capture.drain() == []
    finally:
        capture.close()
        sender.close()
    assert [event.data for event in events] == [data for _, data in sent]
    assert {event.port for event in events} == {sender.name}
    for event, (t_sent, _) in zip(events, sent, strict=True):
        assert 0.0 <= event.t - t_sent < STAMP_TOLERANCE, (event, t_sent)


def test_virtual_input_receives_from_other_programs(jack: str) -> None:
    clock = SessionClock()
    name = unique("attune-in")
    capture = Capture(clock, virtual=name, backend=BACKEND)
    out: Any = rtmidi.MidiOut(rtapi=rtmidi.API_UNIX_JACK, name=unique("player"))
    try:
        capture.start()
        ports = out.get_ports()
        out.open_port(next(i for i, port in enumerate(ports) if port.endswith(f":{name}")))
        t_sent = clock.now()
        out.send_message([0x91, 48, 90])
        events = collect(capture, 1)
    finally:
        out.close_port()
        out.delete()
        capture.close()
    assert [(event.port, event.data) for event in events] == [(name, (0x91, 48, 90))]
    assert 0.0 <= events[0].t - t_sent < STAMP_TOLERANCE


def test_unplugged_port_is_reported_and_reopened(jack: str) -> None:
    clock = SessionClock()
    client = unique("piano")
    sender = Sender(client)
    statuses: StatusQueue = queue.SimpleQueue()
    capture = Capture(
        clock,
        [sender.name],
        backend=BACKEND,
        on_status=lambda port, status, t: statuses.put((port, status, t)),
    )
    try:
        capture.start()
        assert statuses.get(timeout=1)[1] == "connected"
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
        port, status, t = statuses.get(timeout=2.0)
        assert (port, status) == (sender.name, "connected")
        assert t - replugged < 2.0

        t_sent = clock.at(sender.send([0x90, 62, 70]))
        events = collect(capture, 1)
    finally:
        capture.close()
        sender.close()
    assert [event.data for event in events] == [(0x90, 62, 70)]
    assert 0.0 <= events[0].t - t_sent < STAMP_TOLERANCE
