"""Where attune keeps data and user presets (XDG via platformdirs), in one place.

`--data-dir` and `ATTUNE_DATA_DIR` override the data folder, `ATTUNE_CONFIG_DIR` the folder of
user presets. Folders are created owner-only (0700): the data is clinical.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "attune"


def data_dir(override: str | Path | None = None) -> Path:
    if override is not None:
        return Path(override).expanduser()
    env = os.environ.get("ATTUNE_DATA_DIR")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def config_dir() -> Path:
    env = os.environ.get("ATTUNE_CONFIG_DIR")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_config_dir(APP, appauthor=False))


def user_presets_dir() -> Path:
    return config_dir() / "presets"


def private_dir(path: Path) -> Path:
    """Create `path` (and parents) readable by the owner only, and tighten it if it exists."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)
    return path
