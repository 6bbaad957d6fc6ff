"""`--redact` for every format: no client code, no free text, no date beyond the year."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import orjson
import pytest
from test_report_fixtures import CLIENT, NAME, NOTE, SUMMARY, Recorded, record_session

from attune_tui.midi.events import RawEvent
from attune_tui.midi.journal import JournalWriter
from attune_tui.midi.roles import by_inputs
from attune_tui.report.export import FORMATS, export_all, export_session
from attune_tui.store import Store


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    return record_session(tmp_path_factory.mktemp("store"))


def forbidden(recorded: Recorded) -> list[str]:
    started = recorded.store.load(recorded.session_id).session.started_at
    words = [CLIENT, CLIENT.replace("-", ""), NAME, NOTE, SUMMARY, recorded.session_id]
    words.append("Digital Piano")  # the MIDI port names the set-up
    if (started.month, started.day) != (1, 1):  # on 1 January the redacted date is the real one
        words += [f"{started:%Y-%m-%d}", f"{started:%Y%m%d}"]
    return words


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_redacted_export_leaks_nothing(recorded: Recorded, fmt: str) -> None:
    raw = export_session(recorded.store, recorded.session_id, fmt, redact=True)
    text = raw.decode("latin-1")  # binary formats (mid) too: search the bytes
    leaks = [word for word in forbidden(recorded) if word in text]
    assert not leaks, f"{fmt} leaks {leaks}"


@pytest.mark.parametrize("fmt", ["md", "html", "json", "csv", "eaf"])
def test_the_same_export_unredacted_does_name_them(recorded: Recorded, fmt: str) -> None:
    """The check above can fail: without --redact these words are there."""
    text = export_session(recorded.store, recorded.session_id, fmt).decode("utf-8")
    assert CLIENT in text and recorded.session_id in text
    if fmt != "eaf":
        assert NAME in text


def test_redacted_note_keeps_the_year_and_the_figures(recorded: Recorded) -> None:
    note = export_session(recorded.store, recorded.session_id, "md", redact=True).decode()
    session = recorded.store.load(recorded.session_id).session
    assert f"Client: redacted · Date: {session.started_at:%Y} ·" in note
    assert "# Session note: session-1" in note
    assert f"| Attunement moments | {len(recorded.analysis['moments'])} (" in note
    assert r"- 00:50: \[redacted\]" in note


def test_redaction_keeps_the_review_verdicts(recorded: Recorded) -> None:
    raw = export_session(recorded.store, recorded.session_id, "moments-csv", redact=True)
    rows = raw.decode("utf-8").splitlines()
    assert rows[1].startswith("session-1,CLIENT,") and rows[1].endswith(",accepted")


def test_all_sessions_table_redacted(recorded: Recorded) -> None:
    text = export_all(recorded.store, "csv", redact=True).decode("utf-8")
    assert not [word for word in forbidden(recorded) if word in text]


def test_all_sessions_table_keeps_clients_apart(store: Store) -> None:
    """Every client used to become the same CLIENT, so rows of two clients looked alike."""
    day = datetime(2025, 3, 14, 10, 0, tzinfo=UTC)
    for n, code in enumerate(["C-014", "C-200", "C-014", "B-7"]):
        live = store.start_session(code, "free-improvisation", [])
        live.add("tempo", 1.0)
        live.add("note", 2.0, kind="note", text=f"{NAME} sang")
        session = live.end(None)
        live.close()
        store.save_session(session.model_copy(update={"started_at": day + timedelta(days=n)}))
    text = export_all(store, "csv", redact=True).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    pairs = sorted({(r["session"], r["client"]) for r in rows})
    assert pairs == [
        ("session-1", "CLIENT-1"),
        ("session-2", "CLIENT-2"),
        ("session-3", "CLIENT-1"),
        ("session-4", "CLIENT-3"),
    ]
    assert {r["text"] for r in rows} == {"", "[redacted]"}
    leaks = ["C-014", "C014", "C-200", "B-7", NAME, "2025-03", "20250314"]
    assert not [word for word in leaks if word in text]
    plain = export_all(store, "csv").decode("utf-8")  # the check above can fail
    assert "C-014" in plain and "B-7" in plain and NAME in plain


def test_redacted_exports_keep_the_players_apart_without_naming_their_inputs(
    store: Store,
) -> None:
    """Roles by input name the keyboards; the redacted copy drops the names, yet its figures
    must split the players as the unredacted ones do."""
    roles = by_inputs("Anna's Piano", "Pads")
    live = store.start_session("C-061", "free-improvisation", ["Anna's Piano", "Pads"], roles)
    with JournalWriter(live.folder / "midi.jsonl") as midi:
        for beat in range(8):
            for port, pitch in (("Anna's Piano", 72), ("Pads", 40)):  # both send on channel 1
                midi.append(RawEvent(1.0 + 0.5 * beat, port, (0x90, pitch, 80)))
                midi.append(RawEvent(1.2 + 0.5 * beat, port, (0x80, pitch, 0)))
    live.end(None)
    live.close()
    plain = orjson.loads(export_session(store, live.session.id, "json"))
    shared = orjson.loads(export_session(store, live.session.id, "json", redact=True))
    players = {p: shared["analysis"]["players"][p]["notes"] for p in ("client", "therapist")}
    assert players == {"client": 8, "therapist": 8}
    assert players == {p: plain["analysis"]["players"][p]["notes"] for p in players}
    assert "capture" not in shared["analysis"]  # its modification time is a full date
    for fmt in sorted(FORMATS):
        assert b"Anna" not in export_session(store, live.session.id, fmt, redact=True), fmt
    (live.folder / "midi.jsonl").unlink()  # a capture gone: the reason names the folder
    shared = orjson.loads(export_session(store, live.session.id, "json", redact=True))
    assert shared["analysis"] is None
    assert "C-061" not in shared["analysis_error"] and live.session.id not in str(shared)


def test_the_redacted_date_is_1_january_utc_whatever_the_clocks_offset() -> None:
    from datetime import timezone

    from attune_tui.model.session import Session
    from attune_tui.report.redact import redact_session

    summer = timezone(timedelta(hours=2))
    session = Session(
        id="20260714-101500-C-014",
        client="C-014",
        preset="default",
        started_at=datetime(2026, 7, 14, 10, 15, tzinfo=summer),
    )
    start = redact_session(session).started_at
    assert start == datetime(2026, 1, 1, tzinfo=UTC)
    assert start.utcoffset() == timedelta(0)  # +02:00 would tell summer from winter
