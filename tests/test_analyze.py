"""The I/O side of analysis: files and stored sessions in, the versioned JSON out."""

from __future__ import annotations

from pathlib import Path

import pytest

from attune_tui.analyze import analyze_events, analyze_file, notes_and_codes, summarize_notes
from attune_tui.errors import AttuneError
from attune_tui.midi.smf import read_events
from attune_tui.model.observation import Observation
from attune_tui.model.preset import Preset

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
