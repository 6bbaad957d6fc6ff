"""SVG snapshots of the key screens, with a frozen clock so they are repeatable."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from textual.pilot import Pilot

from attune_tui.clock import SessionClock
from attune_tui.store import Store
from attune_tui.ui.app import AttuneApp, LiveRequest
from attune_tui.ui.screens.live import LiveScreen

SIZE = (120, 36)


class FrozenClock(SessionClock):
    """Always 12:34 into the session."""

    def now(self) -> float:
        return 754.0

    def at(self, monotonic: float) -> float:
        return 754.0


async def _freeze(pilot: Pilot[Any]) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, LiveScreen)
    live = screen.live
    live.session = live.session.model_copy(
        update={
            "id": "20261121-101500-C-014",
            "started_at": datetime(2026, 11, 21, tzinfo=UTC),
        }
    )
    live.clock = FrozenClock()
    for t, code, mods in (
        (12.0, "tempo", {"direction": "faster"}),
        (95.5, "affect", {"to": "agitated"}),
        (410.2, "affect", {"from": "agitated", "to": "calm"}),
        (633.0, "attunement", {"dimension": "timing"}),
    ):
        live.add(code, t, modifiers=mods)
    live.add("matching", 700.0, kind="state")
    live.add("note", 720.0, kind="note", text="client smiled, looked up")
    screen._refresh_info()
    screen._refresh_log()
    await pilot.pause()


def test_live_screen(snap_compare: Any, store: Store) -> None:
    app = AttuneApp(store, start=LiveRequest(client="C-014"))
    assert snap_compare(app, terminal_size=SIZE, run_before=_freeze)


def test_live_screen_modifier_prompt(snap_compare: Any, store: Store) -> None:
    app = AttuneApp(store, start=LiveRequest(client="C-014"))
    assert snap_compare(app, terminal_size=SIZE, run_before=_freeze, press=["a"])


def test_checkin_screen(snap_compare: Any, store: Store) -> None:
    app = AttuneApp(store, start=LiveRequest(client="C-014"))
    assert snap_compare(app, terminal_size=SIZE, run_before=_freeze, press=["ctrl+e", "7"])
