"""Writing a session export from the review screen to a private folder on disk.

Exports hold clinical data, so the folder is created owner-only and files are written
atomically (a crash leaves the old file or the new one). Names follow the export registry:
the session id, so a re-export after edits replaces the file; a redacted export carries only
the year, and is numbered so that two redacted sessions of one year do not overwrite each other.
"""

from __future__ import annotations

import os
from pathlib import Path

from attune_tui.model.session import Session
from attune_tui.paths import private_dir
from attune_tui.store import Store
from attune_tui.store.atomic import write_atomic

EXPORT_DIR_ENV = "ATTUNE_EXPORT_DIR"


def export_dir() -> Path:
    """`ATTUNE_EXPORT_DIR`, or `~/attune-exports`."""
    env = os.environ.get(EXPORT_DIR_ENV)
    return Path(env).expanduser() if env else Path.home() / "attune-exports"


def formats() -> list[str]:
    """The formats the export registry offers now (it grows as exporters are added)."""
    # The renderers (HTML, SVG, ELAN) load when an export is asked for, not with the screen.
    from attune_tui.report.export import FORMATS

    return list(FORMATS)


def export_path(folder: Path, session: Session, fmt: str, redact: bool) -> Path:
    from attune_tui.report.export import export_filename

    path = folder / export_filename(session, fmt, redact)
    n = 1
    while redact and path.exists():
        n += 1
        path = path.with_name(
            export_filename(session, fmt, redact).replace("-redacted", f"-redacted-{n}", 1)
        )
    return path


def write_export(
    store: Store, session_id: str, fmt: str, redact: bool = False, folder: Path | None = None
) -> Path:
    """Export the session in `fmt` and write it; returns the path written."""
    from attune_tui.report.export import export_session

    payload = export_session(store, session_id, fmt, redact)
    target = private_dir(folder or export_dir())
    path = export_path(target, store.load(session_id).session, fmt, redact)
    write_atomic(path, payload)
    return path
