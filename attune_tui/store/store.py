"""The embedded default store: a folder of small files, so nothing grows with the archive.

```
DATA/clients.json                 TinyDB (atomic writes): pseudonymous client codes
DATA/sessions/ID/session.json     TinyDB (atomic writes): the session record
DATA/sessions/ID/journal.jsonl    append-only observations (fsynced per record)
DATA/sessions/ID/midi.jsonl       append-only raw MIDI capture (fsynced every 0.25 s)
DATA/sessions/ID/lock             held (flock) while the session is open
```
Logging one observation touches only its own session's journal, so its cost does not depend on
how many sessions are stored. A damaged file is named and left untouched; the rest works.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from pydantic import ValidationError
from tinydb import TinyDB

from attune_tui.errors import StoreError
from attune_tui.midi.roles import RoleSettings
from attune_tui.model.client import Client, validate_client_code
from attune_tui.model.observation import Observation
from attune_tui.model.session import Session
from attune_tui.paths import private_dir
from attune_tui.store.atomic import AtomicJSONStorage, fsync_dir
from attune_tui.store.journal import Journal, read_journal
from attune_tui.store.live import LOCK, LiveSession, SessionLock
from attune_tui.store.observations import ObservationLog

JOURNAL = "journal.jsonl"
MIDI = "midi.jsonl"
RECORD = "session.json"
ANALYSIS = "analysis.json"  # derived from the journals; written by `attune_tui.analyze`


@dataclass
class SessionData:
    """A stored session read back whole, with any problems met while reading it."""

    session: Session
    log: ObservationLog
    folder: Path
    problems: list[str] = field(default_factory=list)

    @property
    def observations(self) -> list[Observation]:
        return self.log.ordered()


class Store:
    """Clients and sessions under one data folder (owner-only)."""

    def __init__(self, root: Path) -> None:
        self.root = private_dir(root)
        self.sessions_dir = private_dir(root / "sessions")

    # clients -------------------------------------------------------------------------------
    def _clients_db(self) -> TinyDB:
        return TinyDB(self.root / "clients.json", storage=AtomicJSONStorage)

    def clients(self) -> list[Client]:
        with self._clients_db() as db:
            rows = db.table("clients").all()
        return sorted((Client.model_validate(r) for r in rows), key=lambda c: c.code)

    def add_client(self, code: str) -> Client:
        client = Client(code=validate_client_code(code))
        with self._clients_db() as db:
            table = db.table("clients")
            if not any(r.get("code") == client.code for r in table.all()):
                table.insert(client.model_dump(mode="json"))
        return client

    # sessions ------------------------------------------------------------------------------
    def folder(self, session_id: str) -> Path:
        return self.sessions_dir / session_id

    def start_session(
        self, client: str, preset: str, midi_ports: list[str], roles: RoleSettings | None = None
    ) -> LiveSession:
        """Create a session folder and record, and open it for logging; `roles`, when the
        therapist set who plays what for this session, replace the preset's in its analysis.

        A damaged client list must not stop a session: the code is checked, the session
        starts, and the list stays as it is for the therapist to mend (home names the file).
        """
        try:
            code = self.add_client(client).code
        except StoreError:
            code = validate_client_code(client)
        started = datetime.now().astimezone().replace(microsecond=0)
        base = f"{started:%Y%m%d-%H%M%S}-{code}"
        session_id, n = base, 1
        while self.folder(session_id).exists():
            n += 1
            session_id = f"{base}-{n}"
        folder = private_dir(self.folder(session_id))
        fsync_dir(self.sessions_dir)
        session = Session(
            id=session_id,
            client=code,
            preset=preset,
            started_at=started,
            midi_ports=midi_ports,
            roles=roles,
        )
        lock = SessionLock.acquire(folder)
        write_record(folder, session)
        return LiveSession(session, folder, lock, ObservationLog(), offset=0.0)

    def continue_session(self, session_id: str, midi_ports: Sequence[str] = ()) -> LiveSession:
        """Reopen a stored session for more logging, its clock carrying on from where the
        first part ended: its duration, or anything marked or captured later (a recovered
        session's MIDI), so nothing new is stamped inside the first part.

        The saved analysis and summary describe the first part only: they go, and the review
        after the new end analyses the whole session again. `midi_ports` this part opens join
        the record's, which then names a capture lost later."""
        data = self.load(session_id)
        _journal_present(data.folder, "continuing")
        lock = SessionLock.acquire(data.folder)
        ports = list(dict.fromkeys([*data.session.midi_ports, *midi_ports]))
        session = data.session.model_copy(
            update={"status": "live", "ended_at": None, "summary": None, "midi_ports": ports}
        )
        write_record(data.folder, session)
        (data.folder / ANALYSIS).unlink(missing_ok=True)
        return LiveSession(session, data.folder, lock, data.log, offset=_content_end(data))

    def edit_session(self, session_id: str) -> LiveSession:
        """Open an ended session for review edits; its status and times stay as they are."""
        data = self.load(session_id)
        _journal_present(data.folder, "editing")
        lock = SessionLock.acquire(data.folder)
        return LiveSession(data.session, data.folder, lock, data.log, offset=data.log.last_t())

    def record(self, session_id: str) -> Session:
        """A stored session's record alone: a cheap check that it exists and can be read."""
        folder = self.folder(session_id)
        if not folder.is_dir():
            raise StoreError(
                f"no session {session_id!r} in {self.sessions_dir}: see `attune sessions`"
            )
        return read_record(folder)

    def load(self, session_id: str) -> SessionData:
        folder = self.folder(session_id)
        session = self.record(session_id)
        path = folder / JOURNAL
        journal = read_journal(path)
        log = ObservationLog().extend(journal.records)
        return SessionData(
            session, log, folder, _missing(path, session) + journal.problems + log.problems
        )

    def sessions(self, client: str | None = None) -> tuple[list[Session], list[str]]:
        """Every readable session (newest first) and a message for each unreadable one."""
        found: list[Session] = []
        problems: list[str] = []
        code = client.upper() if client is not None else None
        for folder in sorted(self.sessions_dir.iterdir(), reverse=True):
            if not folder.is_dir() or (code is not None and not _may_belong(folder.name, code)):
                continue
            try:
                session = read_record(folder)
            except StoreError as exc:
                problems.append(str(exc))
                continue
            if client is None or session.client == client.upper():
                found.append(session)
        return found, problems

    def orphaned(self) -> list[Session]:
        """Sessions still marked live whose program is gone (a crash, a kill, a power loss).

        Only folders that still have a lock file are read: a session closed properly removes it.
        """
        found = []
        for lock in sorted(self.sessions_dir.glob(f"*/{LOCK}"), reverse=True):
            try:
                session = read_record(lock.parent)
            except StoreError:
                continue  # named by `sessions()`; nothing to recover from an unreadable record
            if session.status == "live" and not SessionLock.held(lock.parent):
                found.append(session)
        return found

    def recorded_s(self, session: Session) -> float:
        """How far a session's record reaches, in seconds: its duration, or for a session a
        crash left open (no duration yet), the end of what its journal and capture hold, which
        is the duration recovery will give it."""
        if session.status != "live":
            return session.duration_s
        try:
            return _content_end(self.load(session.id))
        except StoreError:
            return session.duration_s

    def recover(self, session_id: str) -> SessionData:
        """Close a crashed session with everything its journal holds; status `recovered`."""
        data = self.load(session_id)
        duration = _content_end(data)
        stop = data.log.stops[-1] if data.log.stops else None
        ended = (
            stop.at
            if stop is not None and stop.t >= duration
            else data.session.started_at + timedelta(seconds=duration)
        )
        session = data.session.model_copy(
            update={"status": "recovered", "duration_s": duration, "ended_at": ended}
        )
        _end_open_states(data, duration, ended)
        write_record(data.folder, session)
        if not SessionLock.held(data.folder):
            (data.folder / LOCK).unlink(missing_ok=True)
        data.session = session
        return data

    def save_session(self, session: Session) -> None:
        write_record(self.folder(session.id), session)


def _end_open_states(data: SessionData, t: float, at: datetime) -> None:
    """States still running when the program stopped end with the session, as ctrl+e would
    have ended them, so every view gives them the same length. Appended, like any change."""
    running = [o for o in data.log.current.values() if o.is_open_state]
    if not running:
        return
    journal = Journal(data.folder / JOURNAL)
    try:
        for state in running:
            record = {
                "op": "set",
                "id": state.id,
                "fields": {"end": round(t, 4)},
                "source": "auto",
                "at": at.isoformat(timespec="seconds"),
            }
            journal.append(record)
            data.log.apply(record)
    finally:
        journal.close()


def write_record(folder: Path, session: Session) -> None:
    with TinyDB(folder / RECORD, storage=AtomicJSONStorage) as db:
        table = db.table("session")
        doc = session.model_dump(mode="json")
        if table.contains(doc_id=1):
            table.update(doc, doc_ids=[1])  # one atomic write: never an empty record
        else:
            table.insert(doc)


def read_record(folder: Path) -> Session:
    path = folder / RECORD
    fix = f"restore it from a backup, or move {folder.name} out of {folder.parent}"
    if not path.exists():
        raise StoreError(f"{path} is missing: {folder.name} is not a readable session; {fix}")
    try:
        with TinyDB(path, storage=AtomicJSONStorage) as db:
            rows = db.table("session").all()
    except StoreError:
        raise
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror}") from None
    if not rows:
        raise StoreError(f"{path} holds no session record; it was left untouched: {fix}")
    try:
        return Session.model_validate(rows[0])
    except ValidationError as exc:
        fields = "; ".join(
            f"field {'.'.join(str(p) for p in e['loc'])!r}: {e['msg']}" for e in exc.errors()
        )
        raise StoreError(f"{path}: {fields}; the file was left untouched: {fix}") from None


def _journal_present(folder: Path, doing: str) -> None:
    """Writing to a session whose journal is gone would start an empty one beside the loss,
    and the loss would no longer show: it must be restored first."""
    path = folder / JOURNAL
    if not path.exists():
        raise StoreError(
            f"{path} is missing: restore it from a backup before {doing} this session "
            "(a new, empty journal would hide that its marks are lost)"
        )


def _missing(path: Path, session: Session) -> list[str]:
    """A journal that is gone, or empty although the session was ended (ending writes a
    record), has lost the session's marks: say so, or the session would read as unmarked."""
    fix = "restore it from a backup; the check-in and the MIDI capture are kept"
    if not path.exists():
        return [f"{path} is missing: this session's marks are not there; {fix}"]
    if session.status == "ended" and path.stat().st_size == 0:
        return [f"{path} is empty, yet the session was ended: its marks are lost; {fix}"]
    return []


def _content_end(data: SessionData) -> float:
    """Where a session's content ends: its stored duration, its last end (ctrl+e), its last
    mark or its last captured MIDI, whichever is latest. A crash leaves no duration and may
    leave music after the last mark; a continued session must start after all of it."""
    stopped = max((s.t for s in data.log.stops), default=0.0)
    return max(data.session.duration_s, stopped, data.log.last_t(), _midi_end(data.folder))


def _midi_end(folder: Path) -> float:
    """The latest time in a session's raw MIDI capture; 0 without one or when it cannot be
    read (the marks and the duration still say where the session stopped)."""
    from attune_tui.midi.journal import JournalError, read_journal  # at the top: circular

    path = folder / MIDI
    if not path.exists():
        return 0.0
    try:
        contents = read_journal(path)
    except (OSError, JournalError):
        return 0.0
    times = [e.t for e in contents.events] + [s.t for s in contents.statuses]
    return max(times, default=0.0)


def _may_belong(folder_name: str, code: str) -> bool:
    """Session folders are named `YYYYMMDD-HHMMSS-CODE[-N]`: skip other clients unread."""
    rest = folder_name[16:]
    return rest == code or rest.startswith(code + "-")
