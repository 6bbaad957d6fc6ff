"""The app driven by key presses, read back from the store."""

from __future__ import annotations

import subprocess
import sys

from attune_tui.store import Store
from attune_tui.ui.app import AttuneApp, LiveRequest
from attune_tui.ui.screens.home import HomeScreen
from attune_tui.ui.screens.live import LiveScreen
from attune_tui.ui.screens.recover import RecoverScreen
from attune_tui.ui.screens.review import ReviewScreen

SIZE = (120, 40)


async def test_session_by_keys_is_in_the_store(store: Store) -> None:
    app = AttuneApp(store, start=LiveRequest(client="C-014"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LiveScreen)
        await pilot.press("t", "1", "a", "2", "h", "l", "space", "r", "backspace")
        await pilot.press("n", *"held the beat", "enter")
        await pilot.press("f5", "d", "f5")
        await pilot.pause()
        session_id = app.screen.live.session.id
        logged = store.load(session_id).observations
        assert [o.code for o in logged[:6]] == [
            "tempo", "affect", "matching", "leading", "attunement", "note",
        ]  # fmt: skip
        assert {o.code for o in logged[6:]} == {"pause", "dynamics"}  # the lag may reorder them
        assert logged[0].modifiers == {"direction": "faster"}
        assert logged[1].modifiers == {"to": "agitated"}
        assert logged[2].end is not None and logged[3].end is None
        assert logged[4].source == "pedal"
        assert logged[5].text == "held the beat"
        assert next(o for o in logged if o.code == "pause").end is not None
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.press("7", "tab", "tab", "8", "tab", "6", "tab", "9")
        await pilot.click("#summary")
        await pilot.press(*"steady pulse", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)  # the ended session opens for review
    data = store.load(session_id)
    assert data.session.status == "ended"
    assert data.session.checkin is not None
    assert (data.session.checkin.goals, data.session.checkin.tasks) == (7, 8)
    assert (data.session.checkin.client_tasks, data.session.checkin.bond) == (6, 9)
    assert data.session.checkin.summary == "steady pulse"
    assert all(o.end is not None for o in data.observations if o.kind == "state")


async def test_checkin_needs_the_therapist_ratings(store: Store) -> None:
    app = AttuneApp(store, start=LiveRequest(client="C-014"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "therapist's rating is needed" in str(
            app.screen.query_one("#checkin-error").render()
        )
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
    (session,) = store.sessions()[0]
    assert session.status == "ended" and session.checkin is None


async def test_crashed_session_is_offered_for_recovery(store: Store) -> None:
    child = (
        "import os, sys\nfrom pathlib import Path\nfrom attune_tui.store import Store\n"
        "live = Store(Path(sys.argv[1])).start_session('C-003', 'free-improvisation', [])\n"
        "live.add('tempo', 1.0)\nlive.add('dynamics', 2.0)\nos._exit(9)\n"
    )
    subprocess.run([sys.executable, "-c", child, str(store.root)], check=False)
    app = AttuneApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RecoverScreen)
        assert app.screen.count == 2
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    (session,) = store.sessions()[0]
    assert session.status == "recovered" and session.duration_s == 2.0


async def test_home_adds_client_and_starts_session(store: Store) -> None:
    app = AttuneApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a", *"Anna", "enter")
        await pilot.pause()
        assert "looks like a name" in str(app.screen.query_one("#home-status").render())
        await pilot.press("end", *["backspace"] * 4, *"c-021", "enter", "s")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LiveScreen)
        assert app.screen.live.session.client == "C-021"
        assert app.screen.preset.name == "free-improvisation"
    assert [c.code for c in store.clients()] == ["C-021"]


async def test_every_action_is_in_the_command_palette(store: Store) -> None:
    app = AttuneApp(store, start=LiveRequest(client="C-014"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("r")  # turn-taking
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Undo")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LiveScreen)
        assert app.screen.live.log.ordered() == []
        assert [o.code for o in app.screen.live.log.deleted.values()] == ["turn-taking"]
