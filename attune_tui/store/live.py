"""A session open for logging: the journal, the lock, the clock, and undo.

Every call that changes an observation appends to the journal first and updates memory only
after the append returned (fsynced), so what the screen shows is never ahead of the disk.
"""

from __future__ import annotations

import fcntl
import os
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from attune_tui.clock import SessionClock
from attune_tui.errors import StoreError
from attune_tui.model.observation import (
    ModifierValue,
    Observation,
    ObservationKind,
    ObservationSource,
)
from attune_tui.model.session import CheckIn, Session
from attune_tui.store.journal import Journal
from attune_tui.store.observations import ObservationLog, moment_key

LOCK = "lock"


class SessionLock:
    """An flock on the session folder: held while open, released by the kernel on any exit."""

    def __init__(self, fd: int) -> None:
        self._fd = fd

    @classmethod
    def acquire(cls, folder: Path) -> SessionLock:
        fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise StoreError(
                f"session {folder.name} is open in another attune window; close it there first"
            ) from None
        return cls(fd)

    @staticmethod
    def held(folder: Path) -> bool:
        try:
            fd = os.open(folder / LOCK, os.O_RDWR)
        except FileNotFoundError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        finally:
            os.close(fd)
        return False

    def release(self, folder: Path | None = None) -> None:
        """Release the lock; with `folder`, also remove the lock file (the session is closed
        properly), so finding crashed sessions only has to look where a lock file is left."""
        if self._fd >= 0:
            if folder is not None:
                (folder / LOCK).unlink(missing_ok=True)
            os.close(self._fd)
            self._fd = -1


class LiveSession:
    """Logging into one session; the only writer of its journal."""

    def __init__(
        self,
        session: Session,
        folder: Path,
        lock: SessionLock,
        log: ObservationLog,
        offset: float,
    ) -> None:
        self.session = session
        self.folder = folder
        self.log = log
        self.clock = SessionClock(offset)
        self.resumed_at = offset
        """Where this sitting's clock began: 0, or the end of a continued session's first part."""
        self._lock = lock
        self._journal = Journal(folder / "journal.jsonl")
        self._undoable: list[_Step] = []
        self._stopped_at: datetime | None = None

    def add(
        self,
        code: str,
        t: float,
        *,
        kind: ObservationKind = "point",
        modifiers: Mapping[str, ModifierValue] | None = None,
        text: str = "",
        source: ObservationSource = "key",
        player: str | None = None,
    ) -> Observation:
        """Log a new observation; returns once it is durable."""
        obs = self._new(code, t, kind, modifiers, text, source, player)
        self._remember(source, _Step(obs.id, "add"))
        return obs

    def _new(
        self,
        code: str,
        t: float,
        kind: ObservationKind,
        modifiers: Mapping[str, ModifierValue] | None,
        text: str,
        source: ObservationSource,
        player: str | None,
    ) -> Observation:
        obs = Observation.model_validate(
            {
                "id": uuid.uuid4().hex[:12],
                "t": round(max(t, 0.0), 4),
                "code": code,
                "kind": kind,
                "modifiers": dict(modifiers or {}),
                "text": text,
                "source": source,
                "player": player,
            }
        )
        self._write({"op": "add", "obs": obs.model_dump(mode="json", exclude_defaults=True)})
        return self.log.current[obs.id]

    def start_state(
        self, code: str, t: float, source: ObservationSource, ending: Sequence[str] = ()
    ) -> Observation:
        """Start a state by key, first ending the `ending` states (its exclusive group):
        one undo takes back the whole press, so those run on again."""
        for oid in ending:
            self.update(oid, source=source, end=round(t, 4))  # this press ended them
        obs = self._new(code, t, "state", None, "", source, None)
        self._remember(source, _Step(obs.id, "add", tuple(ending)))
        return obs

    def stop_state(self, oid: str, t: float, source: ObservationSource = "key") -> Observation:
        """End a running state by key; undo lets it run on again."""
        obs = self.update(oid, source=source, end=round(t, 4))
        self._remember(source, _Step(oid, "end"))
        return obs

    def _remember(self, source: ObservationSource, step: _Step) -> None:
        """Key and pedal presses can be undone; what the MIDI or the app logged cannot."""
        if source in ("key", "pedal"):
            self._undoable.append(step)

    def update(self, oid: str, source: ObservationSource = "key", **fields: Any) -> Observation:
        """Change fields of an observation (a modifier picked, a state stopped, an edit)."""
        if oid not in self.log.current:
            raise StoreError(f"observation {oid} is not in this session (it may have been undone)")
        if "t" in fields and self.log.current[oid].original_t is None:
            fields["original_t"] = self.log.current[oid].t
        self._write({"op": "set", "id": oid, "fields": fields, "source": source, "at": _now()})
        return self.log.current[oid]

    def rechain_affects(self, source: ObservationSource = "edit") -> list[Observation]:
        """Make each affect shift's "from" the "to" of the shift before it again.

        The live logger writes "from" when the shift is logged; a review edit that changes,
        moves, adds or deletes a shift would leave the next one's "from" naming an affect
        that no longer precedes it. The corrections are edits like any other, with history.
        """
        changed = []
        previous: ModifierValue | None = None
        for obs in self.log.ordered():
            if "to" not in obs.modifiers and "from" not in obs.modifiers:
                continue  # not a shift, or one with neither end known
            if obs.modifiers.get("from") != previous:
                modifiers = {k: v for k, v in obs.modifiers.items() if k != "from"}
                if previous is not None:
                    modifiers = {"from": previous, **modifiers}
                changed.append(self.update(obs.id, source=source, modifiers=modifiers))
            previous = obs.modifiers.get("to", previous)  # an unpicked shift leaves it as it was
        return changed

    def delete(self, oid: str, reason: str) -> Observation:
        """Remove an observation from the current view; the journal keeps it and why."""
        if oid not in self.log.current:
            raise StoreError(f"observation {oid} is not in this session")
        self._write({"op": "delete", "id": oid, "reason": reason, "at": _now()})
        return self.log.deleted[oid]

    def undo(self) -> Undone | None:
        """Take back the most recent key or pedal press whose mark still stands: a mark is
        removed (states it ended run on again), or a state's stop is taken back."""
        while self._undoable:
            step = self._undoable.pop()
            obs = self.log.current.get(step.oid)
            if obs is None:
                continue
            if step.action == "end":
                if obs.end is None:
                    continue
                return Undone(self.update(step.oid, end=None), removed=False)
            removed = self.delete(step.oid, "undo")
            reopened = [
                self.update(oid, end=None)
                for oid in step.reopen
                if oid in self.log.current and self.log.current[oid].end is not None
            ]
            return Undone(removed, removed=True, running_again=tuple(reopened))
        return None

    def review_moment(self, start: float, end: float, verdict: str) -> None:
        """Accept or reject an automatic attunement moment (kept with the session, undoable)."""
        if verdict not in ("accepted", "rejected", "open"):
            raise StoreError(f"a moment is accepted, rejected or open, not {verdict!r}")
        key = moment_key(start, end)
        self._write({"op": "moment", "key": key, "verdict": verdict, "at": _now()})

    def open_states(self) -> list[Observation]:
        return [o for o in self.log.current.values() if o.is_open_state]

    def stop(self) -> float:
        """Fix the session's end now, when the therapist ends it: the clock stops, and `end`
        stores this moment however long the check-in that follows takes. Returns the end.

        The end goes into the journal at once, so a crash during the check-in is recovered
        with the session's real end rather than its last mark.
        """
        if self._stopped_at is None:
            self._stopped_at = datetime.now().astimezone().replace(microsecond=0)
            t = self.clock.stop()
            self._write({"op": "stop", "t": round(t, 4), "at": self._stopped_at.isoformat()})
        return self.clock.stop()

    def end(self, checkin: CheckIn | None, summary: dict[str, object] | None = None) -> Session:
        """Stop open states at the session's end (see `stop`), store the check-in, and mark
        the session ended. Without a new check-in a continued session keeps its earlier one."""
        from attune_tui.store.store import write_record

        t = self.stop()
        for state in self.open_states():
            self.update(state.id, source="auto", end=round(t, 4))
        self.session = self.session.model_copy(
            update={
                "status": "ended",
                "ended_at": self._stopped_at,
                "duration_s": round(t, 3),
                "checkin": checkin if checkin is not None else self.session.checkin,
                "summary": summary,
            }
        )
        write_record(self.folder, self.session)
        return self.session

    @property
    def closed(self) -> bool:
        """True once `close` ran: nothing more can be logged into this session."""
        return self._journal.closed

    def close(self) -> None:
        self._journal.close()
        self._lock.release(self.folder if self.session.status != "live" else None)

    def _write(self, record: dict[str, Any]) -> None:
        self._journal.append(record)
        self.log.apply(record)


@dataclass(frozen=True, slots=True)
class Undone:
    """What an undo did: the mark removed, or the state whose stop was taken back (running
    again); and the states a removed one had ended, now running again."""

    observation: Observation
    removed: bool
    running_again: tuple[Observation, ...] = ()


@dataclass(frozen=True, slots=True)
class _Step:
    """One press that undo can take back: the mark it added or the state it stopped, and the
    states the added one ended."""

    oid: str
    action: Literal["add", "end"]
    reopen: tuple[str, ...] = ()


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")
