"""The store: durable, atomic, private, and readable around damage."""

from __future__ import annotations

import stat
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from attune_tui.clock import SessionClock
from attune_tui.errors import StoreError
from attune_tui.midi.events import RawEvent
from attune_tui.midi.journal import JournalWriter
from attune_tui.store import LiveSession, Store
from attune_tui.store.atomic import write_atomic
from attune_tui.store.journal import read_journal


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_files_are_owner_only(store: Store, live: LiveSession) -> None:
    live.add("tempo", 1.0)
    assert _mode(store.root) == 0o700
    assert _mode(live.folder) == 0o700
    for path in live.folder.iterdir():
        assert _mode(path) == 0o600, path
    assert _mode(store.root / "clients.json") == 0o600


def test_logged_is_on_disk_before_return(live: LiveSession) -> None:
    obs = live.add("tempo", 1.5, modifiers={"direction": "faster"})
    records = read_journal(live.folder / "journal.jsonl").records
    assert records[-1]["obs"]["id"] == obs.id


def test_logging_into_a_closed_session_says_so(live: LiveSession) -> None:
    live.add("tempo", 1.0)
    live.end(None)
    live.close()
    with pytest.raises(StoreError, match="already closed: the session has ended"):
        live.add("tempo", 2.0)
    assert [r["op"] for r in read_journal(live.folder / "journal.jsonl").records] == ["add", "stop"]


def test_undo_and_edits_are_kept_as_history(store: Store, live: LiveSession) -> None:
    first = live.add("tempo", 1.0)
    live.update(first.id, source="edit", t=2.0)
    second = live.add("dynamics", 3.0)
    undone = live.undo()
    assert undone is not None and undone.removed
    assert undone.observation == live.log.deleted[second.id]
    data = store.load(live.session.id)
    assert [o.id for o in data.observations] == [first.id]
    assert data.observations[0].t == 2.0 and data.observations[0].original_t == 1.0
    assert second.id in data.log.deleted
    assert [r["op"] for r in data.log.history[first.id]] == ["add", "set"]


def test_logging_touches_only_its_own_session(store: Store) -> None:
    other = store.start_session("C-001", "free-improvisation", [])
    other.add("tempo", 1.0)
    other.end(None)
    other.close()
    before = {p: p.stat().st_mtime_ns for p in store.root.rglob("*") if p.is_file()}
    live = store.start_session("C-002", "free-improvisation", [])
    created = {p for p in live.folder.iterdir()}
    mtimes = {p: p.stat().st_mtime_ns for p in live.folder.iterdir()}
    for i in range(5):
        live.add("tempo", float(i))
    changed = {
        p for p in store.root.rglob("*") if p.is_file() and before.get(p) != p.stat().st_mtime_ns
    }
    changed -= created
    assert changed == {store.root / "clients.json"} or not changed  # client added at start only
    after = {p for p in live.folder.iterdir() if p.stat().st_mtime_ns != mtimes.get(p)}
    assert after == {live.folder / "journal.jsonl"}
    live.close()


def test_torn_last_line_is_skipped_and_appends_continue(store: Store, live: LiveSession) -> None:
    live.add("tempo", 1.0)
    live.close()
    journal = live.folder / "journal.jsonl"
    with journal.open("ab") as fh:
        fh.write(b'{"op":"add","obs":{"id":"torn","t":2')
    again = store.continue_session(live.session.id)
    again.add("dynamics", 3.0)
    again.close()
    data = store.load(live.session.id)
    assert [o.code for o in data.observations] == ["tempo", "dynamics"]
    assert any("unreadable line" in p for p in data.problems)
    assert b'"id":"torn","t":2\n' in journal.read_bytes()  # kept, never rewritten


def test_continue_carries_on_after_everything_in_the_first_part(
    store: Store, live: LiveSession
) -> None:
    live.add("tempo", 19.5)
    ended = live.end(None)
    live.close()
    store.save_session(ended.model_copy(update={"duration_s": 24.275}))
    again = store.continue_session(live.session.id)
    assert 24.275 <= again.clock.now() < 25.0  # the stored duration, not the last mark
    again.close()
    with JournalWriter(live.folder / "midi.jsonl") as midi:  # music captured past the marks
        midi.append(RawEvent(31.5, "keys", (0x90, 60, 80)))
    again = store.continue_session(live.session.id)
    assert 31.5 <= again.clock.now() < 32.0
    again.close()


def test_continuing_drops_the_analysis_of_the_first_part(store: Store, live: LiveSession) -> None:
    live.add("tempo", 3.0)
    ended = live.end(None)
    live.close()
    store.save_session(ended.model_copy(update={"summary": {"moments": 0}}))
    (live.folder / "analysis.json").write_bytes(b'{"version": 1, "duration_s": 3.0}')
    again = store.continue_session(live.session.id)
    again.add("attunement", 9.0)  # a moment the saved analysis could not know
    again.end(None)
    again.close()
    assert not (live.folder / "analysis.json").exists()  # the review analyses it all again
    assert store.record(live.session.id).summary is None


def test_inputs_opened_in_a_later_part_join_the_record(store: Store) -> None:
    first = store.start_session("C-014", "free-improvisation", ["Stage Piano:Out"])
    first.end(None)
    first.close()
    again = store.continue_session(first.session.id, ["Drum Pad:Pads", "Stage Piano:Out"])
    again.end(None)
    again.close()
    assert store.record(first.session.id).midi_ports == ["Stage Piano:Out", "Drum Pad:Pads"]


def test_an_edited_affect_shift_carries_into_the_next_ones_from(
    store: Store, live: LiveSession
) -> None:
    live.add("affect", 10.0, modifiers={"to": "agitated"})
    middle = live.add("affect", 20.0, modifiers={"from": "agitated", "to": "calm"})
    unpicked = live.add("affect", 25.0, modifiers={"from": "calm"})  # its "to" never picked
    last = live.add("affect", 30.0, modifiers={"from": "calm", "to": "engaged"})
    assert live.rechain_affects() == []  # a chain logged live is left alone
    live.update(middle.id, source="edit", modifiers={"from": "agitated", "to": "sad"})
    fixed = live.rechain_affects()
    assert [o.id for o in fixed] == [unpicked.id, last.id]
    assert [o.modifiers for o in fixed] == [{"from": "sad"}, {"from": "sad", "to": "engaged"}]
    live.delete(unpicked.id, "deleted in review")
    live.delete(middle.id, "deleted in review")
    live.add("affect", 5.0, modifiers={"to": "withdrawn"}, source="edit")  # added in review
    live.rechain_affects()
    shifts = [o.modifiers for o in store.load(live.session.id).observations if o.code == "affect"]
    assert shifts == [
        {"to": "withdrawn"},
        {"from": "withdrawn", "to": "agitated"},
        {"from": "agitated", "to": "engaged"},
    ]
    assert len(store.load(live.session.id).log.history[last.id]) == 3  # logged, then two fixes
    live.close()


def test_corrupt_record_is_named_left_untouched_rest_usable(store: Store) -> None:
    good = store.start_session("C-001", "free-improvisation", [])
    good.end(None)
    good.close()
    bad = store.start_session("C-002", "free-improvisation", [])
    bad.close()
    record = bad.folder / "session.json"
    record.write_bytes(b'{"session": {"1": {"id": ')
    sessions, problems = store.sessions()
    assert [s.id for s in sessions] == [good.session.id]
    assert len(problems) == 1 and str(record) in problems[0] and "untouched" in problems[0]
    assert record.read_bytes() == b'{"session": {"1": {"id": '
    with pytest.raises(StoreError, match="damaged"):
        store.load(bad.session.id)


def test_a_missing_or_mistyped_record_says_what_is_wrong_and_what_to_do(store: Store) -> None:
    gone = store.start_session("C-001", "free-improvisation", [])
    gone.close()
    (gone.folder / "session.json").unlink()
    (store.sessions_dir / "stray").mkdir()
    typed = store.start_session("C-002", "free-improvisation", [])
    typed.close()
    record = typed.folder / "session.json"
    text = record.read_text(encoding="utf-8")
    text = text.replace('"status": "live"', '"status": 5').replace(
        '"duration_s": 0.0', '"duration_s": "long"'
    )
    record.write_text(text, encoding="utf-8")
    _, problems = store.sessions()
    missing = [p for p in problems if "is missing" in p]
    assert len(missing) == 2 and all("restore it from a backup, or move" in p for p in missing)
    (mistyped,) = [p for p in problems if str(record) in p]
    assert "field 'status'" in mistyped and "field 'duration_s'" in mistyped  # every field
    assert record.read_text(encoding="utf-8") == text


def test_orphaned_session_is_found_and_recovered(store: Store, tmp_path: Path) -> None:
    child = textwrap.dedent(
        f"""
        import os
        from pathlib import Path
        from attune_tui.store import Store
        live = Store(Path({str(store.root)!r})).start_session("C-014", "free-improvisation", [])
        for i in range(3):
            live.add("tempo", float(i))
        os._exit(0)  # no end, no close: as if the program died
        """
    )
    subprocess.run([sys.executable, "-c", child], check=True)
    orphans = store.orphaned()
    assert len(orphans) == 1
    data = store.recover(orphans[0].id)
    assert data.session.status == "recovered"
    assert len(data.observations) == 3 and data.session.duration_s == 2.0
    assert store.orphaned() == []


def test_open_session_is_not_an_orphan(store: Store, live: LiveSession) -> None:
    assert store.orphaned() == []
    with pytest.raises(StoreError, match="open in another"):
        store.continue_session(live.session.id)


ATOMIC_CHILD = """
import resource, signal, sys
from pathlib import Path
from attune_tui.errors import StoreError
from attune_tui.store.atomic import write_atomic
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
try:
    write_atomic(Path(sys.argv[1]), b"[" + b"1," * 10000 + b"1]")
except StoreError as exc:
    print(exc)
"""


def test_atomic_write_keeps_old_file_when_it_fails(tmp_path: Path) -> None:
    target = tmp_path / "record.json"
    write_atomic(target, b'{"a": 1}')
    result = subprocess.run(
        [sys.executable, "-c", ATOMIC_CHILD, str(target)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "previous version is unchanged" in result.stdout
    assert target.read_bytes() == b'{"a": 1}'
    assert [p.name for p in tmp_path.iterdir()] == ["record.json"]  # no temp file left


DISK_FULL_CHILD = """
import resource, signal, sys
from pathlib import Path
from attune_tui.errors import StoreError
from attune_tui.store import Store
live = Store(Path(sys.argv[1])).start_session("C-014", "free-improvisation", [])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
size = (live.folder / "journal.jsonl").stat().st_size
resource.setrlimit(resource.RLIMIT_FSIZE, (size + 2000, size + 2000))
saved = 0
try:
    while True:
        live.add("note", float(saved), kind="note", text="x" * 50)
        saved += 1
except StoreError as exc:
    print(saved)
    print(exc)
"""


def test_full_disk_says_not_saved_and_keeps_earlier(store: Store) -> None:
    result = subprocess.run(
        [sys.executable, "-c", DISK_FULL_CHILD, str(store.root)],
        capture_output=True,
        text=True,
        check=True,
    )
    saved_text, message = result.stdout.splitlines()[:2]
    assert "NOT SAVED" in message and "intact" in message
    (session,) = store.sessions()[0]
    data = store.load(session.id)
    assert len(data.observations) == int(saved_text) > 5


def test_closed_sessions_leave_no_lock_and_clients_do_not_mix(store: Store) -> None:
    for code in ("C-1", "C-10", "C-1"):
        live = store.start_session(code, "free-improvisation", [])
        live.end(None)
        live.close()
        assert not (live.folder / "lock").exists()
    assert len(store.sessions("C-1")[0]) == 2
    assert [s.client for s in store.sessions("C-10")[0]] == ["C-10"]
    assert store.orphaned() == []


def test_recovered_duration_covers_music_played_after_the_last_mark(
    store: Store, live: LiveSession
) -> None:
    live.add("tempo", 19.5)
    with JournalWriter(live.folder / "midi.jsonl") as midi:
        midi.append(RawEvent(31.5, "keys", (0x90, 60, 80)))
    live.close()  # as a crash leaves it: still live, no duration
    assert store.recover(live.session.id).session.duration_s == 31.5


def test_a_crash_during_the_checkin_is_recovered_with_the_real_end(
    store: Store, live: LiveSession
) -> None:
    live.add("tempo", 12.0)
    leading = live.add("leading", 20.0, kind="state")  # still running at the end
    live.clock = SessionClock(offset=40.0)  # ctrl+e 40 s in, long after the last mark
    end = live.stop()
    live.close()  # the check-in never closed: still live, no duration
    data = store.recover(live.session.id)
    assert abs(data.session.duration_s - end) < 0.001 and end >= 40.0
    assert data.session.ended_at is not None
    assert data.session.ended_at <= datetime.now().astimezone()
    assert data.session.ended_at - data.session.started_at < timedelta(seconds=5)
    assert data.problems == []
    assert store.load(live.session.id).log.current[leading.id].end == round(end, 4)


def test_a_lost_journal_is_named_not_read_as_an_unmarked_session(store: Store) -> None:
    live = store.start_session("C-004", "free-improvisation", [])
    live.add("tempo", 2.0)
    live.end(None)
    live.close()
    journal = live.folder / "journal.jsonl"
    journal.write_bytes(b"")
    (problem,) = store.load(live.session.id).problems
    assert "journal.jsonl is empty, yet the session was ended" in problem
    assert "restore it from a backup" in problem
    journal.unlink()
    (problem,) = store.load(live.session.id).problems
    assert "journal.jsonl is missing" in problem
    for opening in (store.continue_session, store.edit_session):
        with pytest.raises(StoreError, match="restore it from a backup before"):
            opening(live.session.id)
    assert not journal.exists()  # no new, empty one hiding the loss
    fresh = store.start_session("C-004", "free-improvisation", [])  # nothing logged yet
    assert store.load(fresh.session.id).problems == []
    fresh.close()
