"""The one note type every analysis consumes, whether it came live, from a file or a test."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Player = Literal["client", "therapist"]
PLAYERS: tuple[Player, Player] = ("client", "therapist")


@dataclass(frozen=True, slots=True)
class Note:
    """A played note: onset in seconds from session start, and how long it sounded.

    `duration` is 0.0 while the note is still held (live) and is filled when the note ends;
    sustain-pedal hold is folded into it by the note tracker.
    """

    t: float
    player: Player
    pitch: int
    velocity: int
    duration: float = 0.0

    @property
    def end(self) -> float:
        return self.t + self.duration
