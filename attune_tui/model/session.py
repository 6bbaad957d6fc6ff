"""A session: who, which preset, when, and how it ended (or that it was recovered)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from attune_tui.midi.roles import RoleSettings

SessionStatus = Literal["live", "ended", "recovered"]


class CheckIn(BaseModel):
    """End-of-session working-alliance check-in (Bordin: goals, tasks, bond), 0-10.

    The therapist's view is required; the client's own ratings are optional because not every
    client can give them.
    """

    model_config = ConfigDict(extra="forbid")

    goals: int = Field(ge=0, le=10)
    tasks: int = Field(ge=0, le=10)
    bond: int = Field(ge=0, le=10)
    client_goals: int | None = Field(default=None, ge=0, le=10)
    client_tasks: int | None = Field(default=None, ge=0, le=10)
    client_bond: int | None = Field(default=None, ge=0, le=10)
    summary: str = ""


class Session(BaseModel):
    """Session metadata; observations and MIDI live in the session's journals beside it."""

    model_config = ConfigDict(extra="forbid")

    id: str
    client: str
    preset: str
    started_at: datetime
    ended_at: datetime | None = None
    status: SessionStatus = "live"
    duration_s: float = 0.0
    midi_ports: list[str] = Field(default_factory=list)
    roles: RoleSettings | None = None
    """Who played what, when it was set for this session rather than taken from the preset:
    the analysis of its capture must tell the players apart as the live screen did."""
    checkin: CheckIn | None = None
    summary: dict[str, object] | None = None
