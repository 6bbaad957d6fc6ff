"""The I/O side of analysis: files and stored sessions in, the versioned JSON out."""

from __future__ import annotations

from pathlib import Path

import pytest

from attune_tui.analyze import (
    analyze_events,
    analyze_file,
    analyze_stored,
    notes_and_codes,
    summarize_notes,
)
from attune_tui.errors import AttuneError
from attune_tui.midi.events import RawEvent
from attune_tui.midi.journal import JournalWriter
from attune_tui.midi.roles import by_inputs, split_at
from attune_tui.midi.smf import read_events
from attune_tui.model.observation import Observation
from attune_tui.model.preset import Preset
from attune_tui.report.export import SessionReport
from attune_tui.report.redact import redact_session
from attune_tui.store import Store

DATA = Path(__file__).parent.parent / "attune_tui" / "data"


@pytest.mark.parametrize("name", ["demo", "anger-to-calm"])
def test_quick_summary_equals_the_full_analysis_summary(name: str, preset: Preset) -> None:
    events = read_events(DATA / f"{name}.mid")
    marks = [Observation(id=f"b{i}", t=3.0 + 4.1 * i, code="breath") for i in range(30)]
    marks += [
        Observation(id="a1", t=40.0, code="affect", modifiers={"to": "agitated"}),
        Observation(id="a2", t=95.0, code="affect", modifiers={"from": "agitated", "to": "calm"}),
        Observation(id="m1", t=60.0, code="attunement"),
    ]
    full = analyze_events(events, preset, events[-1].t, marks)
    notes, codes = notes_and_codes(events, preset)
    quick = summarize_notes(notes, preset, events[-1].t, marks, codes)
    assert quick == full["summary"]
    assert quick["breath_matched_phrases"] > 0 and quick["affect_shifts"] == 2
    assert quick["moments_by_source"]["both"] + quick["moments_by_source"]["manual"] >= 1


def test_analyze_file_gives_the_contract(preset: Preset) -> None:
    document = analyze_file(DATA / "demo.mid", preset)
    assert document["version"] == 1
    assert {"players", "tempo", "dynamics", "phrases", "moments", "summary"} <= set(document)
    assert {row["player"] for row in document["tempo"]} == {"client", "therapist"}


def test_a_file_that_is_not_midi_is_one_clear_error(tmp_path: Path, preset: Preset) -> None:
    bogus = tmp_path / "notes.mid"
    bogus.write_text("not a midi file")
    with pytest.raises(AttuneError, match="not a readable Standard MIDI File"):
        analyze_file(bogus, preset)
    with pytest.raises(AttuneError, match="no such file"):
        analyze_file(tmp_path / "missing.mid", preset)


def test_a_stored_session_is_analysed_with_its_own_roles(store: Store, preset: Preset) -> None:
    """A keyboard shared at C4 for this session: its capture is split as the screen split it,
    in the review, the exports and any later analysis, whatever the preset says."""
    live = store.start_session("C-051", preset.name, ["Stage Piano:Out"], split_at(60))
    with JournalWriter(live.folder / "midi.jsonl") as midi:
        for beat in range(8):
            for pitch in (48, 72):  # one note below C4 and one above, all on channel 1
                midi.append(RawEvent(1.0 + 0.5 * beat, "Stage Piano:Out", (0x90, pitch, 80)))
                midi.append(RawEvent(1.2 + 0.5 * beat, "Stage Piano:Out", (0x80, pitch, 0)))
    live.end(None)
    live.close()
    data = store.load(live.session.id)
    assert data.session.roles == split_at(60)
    document = analyze_stored(data, preset)  # the preset goes by channel: all the client's
    assert document["players"]["client"]["notes"] == 8
    assert document["players"]["therapist"]["notes"] == 8
    report = SessionReport(data, redacted=False)
    assert report.required_preset().midi.roles == split_at(60)
    redacted = redact_session(store.record(live.session.id).model_copy(
        update={"roles": by_inputs("Anna's Piano", "Pads")}
    ))  # fmt: skip
    assert redacted.roles == by_inputs("input 1", "input 2")
