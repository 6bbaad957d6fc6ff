"""pydantic types for what attune stores and reads: clients, sessions, observations, presets."""

from attune_tui.model.client import Client, validate_client_code
from attune_tui.model.observation import Observation, ObservationSource
from attune_tui.model.session import CheckIn, Session, SessionStatus

__all__ = [
    "CheckIn",
    "Client",
    "Observation",
    "ObservationSource",
    "Session",
    "SessionStatus",
    "validate_client_code",
]
