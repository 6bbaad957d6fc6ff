"""Redaction for exports that leave the therapist's machine (supervision, research).

Free text is dropped (it may name people), the client code is replaced, and dates are cut to
the year (HIPAA Safe Harbor removes every element of a date except the year). Session ids carry
the date and the code, so they are replaced too.

One session alone is `CLIENT`. A table of many sessions gives each client its own pseudonym
(`CLIENT-1`, `CLIENT-2`, ... in order of first appearance), so research can still tell the
clients apart and follow one across sessions, without learning who they are.
"""

from __future__ import annotations

from datetime import UTC, datetime

from attune_tui.midi.roles import RoleSettings
from attune_tui.model.observation import Observation
from attune_tui.model.session import Session

REDACTED_CLIENT = "CLIENT"


def redact_session(session: Session, index: int = 1) -> Session:
    """A copy fit to share: no client code, no date beyond the year, no check-in free text."""
    checkin = session.checkin.model_copy(update={"summary": ""}) if session.checkin else None
    # the year alone: in UTC, since an offset (+02:00 in January) would tell summer from winter
    start = datetime(session.started_at.year, 1, 1, tzinfo=UTC)
    return session.model_copy(
        update={
            "id": f"session-{index}",
            "client": REDACTED_CLIENT,
            "started_at": start,
            "ended_at": None,
            "checkin": checkin,
            "midi_ports": [],
            "roles": _anonymous_inputs(session.roles),
        }
    )


def _anonymous_inputs(roles: RoleSettings | None) -> RoleSettings | None:
    """Roles by input keep who played which input, not the inputs' names (a keyboard may be
    named after its owner)."""
    if roles is None or not roles.ports:
        return roles
    ports = {f"input {i}": player for i, player in enumerate(roles.ports.values(), start=1)}
    return roles.model_copy(update={"ports": ports})


class ClientPseudonyms:
    """Pseudonyms for the clients of one export, numbered in order of first appearance.

    The numbers are made afresh for each export and derived from nothing but that order, so a
    pseudonym cannot be turned back into a code.
    """

    def __init__(self) -> None:
        self._names: dict[str, str] = {}

    def __call__(self, code: str) -> str:
        return self._names.setdefault(code, f"{REDACTED_CLIENT}-{len(self._names) + 1}")


def redact_observation(obs: Observation) -> Observation:
    return obs.model_copy(update={"text": "[redacted]" if obs.text else ""})
