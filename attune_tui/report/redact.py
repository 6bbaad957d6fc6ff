"""Redaction for exports that leave the therapist's machine (supervision, research).

Free text is dropped (it may name people), the client code is replaced, and dates are cut to
the year (HIPAA Safe Harbor removes every element of a date except the year). Session ids carry
the date and the code, so they are replaced too.
"""

from __future__ import annotations

from attune_tui.model.observation import Observation
from attune_tui.model.session import Session

REDACTED_CLIENT = "CLIENT"


def redact_session(session: Session, index: int = 1) -> Session:
    """A copy fit to share: no client code, no date beyond the year, no check-in free text."""
    checkin = session.checkin.model_copy(update={"summary": ""}) if session.checkin else None
    start = session.started_at.replace(month=1, day=1, hour=0, minute=0, second=0)
    return session.model_copy(
        update={
            "id": f"session-{index}",
            "client": REDACTED_CLIENT,
            "started_at": start,
            "ended_at": None,
            "checkin": checkin,
            "midi_ports": [],
        }
    )


def redact_observation(obs: Observation) -> Observation:
    return obs.model_copy(update={"text": "[redacted]" if obs.text else ""})
