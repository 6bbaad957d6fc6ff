"""Damaged store files on screen: named once, the rest of the app working, never a traceback."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from textual.widgets import OptionList

from attune_tui.analyze import save_analysis, saved_analysis, session_analysis
from attune_tui.errors import AttuneError
from attune_tui.midi.journal import JournalWriter
from attune_tui.midi.smf import read_events
from attune_tui.paths import user_presets_dir
from attune_tui.presets import find_preset
from attune_tui.report.export import export_session
from attune_tui.store import Store
from attune_tui.ui.app import AttuneApp
from attune_tui.ui.screens.home import HomeScreen
from attune_tui.ui.screens.review import ReviewScreen

SIZE = (140, 40)
DEMO = Path(__file__).parent.parent / "attune_tui" / "data" / "demo.mid"
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


def _captured(store: Store, client: str) -> str:
    """An ended session whose capture holds the first bars of the demo duet, from a port."""
    live = store.start_session(client, "free-improvisation", ["Digital Piano"])
    with JournalWriter(live.folder / "midi.jsonl") as writer:
        for event in read_events(DEMO)[:400]:
            writer.append(event)
    live.add("tempo", 1.0)
    live.end(None)
    live.close()
    data = store.load(live.session.id)
    preset = find_preset("free-improvisation", user_presets_dir())
    save_analysis(data.folder, session_analysis(data, preset))  # as the review saves it
    return live.session.id


async def test_a_damaged_capture_line_is_skipped_and_named_and_exports_still_work(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ATTUNE_EXPORT_DIR", str(tmp_path / "exports"))
    session_id = _captured(store, "C-010")
    capture = store.folder(session_id) / "midi.jsonl"
    lines = capture.read_bytes().split(b"\n")
    lines[100] = b"[12.0, 0, "
    capture.write_bytes(b"\n".join(lines))
    before = capture.read_bytes()
    warned: list[str] = []
    note = export_session(store, session_id, "md", warn=warned.append).decode("utf-8")
    assert "did not play" not in note
    assert len(warned) == 1
    assert warned[0].startswith(f"{capture}: 1 damaged line skipped (line 101: ")
    export_session(store, session_id, "mid", warn=warned.append)
    assert len(warned) == 2 and warned[1] == warned[0]  # the MIDI file says it too
    app = AttuneApp(store, review=session_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        skipped = [n for n in app._notifications if "1 damaged line skipped" in n.message]
        assert len(skipped) == 1
        await pilot.press("e", *["down"] * 5, "enter")  # md, through the export worker
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("Written:" in n.message for n in app._notifications)
    assert not app.return_code
    assert capture.read_bytes() == before


async def test_a_missing_capture_is_refused_not_reported_as_silence(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ATTUNE_EXPORT_DIR", str(tmp_path / "exports"))
    session_id = _captured(store, "C-011")
    capture = store.folder(session_id) / "midi.jsonl"
    capture.unlink()
    with pytest.raises(AttuneError, match=r"midi\.jsonl is missing, yet the session captured MIDI"):
        export_session(store, session_id, "md")
    doc = orjson.loads(export_session(store, session_id, "json"))
    assert doc["analysis"] is None and "restore it from a backup" in doc["analysis_error"]
    capture.write_bytes(b"")
    app = AttuneApp(store, review=session_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)  # open, saying why there is no analysis
        failed = [n.message for n in app._notifications if n.message.startswith("Analysis failed")]
        assert len(failed) == 1 and "midi.jsonl is empty" in failed[0]
        await pilot.press("e", *["down"] * 5, "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any(n.message.startswith("Export failed") for n in app._notifications)
    assert not app.return_code  # a message, never a traceback


def test_a_saved_analysis_is_used_only_while_it_describes_the_session(store: Store) -> None:
    session_id = _captured(store, "C-012")
    folder = store.folder(session_id)
    assert saved_analysis(folder) is not None
    capture = folder / "midi.jsonl"
    capture.write_bytes(capture.read_bytes() + b'[99.0, 0, "903c40"]\n')  # capture changed
    assert saved_analysis(folder) is None
    data = store.load(session_id)
    save_analysis(folder, session_analysis(data, find_preset("free-improvisation", None)))
    assert saved_analysis(folder) is not None
    (folder / "journal.jsonl").unlink()  # its marks gone: the old figures would contradict
    assert saved_analysis(folder) is None
