"""`attune export`: one entry point that picks the format and applies redaction.

Formats: `json` (session, observations, analysis, review verdicts), `csv`/`tsv` (observations),
`moments-csv`/`moments-tsv` (attunement moments with review verdicts), `md` (session-note
draft), `html` (printable report with a timeline), `eaf` (ELAN), `mid` (the MIDI capture).
Redaction applies to every format before it is rendered.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import orjson

from attune_tui.analyze import session_analysis, session_events
from attune_tui.errors import AttuneError, InputError
from attune_tui.midi.smf import export_smf
from attune_tui.model.observation import Observation
from attune_tui.model.preset import Preset
from attune_tui.model.session import Session
from attune_tui.paths import user_presets_dir
from attune_tui.presets import find_preset
from attune_tui.report.eaf import session_eaf
from attune_tui.report.html import session_html
from attune_tui.report.markdown import session_markdown
from attune_tui.report.redact import redact_observation, redact_session
from attune_tui.report.reviewed import moment_status, reviewed_analysis
from attune_tui.report.tables import MOMENT_COLUMNS, moment_rows
from attune_tui.store import SessionData, Store
from attune_tui.store.store import ANALYSIS, JOURNAL

EXPORT_VERSION = 1
OBSERVATION_COLUMNS = (
    "session", "client", "time_s", "end_s", "code", "kind", "modifiers", "player", "source",
    "text", "id",
)  # fmt: skip


def prepared(data: SessionData, redact: bool, index: int = 1) -> SessionData:
    """The session as it should leave the machine: redacted or not."""
    if not redact:
        return data
    log = data.log
    redacted = type(log)(
        current={k: redact_observation(v) for k, v in log.current.items()},
        deleted={k: redact_observation(v) for k, v in log.deleted.items()},
        moment_verdicts=dict(log.moment_verdicts),  # spans and verdicts only: nothing to hide
    )
    return SessionData(redact_session(data.session, index), redacted, data.folder, data.problems)


def session_json(data: SessionData) -> dict[str, object]:
    """The full session as a versioned document (observations sorted by time)."""
    return {
        "version": EXPORT_VERSION,
        "session": data.session.model_dump(mode="json"),
        "observations": [o.model_dump(mode="json") for o in data.observations],
        "undone": [o.model_dump(mode="json") for o in data.log.deleted.values()],
    }


def review_json(analysis: dict[str, Any], verdicts: dict[str, str]) -> dict[str, object]:
    """What review decided: each moment's status and the summary as the therapist accepted it.

    `analysis` stays what the analysis found; the figures without rejected moments are here, as
    the note and the report give them, so a script need not apply the verdicts itself.
    """
    reviewed = reviewed_analysis(analysis, verdicts)
    summary = reviewed.get("summary")
    return {
        "moments": [
            {"start": m["start"], "end": m["end"], "status": moment_status(m, verdicts)}
            for m in analysis.get("moments") or ()
        ],
        "rejected_moments": summary.get("rejected_moments", 0) if summary else 0,
        "summary": summary,
    }


def observation_rows(data: SessionData) -> list[list[str]]:
    return [_row(data, obs) for obs in data.observations]


def _row(data: SessionData, obs: Observation) -> list[str]:
    modifiers = ";".join(f"{k}={v}" for k, v in obs.modifiers.items())
    end = "" if obs.end is None else f"{obs.end:.3f}"
    return [
        data.session.id, data.session.client, f"{obs.t:.3f}", end, obs.code, obs.kind,
        modifiers, obs.player or "", obs.source, obs.text, obs.id,
    ]  # fmt: skip


def delimited(rows: list[list[str]], header: tuple[str, ...], delimiter: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


@dataclass
class SessionReport:
    """A session on its way out: the (maybe redacted) data, its preset and its analysis.

    The preset and the analysis are loaded only when a format asks for them, so the CSV of
    observations never pays for an analysis.
    """

    data: SessionData
    redacted: bool
    source: SessionData | None = None
    """The session as stored, when `data` is its redacted copy: the capture is read and
    analysed from it, since the copy has lost what the analysis needs (the input names that
    tell the players apart, the inputs that say a capture is missing)."""
    problems: list[str] = field(default_factory=list)
    """Damage met while reading the capture, for the exporter to pass on."""

    @property
    def stored(self) -> SessionData:
        """The session as stored: what the capture is read, split and analysed from."""
        return self.source if self.source is not None else self.data

    @cached_property
    def preset(self) -> Preset | None:
        """The preset the session was logged with (with the session's own roles, if it set
        any), or None if it is no longer installed."""
        session = self.stored.session
        try:
            preset = find_preset(session.preset, user_presets_dir())
        except InputError:
            return None
        return preset.with_roles(session.roles)

    def required_preset(self) -> Preset:
        """The preset, for formats that cannot do without its vocabulary or settings."""
        if self.preset is None:
            name = self.data.session.preset
            raise AttuneError(
                f"session {self.data.session.id} was logged with preset {name!r}, which is not"
                f" installed: put {name}.toml back in {user_presets_dir()} and export again"
            )
        return self.preset

    @cached_property
    def analysis(self) -> dict[str, Any]:
        """The saved analysis, or a fresh one when observations changed after it was saved."""
        folder = self.data.folder
        saved, journal = folder / ANALYSIS, folder / JOURNAL
        fresh = (
            saved.exists() and journal.exists() and journal.stat().st_mtime > saved.stat().st_mtime
        )
        document = session_analysis(self.stored, self.required_preset(), fresh=fresh)
        self.problems.extend(document.get("problems", ()))
        return document

    def json(self) -> dict[str, object]:
        """The versioned session document with the analysis added.

        This is the complete copy of a session, so it never fails for want of an analysis:
        without one, `analysis` is null and `analysis_error` says why.
        """
        document = session_json(self.data)
        try:
            analysis = self.analysis
        except AttuneError as exc:
            document["analysis"] = None
            # the reason names the session's folder: its id carries the date and the client
            document["analysis_error"] = (
                "the analysis could not be made; the unredacted export says why"
                if self.redacted
                else str(exc)
            )
            return document
        if self.redacted:  # file paths (id, date, client) and the capture's modification time
            analysis = {k: v for k, v in analysis.items() if k not in ("problems", "capture")}
        document["analysis"] = analysis
        document["review"] = review_json(analysis, self.data.log.moment_verdicts)
        return document

    def moments(self, delimiter: str) -> bytes:
        """The moments table (BORIS-like columns) with the review verdicts."""
        session = self.data.session
        moments = self.analysis["moments"]
        rows = moment_rows(session.id, session.client, moments, self.data.log.moment_verdicts)
        return delimited(rows, MOMENT_COLUMNS, delimiter)

    def midi(self) -> bytes:
        """The raw capture as a Standard MIDI File, one track per player."""
        capture = session_events(self.stored)
        self.problems.extend(capture.problems)
        events = capture.events
        if not events:
            raise AttuneError(f"session {self.data.session.id} has no MIDI capture to export")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "capture.mid"
            export_smf(events, path, self.required_preset().midi.roles)
            return path.read_bytes()


@dataclass(frozen=True, slots=True)
class Format:
    """One export format: how to render it and the file name ending it is saved with."""

    render: Callable[[SessionReport], bytes]
    suffix: str


def _text(value: str) -> bytes:
    return value.encode("utf-8")


FORMATS: dict[str, Format] = {
    "json": Format(lambda r: orjson.dumps(r.json(), option=orjson.OPT_INDENT_2) + b"\n", ".json"),
    "csv": Format(lambda r: delimited(observation_rows(r.data), OBSERVATION_COLUMNS, ","), ".csv"),
    "tsv": Format(lambda r: delimited(observation_rows(r.data), OBSERVATION_COLUMNS, "\t"), ".tsv"),
    "moments-csv": Format(lambda r: r.moments(","), "-moments.csv"),
    "moments-tsv": Format(lambda r: r.moments("\t"), "-moments.tsv"),
    "md": Format(
        lambda r: _text(session_markdown(r.data, r.analysis, r.preset, r.redacted)), ".md"
    ),
    "html": Format(
        lambda r: _text(session_html(r.data, r.analysis, r.preset, r.redacted)), ".html"
    ),
    "eaf": Format(lambda r: session_eaf(r.data, r.analysis, r.required_preset()), ".eaf"),
    "mid": Format(SessionReport.midi, ".mid"),
}


def _format(fmt: str) -> Format:
    found = FORMATS.get(fmt)
    if found is None:
        raise AttuneError(f"--format {fmt!r} is not known; use one of: {', '.join(FORMATS)}")
    return found


Warn = Callable[[str], None]


def _ignore(_: str) -> None:
    pass


def export_session(
    store: Store, session_id: str, fmt: str, redact: bool = False, warn: Warn = _ignore
) -> bytes:
    """One session in one format, as the bytes of the file to write.

    `warn` hears every damaged record skipped while reading: an export must not look whole
    when part of the record could not be read.
    """
    data = _loaded(store, session_id, warn)
    report = SessionReport(prepared(data, redact), redact, source=data)
    payload = _format(fmt).render(report)
    for problem in dict.fromkeys(report.problems):  # each once
        warn(problem)
    return payload


def _loaded(store: Store, session_id: str, warn: Warn) -> SessionData:
    data = store.load(session_id)
    for problem in data.problems:
        warn(problem)
    return data


def export_filename(session: Session, fmt: str, redact: bool = False) -> str:
    """A file name to suggest when saving: the session id, or only the year when redacted."""
    stem = f"session-{session.started_at:%Y}-redacted" if redact else session.id
    return stem + _format(fmt).suffix


def export_all(store: Store, fmt: str, redact: bool = False, warn: Warn = _ignore) -> bytes:
    """One tidy table of every observation of every session (for R, pandas, DuckDB).

    Redacted, each client keeps one pseudonym through the table (`CLIENT-1`, `CLIENT-2`, ...),
    so rows of different clients stay apart, as an analysis across sessions needs.
    """
    from attune_tui.report.redact import ClientPseudonyms

    if fmt not in ("csv", "tsv"):
        raise AttuneError("export --all writes one table: use --format csv or --format tsv")
    sessions, unreadable = store.sessions()
    for problem in unreadable:
        warn(f"{problem}; left out of the table")
    pseudonym = ClientPseudonyms()
    rows: list[list[str]] = []
    ordered = sorted(sessions, key=lambda s: (s.started_at, s.id))
    for index, session in enumerate(ordered, start=1):
        data = prepared(_loaded(store, session.id, warn), redact, index)
        if redact:
            renamed = data.session.model_copy(update={"client": pseudonym(session.client)})
            data = SessionData(renamed, data.log, data.folder, data.problems)
        rows.extend(observation_rows(data))
    return delimited(rows, OBSERVATION_COLUMNS, "," if fmt == "csv" else "\t")
