"""Append-only JSON Lines journals: the durable record of everything logged during play.

One line per record, appended with O_APPEND and fdatasync'd before `append` returns, so a
record the screen shows as logged is on disk. The cost of an append does not depend on how much
is stored (TinyDB would rewrite the whole file). A kill mid-write can leave at most one torn
last line; readers skip it with a warning, and the next append starts on a fresh line, so
nothing earlier is ever rewritten.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from attune_tui.errors import StoreError

FILE_MODE = 0o600


class Journal:
    """An open journal file; `append` returns only once the record is durable."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
        except OSError as exc:
            raise StoreError(f"cannot open {path} for writing: {exc.strerror}") from None
        self._fresh_line = _ends_with_newline(path)

    @property
    def closed(self) -> bool:
        return self._fd < 0

    def append(self, record: dict[str, Any]) -> None:
        if self.closed:
            raise StoreError(f"NOT SAVED: {self.path} was already closed: the session has ended.")
        line = orjson.dumps(record) + b"\n"
        if not self._fresh_line:
            line = b"\n" + line
        try:
            written = os.write(self._fd, line)
            if written != len(line):
                self._fresh_line = False
                raise OSError(28, "No space left on device")
            os.fdatasync(self._fd)
        except OSError as exc:
            self._fresh_line = False
            hint = " The disk is full: free some space." if exc.errno == 28 else ""
            raise StoreError(
                f"NOT SAVED: could not write to {self.path} ({exc.strerror}).{hint}"
                " Everything saved before is intact."
            ) from None
        self._fresh_line = True

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as fh:
        fh.seek(0, os.SEEK_END)
        if fh.tell() == 0:
            return True
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) == b"\n"


@dataclass
class JournalRead:
    """Records in order, plus the lines that could not be read (with line numbers)."""

    records: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_journal(path: Path) -> JournalRead:
    """Every readable record; a torn or damaged line is reported and skipped, never fatal."""
    result = JournalRead()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return result
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror}") from None
    lines = raw.split(b"\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:
            torn = number == len(lines)
            what = "incomplete last line (interrupted write)" if torn else "unreadable line"
            result.problems.append(f"{path}:{number}: {what}; skipped, the rest was read")
            continue
        if isinstance(record, dict):
            result.records.append(record)
        else:
            result.problems.append(f"{path}:{number}: not a record; skipped")
    return result
