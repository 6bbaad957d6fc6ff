"""A TinyDB storage that never leaves a torn file.

TinyDB's JSONStorage rewrites the file in place (seek, write, truncate), so a kill during a
write that shortens the file leaves it unreadable. Here every write goes to a temporary file in
the same folder, is fsynced, and replaces the old file with `os.replace` (atomic on POSIX and
Windows), then the folder is fsynced so the rename itself survives a power loss. A reader sees
the old file or the new one, never a mix.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from attune_tui.errors import StoreError

FILE_MODE = 0o600


def write_atomic(path: Path, payload: bytes) -> None:
    """Replace `path` with `payload` so that a crash leaves either the old or the new bytes."""
    if not path.parent.is_dir():
        raise StoreError(
            f"could not save {path}: there is no folder {path.parent}; create it first"
        )
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise StoreError(
            f"could not save {path}: {exc.strerror}"
            + ("; the previous version is unchanged" if path.exists() else "")
            + (" (the disk is full: free some space)" if exc.errno == 28 else "")
        ) from None
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    """Make a create or rename in `folder` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_json(path: Path) -> Any:
    """Parse a JSON file, naming the file and what to do when it is unreadable."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror}") from None
    if not raw.strip():
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise StoreError(
            f"{path} is damaged ({exc}); it was left untouched. Restore it from a backup or move "
            "it aside; the rest of the store still works."
        ) from None


class AtomicJSONStorage(Storage):
    """TinyDB storage with atomic, fsynced, owner-only writes (orjson for speed)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def read(self) -> dict[str, dict[str, Any]] | None:
        data = read_json(self.path)
        if data is not None and not isinstance(data, dict):
            raise StoreError(f"{self.path} is not a attune record (expected a JSON object)")
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        write_atomic(self.path, orjson.dumps(data, option=orjson.OPT_INDENT_2))

    def close(self) -> None:
        """Nothing is held open between writes."""
