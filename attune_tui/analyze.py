"""Analysis of a MIDI file or a stored session: read the events, run the pure analysis.

This is the I/O side of `analysis/`: it reads a Standard MIDI File or a session's raw capture,
routes events through the same `MidiPipeline` the live engine uses (hands-free codes are not
music), and builds the versioned JSON of `attune analyze` with moments and summary filled.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from attune_tui.analysis.attunement import AttunementResult, analyze_attunement, summarize
from attune_tui.analysis.breath import BREATH_CODE
from attune_tui.analysis.notes import Note
from attune_tui.analysis.offline import JSON_VERSION, Analysis, analysis_to_json, analyze_notes
from attune_tui.errors import AttuneError
from attune_tui.midi.events import RawEvent
from attune_tui.midi.journal import read_journal
from attune_tui.midi.pipeline import MidiPipeline
from attune_tui.midi.replay import load_events
from attune_tui.model.observation import Observation
from attune_tui.model.preset import Preset
from attune_tui.store import SessionData
from attune_tui.store.atomic import write_atomic
from attune_tui.store.store import ANALYSIS, JOURNAL, MIDI

ATTUNEMENT_CODE = "attunement"
AFFECT_CODE = "affect"


def notes_and_codes(
    events: Sequence[RawEvent], preset: Preset
) -> tuple[list[Note], list[tuple[str, float]]]:
    """Complete notes (with durations) and hands-free codes, exactly as live capture routes them."""
    pipeline = MidiPipeline(preset.midi.roles, preset.midi.hands_free)
    notes: list[Note] = []
    codes: list[tuple[str, float]] = []
    for event in events:
        routed = pipeline.feed(event)
        if routed.code is not None:
            codes.append((routed.code, event.t))
        notes.extend(c.note for c in routed.changes if c.kind == "end")
    end = events[-1].t if events else 0.0
    notes.extend(c.note for c in pipeline.tracker.finish(end) if c.kind == "end")
    notes.sort(key=lambda n: n.t)
    return notes, codes


def analyze_events(
    events: Sequence[RawEvent],
    preset: Preset,
    duration_s: float,
    observations: Sequence[Observation] = (),
) -> dict[str, Any]:
    """The `attune analyze` JSON for events, joined with the therapist's own marks."""
    notes, codes = notes_and_codes(events, preset)
    return _document(notes, codes, preset, duration_s, observations)


def _document(
    notes: Sequence[Note],
    codes: Sequence[tuple[str, float]],
    preset: Preset,
    duration_s: float,
    observations: Sequence[Observation],
) -> dict[str, Any]:
    features, attunement, summary = _analyze(notes, codes, preset, duration_s, observations, True)
    moments = [m.to_dict() for m in attunement.moments]
    document = analysis_to_json(features, moments, summary)
    document["episodes"] = [e.to_dict() for e in attunement.episodes]
    return document


def summarize_notes(
    notes: Sequence[Note],
    preset: Preset,
    duration_s: float,
    observations: Sequence[Observation] = (),
    codes: Sequence[tuple[str, float]] = (),
) -> dict[str, Any]:
    """The session summary alone: the same figures as the full analysis's `summary`, without
    the per-second tempo, which is most of the cost of analysing a long session."""
    return _analyze(notes, codes, preset, duration_s, observations, False)[2]


def _analyze(
    notes: Sequence[Note],
    codes: Sequence[tuple[str, float]],
    preset: Preset,
    duration_s: float,
    observations: Sequence[Observation],
    tempo: bool,
) -> tuple[Analysis, AttunementResult, dict[str, Any]]:
    marks = [(o.code, o.t) for o in observations] + list(codes)
    taps = sorted(t for code, t in marks if code == BREATH_CODE)
    manual = sorted(t for code, t in marks if code == ATTUNEMENT_CODE)
    duration = max(duration_s, max((n.end for n in notes), default=0.0))
    features = analyze_notes(notes, duration, preset.analysis, taps, tempo=tempo)
    attunement = analyze_attunement(notes, duration, preset.attunement, manual)
    matched = sum(m is True for pa in features.players.values() for m in pa.breath_matched)
    shifts = [o for o in observations if o.code == AFFECT_CODE]
    summary = summarize(attunement, duration, matched, len(shifts)).model_dump(mode="json")
    summary["affect_shifts_near_moments"] = _affect_near_moments(shifts, attunement.moments)
    return features, attunement, summary


def _affect_near_moments(
    shifts: Sequence[Observation], moments: Sequence[Any]
) -> list[dict[str, Any]]:
    """Each affect shift with the attunement moment nearest to it (clinically: what preceded it)."""
    rows = []
    for shift in shifts:
        nearest = min(
            moments,
            key=lambda m: (
                0.0
                if m.start <= shift.t <= m.end
                else min(abs(m.start - shift.t), abs(m.end - shift.t))
            ),
            default=None,
        )
        row: dict[str, Any] = {"t": round(shift.t, 2), **{k: v for k, v in shift.modifiers.items()}}
        if nearest is not None:
            inside = nearest.start <= shift.t <= nearest.end
            row["moment"] = {"start": round(nearest.start, 2), "end": round(nearest.end, 2)}
            row["distance_s"] = (
                0.0
                if inside
                else round(min(abs(nearest.start - shift.t), abs(nearest.end - shift.t)), 2)
            )
        rows.append(row)
    return rows


def analyze_file(path: Path, preset: Preset) -> dict[str, Any]:
    """`attune analyze FILE.mid`: a Standard MIDI File analysed as a session."""
    events = load_events(path)
    duration = events[-1].t if events else 0.0
    return analyze_events(events, preset, duration)


@dataclass(frozen=True, slots=True)
class Capture:
    """A stored session's raw MIDI, and what damage reading it met (lines skipped)."""

    events: list[RawEvent]
    problems: list[str]


def session_events(data: SessionData) -> Capture:
    """The raw capture of a stored session (empty when it had no MIDI).

    A session that recorded MIDI inputs but whose capture is gone or empty is refused: its
    analysis would say that nobody played. Damaged lines are skipped and named.
    """
    path = data.folder / MIDI
    try:
        missing = not path.exists() or path.stat().st_size == 0
        if missing and data.session.midi_ports:
            inputs = ", ".join(data.session.midi_ports)
            state = "is empty" if path.exists() else "is missing"
            raise AttuneError(
                f"{path} {state}, yet the session captured MIDI ({inputs}): restore it from a "
                "backup; without it the marks alone export (csv, tsv or json)"
            )
        contents = read_journal(path) if not missing else None
    except OSError as exc:
        raise AttuneError(f"{path} could not be read ({exc.strerror or exc})") from None
    if contents is None:
        return Capture([], [])
    problems = []
    if contents.skipped:
        count = len(contents.skipped)
        lines = "1 damaged line" if count == 1 else f"{count} damaged lines"
        problems.append(
            f"{path}: {lines} skipped ({contents.skipped[0]}"
            f"{', …' if count > 1 else ''}); the file was left untouched"
        )
    return Capture(contents.events, problems)


def analyze_stored(
    data: SessionData,
    preset: Preset,
    on_summary: Callable[[dict[str, Any]], object] | None = None,
) -> dict[str, Any]:
    """Analyse a stored session's capture, read once. With `on_summary`, the summary (equal to
    the document's, without the per-second tempo) is handed over first: for a long session it
    is ready well before the full analysis."""
    preset = preset.with_roles(data.session.roles)  # the players as the live screen told them
    stamp = capture_stamp(data.folder)  # before reading: a later change makes it stale
    capture = session_events(data)
    notes, codes = notes_and_codes(capture.events, preset)
    duration = data.session.duration_s or data.log.last_t()
    if on_summary is not None:
        on_summary(summarize_notes(notes, preset, duration, data.observations, codes))
    document = _document(notes, codes, preset, duration, data.observations)
    if capture.problems:
        document["problems"] = capture.problems
    document["capture"] = stamp
    return document


def capture_stamp(folder: Path) -> dict[str, int] | None:
    """Size and modification time of a session's capture (None without one): a saved analysis
    holds the stamp of the capture it was made from."""
    try:
        stat = (folder / MIDI).stat()
    except OSError:
        return None
    return {"bytes": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def saved_analysis(folder: Path) -> dict[str, Any] | None:
    """The analysis saved with a session, if it still describes it: readable, of the current
    version, its journal present and its capture unchanged since. Otherwise None, and the caller
    analyses again, which names a damaged or missing capture instead of hiding it."""
    try:
        document = orjson.loads((folder / ANALYSIS).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    if not isinstance(document, dict) or document.get("version") != JSON_VERSION:
        return None
    if not (folder / JOURNAL).exists() or document.get("capture") != capture_stamp(folder):
        return None
    return document


def session_analysis(data: SessionData, preset: Preset, *, fresh: bool = False) -> dict[str, Any]:
    """A stored session's analysis: the saved one, or computed now (old sessions, after edits).

    Edits made in review change the manual marks, so callers pass `fresh=True` after an edit.
    """
    document = None if fresh else saved_analysis(data.folder)
    return document if document is not None else analyze_stored(data, preset)


def save_analysis(folder: Path, document: dict[str, Any]) -> None:
    write_atomic(folder / ANALYSIS, orjson.dumps(document))
