"""`attune export`: one entry point that picks the format and applies redaction."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import orjson

from attune_tui.errors import AttuneError
from attune_tui.model.observation import Observation
from attune_tui.report.redact import redact_observation, redact_session
from attune_tui.store import SessionData, Store

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


Exporter = Callable[[SessionData], bytes]

EXPORTERS: dict[str, Exporter] = {
    "json": lambda d: orjson.dumps(session_json(d), option=orjson.OPT_INDENT_2) + b"\n",
    "csv": lambda d: delimited(observation_rows(d), OBSERVATION_COLUMNS, ","),
    "tsv": lambda d: delimited(observation_rows(d), OBSERVATION_COLUMNS, "\t"),
}


def export_session(store: Store, session_id: str, fmt: str, redact: bool = False) -> bytes:
    exporter = EXPORTERS.get(fmt)
    if exporter is None:
        raise AttuneError(f"--format {fmt!r} is not known; use one of: {', '.join(EXPORTERS)}")
    return exporter(prepared(store.load(session_id), redact))


def export_all(store: Store, fmt: str, redact: bool = False) -> bytes:
    """One tidy table of every observation of every session (for R, pandas, DuckDB)."""
    if fmt not in ("csv", "tsv"):
        raise AttuneError("export --all writes one table: use --format csv or --format tsv")
    sessions, _ = store.sessions()
    rows: list[list[str]] = []
    for index, session in enumerate(sorted(sessions, key=lambda s: s.started_at), start=1):
        rows.extend(observation_rows(prepared(store.load(session.id), redact, index)))
    return delimited(rows, OBSERVATION_COLUMNS, "," if fmt == "csv" else "\t")
