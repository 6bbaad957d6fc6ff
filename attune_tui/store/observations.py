"""Folding a session journal into its current observations, keeping every change as history.

The journal is event-sourced: `add`, `set` (modifiers picked later, a state stopped, an edit)
and `delete` (undo, or removed in review); `stop` keeps where each sitting was ended. Nothing is
rewritten, so an undo or an edit can always be traced back, and the original time of an
observation is never lost.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from attune_tui.model.observation import Observation


@dataclass(frozen=True, slots=True)
class Stop:
    """Where the therapist ended a sitting (ctrl+e): session time and wall-clock time."""

    t: float
    at: datetime


@dataclass
class ObservationLog:
    """Current observations by id, in log order, plus what was deleted and every change."""

    current: dict[str, Observation] = field(default_factory=dict)
    deleted: dict[str, Observation] = field(default_factory=dict)
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    moment_verdicts: dict[str, str] = field(default_factory=dict)
    """Review decisions on automatic moments, by `moment_key`: "accepted" or "rejected"."""
    stops: list[Stop] = field(default_factory=list)

    def apply(self, record: dict[str, Any]) -> None:
        """Apply one journal record; a record that does not fit is reported, never fatal."""
        op = record.get("op")
        try:
            if op == "add":
                obs = Observation.model_validate(record["obs"])
                self.current[obs.id] = obs
                self.history.setdefault(obs.id, []).append(record)
            elif op == "set":
                oid = record["id"]
                old = self.current[oid]
                self.current[oid] = Observation.model_validate(
                    old.model_dump() | dict(record["fields"])
                )
                self.history.setdefault(oid, []).append(record)
            elif op == "delete":
                oid = record["id"]
                self.deleted[oid] = self.current.pop(oid)
                self.history.setdefault(oid, []).append(record)
            elif op == "restore":
                oid = record["id"]
                self.current[oid] = self.deleted.pop(oid)
                self.history.setdefault(oid, []).append(record)
            elif op == "moment":
                self.moment_verdicts[record["key"]] = record["verdict"]
            elif op == "stop":
                self.stops.append(Stop(float(record["t"]), datetime.fromisoformat(record["at"])))
            elif op != "meta":
                self.problems.append(f"unknown record {op!r}; skipped")
        except (KeyError, TypeError, ValueError) as exc:
            self.problems.append(f"record {op!r} could not be applied ({exc}); skipped")

    def extend(self, records: Iterable[dict[str, Any]]) -> ObservationLog:
        for record in records:
            self.apply(record)
        return self

    def ordered(self) -> list[Observation]:
        """Observations sorted by time (ties keep log order)."""
        return sorted(self.current.values(), key=lambda o: o.t)

    def last_t(self) -> float:
        times = [o.end or o.t for o in self.current.values()]
        times += [o.end or o.t for o in self.deleted.values()]
        return max(times, default=0.0)


def moment_key(start: float, end: float) -> str:
    """A moment's identity across re-analyses: its span to the centisecond."""
    return f"{start:.2f}-{end:.2f}"
