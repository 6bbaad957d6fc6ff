"""Observations: what the therapist (or the MIDI) marked, at which second of the session."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ObservationSource = Literal["key", "pedal", "midi", "auto", "edit"]
ObservationKind = Literal["point", "state", "note"]
ModifierValue = str | int


class Observation(BaseModel):
    """One timestamped mark.

    `t` is seconds from session start on the session's monotonic clock, already corrected for the
    preset's reaction lag. State observations have an `end` once stopped; point observations never
    do. `original_t` keeps the time first logged when an edit moves it.
    """

    model_config = ConfigDict(extra="forbid")

    id: str
    t: float = Field(ge=0)
    code: str
    kind: ObservationKind = "point"
    end: float | None = None
    modifiers: dict[str, ModifierValue] = Field(default_factory=dict)
    text: str = ""
    source: ObservationSource = "key"
    player: Literal["client", "therapist"] | None = None
    original_t: float | None = None

    @property
    def picked(self) -> str:
        """The value the therapist picked, for a short label: an affect shift's `to`, never
        the `from` that was recorded from the previous shift; empty if none was picked."""
        return next((str(v) for k, v in self.modifiers.items() if k != "from"), "")

    @property
    def is_open_state(self) -> bool:
        return self.kind == "state" and self.end is None
