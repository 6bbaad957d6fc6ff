"""A real recorded session for the report tests (no tests here; the others import it).

The session is made the way the app makes one: a live session logs key observations, the
bundled demo duet is written into its raw MIDI journal, the session ends with a check-in, and
the analysis is saved as the app saves it. Then a moment is accepted in review.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from attune_tui.analyze import save_analysis, session_analysis
from attune_tui.midi.journal import JournalWriter
from attune_tui.midi.smf import read_events
from attune_tui.model.session import CheckIn
from attune_tui.presets import find_preset
from attune_tui.store import Store

DEMO = Path(__file__).resolve().parent.parent / "attune_tui" / "data" / "demo.mid"
CLIENT = "C-014"
NAME = "Anna"
NOTE = f"{NAME}'s mother came in <b>late</b> | *again*"
SUMMARY = f"{NAME} arrived agitated, left calm"
BREATHS = [140.0 + 4.0 * i for i in range(8)]


@dataclass(frozen=True)
class Recorded:
    """A stored session and what the tests compare exports against."""

    store: Store
    session_id: str
    analysis: dict[str, Any]
    accepted: tuple[float, float]


def record_session(root: Path) -> Recorded:
    """Log, capture, end, analyse and review one session under `root`."""
    store = Store(root)
    preset = find_preset("free-improvisation", None)
    live = store.start_session(CLIENT, preset.name, ["Digital Piano"])
    with JournalWriter(live.folder / "midi.jsonl") as journal:
        for event in read_events(DEMO):
            journal.append(event)
    live.add("tempo", 20.0, modifiers={"direction": "faster"})
    live.add("affect", 30.0, modifiers={"to": "agitated"})
    live.add("note", 50.0, kind="note", text=NOTE)
    matching = live.add("matching", 53.0, kind="state")
    live.update(matching.id, end=67.0)
    live.add("attunement", 60.0, modifiers={"dimension": "intensity"})
    live.add("affect", 95.0, modifiers={"from": "agitated", "to": "calm"})  # as logged
    live.add("turn-taking", 105.0)
    silence = live.add("silence", 104.0, kind="state")
    live.update(silence.id, end=109.0)
    for t in BREATHS:
        live.add("breath", t)
    session = live.end(CheckIn(goals=7, tasks=8, bond=6, client_bond=9, summary=SUMMARY))
    live.close()
    store.save_session(session.model_copy(update={"duration_s": 176.0}))
    data = store.load(session.id)
    save_analysis(data.folder, session_analysis(data, preset, fresh=True))
    first = session_analysis(data, preset)["moments"][0]
    review = store.edit_session(session.id)
    review.review_moment(first["start"], first["end"], "accepted")
    review.close()
    analysis = session_analysis(store.load(session.id), preset, fresh=True)
    return Recorded(store, session.id, analysis, (first["start"], first["end"]))
