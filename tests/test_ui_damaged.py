"""Damaged store files on screen: named once, the rest of the app working, never a traceback."""

from __future__ import annotations

from textual.widgets import OptionList

from attune_tui.store import Store
from attune_tui.ui.app import AttuneApp
from attune_tui.ui.screens.home import HomeScreen
from attune_tui.ui.screens.review import ReviewScreen

SIZE = (140, 40)
DAMAGED = '{"_default": {"1": '


def _ended(store: Store, client: str) -> str:
    live = store.start_session(client, "free-improvisation", [])
    live.add("tempo", 1.0)
    live.add("dynamics", 2.0)
    live.end(None)
    live.close()
    return live.session.id


async def test_home_lists_clients_from_their_sessions_when_the_client_list_is_damaged(
    store: Store,
) -> None:
    _ended(store, "C-007")
    (store.root / "clients.json").write_text(DAMAGED, encoding="utf-8")
    app = AttuneApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        clients = app.screen.query_one("#clients", OptionList)
        assert [str(clients.get_option_at_index(0).prompt)] == ["C-007"]
        messages = [n.message for n in app._notifications]
        assert any("clients.json is damaged" in m for m in messages), messages
        await pilot.press("a", *"C-008", "enter")
        await pilot.pause()
        status = str(app.screen.query_one("#home-status").render())
        assert "clients.json is damaged" in status
    assert not app.return_code  # no unhandled error
    assert (store.root / "clients.json").read_text(encoding="utf-8") == DAMAGED


async def test_review_names_the_records_it_could_not_read(store: Store) -> None:
    session_id = _ended(store, "C-009")
    journal = store.folder(session_id) / "journal.jsonl"
    lines = journal.read_bytes().split(b"\n")
    journal.write_bytes(b"\n".join([lines[0], b"GARBAGE", *lines[1:]]))
    app = AttuneApp(store, review=session_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        warned = [n for n in app._notifications if "journal.jsonl:2: unreadable line" in n.message]
        assert len(warned) == 1 and warned[0].severity == "warning"
