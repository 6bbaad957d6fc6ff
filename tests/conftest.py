"""Shared fixtures: every test gets its own data and config folders, never the user's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from attune_tui.model.preset import Preset
from attune_tui.presets import load_all
from attune_tui.store import LiveSession, Store


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATTUNE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ATTUNE_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("MIDO_BACKEND", raising=False)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "data")


@pytest.fixture
def presets() -> dict[str, Preset]:
    found, failures = load_all(None)
    assert not failures
    return found


@pytest.fixture
def preset(presets: dict[str, Preset]) -> Preset:
    return presets["free-improvisation"]


@pytest.fixture
def live(store: Store) -> Iterator[LiveSession]:
    session = store.start_session("C-014", "free-improvisation", [])
    yield session
    session.close()
