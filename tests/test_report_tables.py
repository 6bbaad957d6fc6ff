"""Moments as CSV/TSV, the JSON with its analysis, the MIDI file, file names, errors."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import orjson
import pytest
from test_report_fixtures import CLIENT, DEMO, Recorded, record_session

from attune_tui.errors import AttuneError
from attune_tui.midi.smf import read_events
from attune_tui.report.export import export_filename, export_session
from attune_tui.report.tables import MOMENT_COLUMNS
from attune_tui.store import Store


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    return record_session(tmp_path_factory.mktemp("store"))


def test_moments_csv_and_tsv(recorded: Recorded) -> None:
    moments = recorded.analysis["moments"]
    for fmt, delimiter in (("moments-csv", ","), ("moments-tsv", "\t")):
        raw = export_session(recorded.store, recorded.session_id, fmt).decode("utf-8")
        rows = list(csv.reader(io.StringIO(raw), delimiter=delimiter))
        assert tuple(rows[0]) == MOMENT_COLUMNS
        table = [dict(zip(MOMENT_COLUMNS, row, strict=True)) for row in rows[1:]]
        assert [float(r["start"]) for r in table] == [m["start"] for m in moments]
        assert [r["dimensions"] for r in table] == [";".join(m["dimensions"]) for m in moments]
        default = {"auto": "open", "both": "accepted", "manual": "marked"}
        expected = ["accepted"] + [default[m["source"]] for m in moments[1:]]
        assert [r["verdict"] for r in table] == expected  # as the JSON and the note say
        assert {r["client"] for r in table} == {CLIENT}
        assert float(table[0]["duration"]) == pytest.approx(moments[0]["end"] - moments[0]["start"])


def test_json_adds_the_analysis(recorded: Recorded) -> None:
    doc = orjson.loads(export_session(recorded.store, recorded.session_id, "json"))
    assert doc["version"] == 1
    assert {"session", "observations", "undone", "analysis"} <= set(doc)
    # the review after the saved analysis made it stale: the export analysed afresh
    assert doc["analysis"] == recorded.analysis


def test_midi_file_has_a_track_per_player(recorded: Recorded, tmp_path: Path) -> None:
    path = tmp_path / "capture.mid"
    path.write_bytes(export_session(recorded.store, recorded.session_id, "mid"))
    original = read_events(DEMO)
    exported = read_events(path)
    assert Counter(e.port for e in exported) == Counter(e.port for e in original)
    assert {e.port for e in exported} == {"client", "therapist"}
    worst = max(abs(a.t - b.t) for a, b in zip(original, exported, strict=True))
    assert worst < 0.001


def test_file_names(recorded: Recorded) -> None:
    session = recorded.store.load(recorded.session_id).session
    assert export_filename(session, "md") == f"{session.id}.md"
    assert export_filename(session, "moments-csv") == f"{session.id}-moments.csv"
    redacted = export_filename(session, "html", redact=True)
    assert redacted == f"session-{session.started_at:%Y}-redacted.html"
    assert CLIENT not in redacted
    with pytest.raises(AttuneError, match="moments-csv"):
        export_filename(session, "pdf")


def test_unknown_format_lists_the_known_ones(recorded: Recorded) -> None:
    with pytest.raises(AttuneError) as error:
        export_session(recorded.store, recorded.session_id, "docx")
    for fmt in ("json", "csv", "tsv", "moments-csv", "moments-tsv", "md", "html", "eaf", "mid"):
        assert fmt in str(error.value)


def test_no_midi_and_missing_preset_are_clear(store: Store) -> None:
    live = store.start_session("C-002", "retired-preset", [])
    live.add("tempo", 1.0)
    live.end(None)
    live.close()
    with pytest.raises(AttuneError, match="'retired-preset', which is not installed"):
        export_session(store, live.session.id, "md")
    doc = orjson.loads(export_session(store, live.session.id, "json"))
    assert doc["analysis"] is None and doc["observations"][0]["code"] == "tempo"
    assert "retired-preset" in doc["analysis_error"] and "review" not in doc
    assert export_session(store, live.session.id, "csv").count(b"\n") == 2

    other = store.start_session("C-003", "free-improvisation", [])
    other.end(None)
    other.close()
    with pytest.raises(AttuneError, match="has no MIDI capture"):
        export_session(store, other.session.id, "mid")
