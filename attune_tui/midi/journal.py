"""Durable raw capture: every stamped message appended to a file as it arrives.

The raw journal is the session's ground truth for MIDI: analysis can be redone from it and the
Standard MIDI File is exported from it. It must survive a crash with at most the last moments
lost, so a background thread drains a queue every `flush_interval` (0.25 s), writes the batch
with one `os.write` and fsyncs. Producers only `put` on a `SimpleQueue`: nothing waits on disk.

Format: JSON Lines (UTF-8, one record per line, written with orjson):

    {"journal": "attune-midi", "version": 1}          first line, once
    {"port": 0, "name": "Digital Piano"}              declares a port index before first use
    [12.345678, 0, "903c64"]                          event: t (s from session start, µs
                                                      precision), port index, message bytes hex
    {"status": "disconnected", "port": 0, "t": 20.1}  a port went away or came back

A SIGKILL or power cut can leave a torn last line; the reader ignores it (and says so) and the
writer, reopening the file to continue a session, cuts it off before appending. A bad line
anywhere else is corruption and is reported with its line number. Files are created 0600:
they are clinical data.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from attune_tui.midi.capture import PortStatus
from attune_tui.midi.events import RawEvent
from attune_tui.store.atomic import fsync_dir

HEADER = {"journal": "attune-midi", "version": 1}
FLUSH_INTERVAL = 0.25

log = logging.getLogger(__name__)


class JournalError(ValueError):
    """The journal is damaged other than by a torn last record."""


@dataclass(frozen=True, slots=True)
class StatusRecord:
    """A port status change kept in the journal, so gaps in the capture are explained."""

    t: float
    port: str
    status: PortStatus


@dataclass(slots=True)
class JournalContents:
    """What a journal holds; `torn` says the last record was cut off and dropped."""

    events: list[RawEvent] = field(default_factory=list)
    statuses: list[StatusRecord] = field(default_factory=list)
    torn: bool = False
    valid_length: int = 0
    ports: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    """Damaged lines before the end, 'line N: why': skipped, so one bad line costs one event."""


_Item = RawEvent | StatusRecord


class JournalWriter:
    """Appends events from any thread; a background thread writes and fsyncs them in batches."""

    def __init__(self, path: Path, flush_interval: float = FLUSH_INTERVAL) -> None:
        self.path = path
        self.error: OSError | None = None
        self._queue: queue.SimpleQueue[_Item] = queue.SimpleQueue()
        self._ports: dict[str, int] = {}
        self._fd = self._open(path)
        self._interval = flush_interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="midi-journal", daemon=True)
        self._thread.start()

    def append(self, event: RawEvent) -> None:
        """Queue one event; returns at once."""
        self._queue.put(event)

    def status(self, port: str, status: PortStatus, t: float) -> None:
        """Queue a port status change (fits `Capture`'s `on_status`)."""
        self._queue.put(StatusRecord(t, port, status))

    def close(self) -> None:
        """Write and fsync what is queued, then close; raises the first write error, if any."""
        if self._stop.is_set():
            return
        self._stop.set()
        self._thread.join()
        os.close(self._fd)
        if self.error is not None:
            raise self.error

    def __enter__(self) -> JournalWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _open(self, path: Path) -> int:
        existing = read_journal(path) if path.exists() else None
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        os.fchmod(fd, 0o600)
        if existing is None or existing.valid_length == 0:
            os.ftruncate(fd, 0)
            os.write(fd, orjson.dumps(HEADER) + b"\n")
        else:
            os.ftruncate(fd, existing.valid_length)
            if os.pread(fd, 1, existing.valid_length - 1) != b"\n":
                os.write(fd, b"\n")
            self._ports = dict(existing.ports)
        os.fsync(fd)
        fsync_dir(path.parent)
        return fd

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self._flush()
        self._flush()

    def _flush(self) -> None:
        chunk = bytearray()
        get = self._queue.get_nowait
        try:
            while True:
                chunk += self._encode(get())
        except queue.Empty:
            pass
        if not chunk or self.error is not None:
            return
        try:
            os.write(self._fd, chunk)
            os.fsync(self._fd)
        except OSError as err:
            log.error("MIDI journal %s: write failed: %s", self.path, err)
            self.error = err

    def _encode(self, item: _Item) -> bytes:
        declare = b""
        index = self._ports.get(item.port)
        if index is None:
            index = self._ports[item.port] = len(self._ports)
            declare = orjson.dumps({"port": index, "name": item.port}) + b"\n"
        if isinstance(item, RawEvent):
            record = [round(item.t, 6), index, bytes(item.data).hex()]
            return declare + orjson.dumps(record) + b"\n"
        status = {"status": item.status, "port": index, "t": round(item.t, 6)}
        return declare + orjson.dumps(status) + b"\n"


def read_journal(path: Path) -> JournalContents:
    """Read a journal, dropping a torn last record and skipping damaged ones before it (each
    named in `skipped`): a bad line must not make the rest of the capture unreadable."""
    raw = path.read_bytes()
    contents = JournalContents()
    names: dict[int, str] = {}
    offset = 0
    number = 0
    while offset < len(raw):
        end = raw.find(b"\n", offset)
        last = end == -1 or end == len(raw) - 1
        line = raw[offset:] if end == -1 else raw[offset:end]
        number += 1
        try:
            _read_record(orjson.loads(line), names, contents, number)
        except (orjson.JSONDecodeError, JournalError, KeyError, TypeError, ValueError) as err:
            if last:
                contents.torn = True
                return contents
            contents.skipped.append(f"line {number}: {err}")
        offset = len(raw) if end == -1 else end + 1
        contents.valid_length = offset
    return contents


def _read_record(
    record: Any, names: dict[int, str], contents: JournalContents, number: int
) -> None:
    if isinstance(record, list):
        t, index, hexdata = record
        contents.events.append(RawEvent(float(t), names[index], tuple(bytes.fromhex(hexdata))))
    elif isinstance(record, dict) and "name" in record:
        names[int(record["port"])] = str(record["name"])
        contents.ports[str(record["name"])] = int(record["port"])
    elif isinstance(record, dict) and "status" in record:
        status = record["status"]
        if status not in ("connected", "disconnected"):
            raise JournalError(f"unknown status {status!r}")
        contents.statuses.append(StatusRecord(float(record["t"]), names[record["port"]], status))
    elif not (isinstance(record, dict) and record.get("journal") == "attune-midi" and number == 1):
        raise JournalError(f"not a MIDI journal record: {record!r}")
