"""Who played an event: the client or the therapist.

Set-ups differ: two keyboards on two ports, one keyboard sending on two channels, or one
keyboard shared at a split point. The choice is preset data (`RoleSettings`), and `RoleMap`
applies it per event without I/O so live capture, replay and tests agree.

Channels are numbered 1-16 in settings, as printed on instruments (mido and the wire use 0-15).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from attune_tui.analysis.notes import Player
from attune_tui.midi.events import RawEvent
from attune_tui.midi.names import port_key

RoleMode = Literal["channel", "port", "split"]

_NOTE_STATUSES = (0x80, 0x90, 0xA0)


def _default_channels() -> dict[int, Player]:
    return {1: "client", 2: "therapist"}


class RoleSettings(BaseModel):
    """How to tell the two players apart, as stored in a preset."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mode: RoleMode = "channel"
    """'channel': by MIDI channel; 'port': by input port; 'split': by key on one keyboard."""
    channels: dict[int, Player] = Field(default_factory=_default_channels)
    """MIDI channel (1-16, as on the instrument) to player."""
    ports: dict[str, Player] = Field(default_factory=dict)
    """Port name, or a part of it (case-insensitive), to player."""
    split_note: int = Field(default=60, ge=0, le=127)
    """First key of the upper part in 'split' mode (60 = middle C)."""
    lower: Player = "therapist"
    """Who plays below the split point; the other player plays from it up."""
    fallback: Player | None = "client"
    """Player for events no rule assigns (an unmapped channel or port, a pedal in 'split'
    mode); None ignores them in analysis (they are still kept in the raw capture)."""

    @field_validator("channels")
    @classmethod
    def _channels_in_range(cls, value: dict[int, Player]) -> dict[int, Player]:
        bad = [channel for channel in value if not 1 <= channel <= 16]
        if bad:
            raise ValueError(f"MIDI channels are numbered 1-16, got {bad}")
        return value


def other(player: Player) -> Player:
    """The other player."""
    return "therapist" if player == "client" else "client"


class RoleMap:
    """Applies `RoleSettings` to events; port look-ups are cached per port name."""

    def __init__(self, settings: RoleSettings) -> None:
        self.settings = settings
        self._channels: dict[int, Player] = {ch - 1: p for ch, p in settings.channels.items()}
        self._by_port: dict[str, Player | None] = {}

    def player_of(self, event: RawEvent) -> Player | None:
        """The player of a channel message, or `fallback` when no rule applies."""
        mode = self.settings.mode
        status = event.data[0]
        if mode == "channel":
            if 0x80 <= status < 0xF0:
                return self._channels.get(status & 0x0F, self.settings.fallback)
            return self.settings.fallback
        if mode == "port":
            return self._port_player(event.port)
        if status & 0xF0 in _NOTE_STATUSES and len(event.data) > 1:
            upper = event.data[1] >= self.settings.split_note
            return other(self.settings.lower) if upper else self.settings.lower
        return self.settings.fallback

    def _port_player(self, port: str) -> Player | None:
        if port not in self._by_port:
            self._by_port[port] = self._match_port(port)
        return self._by_port[port]

    def _match_port(self, port: str) -> Player | None:
        ports = self.settings.ports
        if port in ports:
            return ports[port]
        key = port_key(port).casefold()
        for name, player in ports.items():
            if port_key(name).casefold() == key:
                return player
        for name, player in ports.items():
            if name.casefold() in key:
                return player
        return self.settings.fallback
