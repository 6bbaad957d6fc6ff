"""Who played an event: the client or the therapist.

Set-ups differ: two keyboards on two ports, one keyboard sending on two channels, or one
keyboard shared at a split point. The choice is preset data (`RoleSettings`), and `RoleMap`
applies it per event without I/O so live capture, replay and tests agree.

Channels are numbered 1-16 in settings, as printed on instruments (mido and the wire use 0-15).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
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


_NOTE_NAME = re.compile(r"^([a-g])([#b]?)(-?\d)$", re.IGNORECASE)
_STEPS = {"c": 0, "d": 2, "e": 4, "f": 5, "g": 7, "a": 9, "b": 11}
_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")


def parse_note(text: str) -> int:
    """A key as a MIDI number (`60`) or a note name (`C4`, `F#3`, `Bb2`; C4 = 60, middle C)."""
    value = text.strip()
    if value.isascii() and value.isdigit():
        number = int(value)
    else:
        match = _NOTE_NAME.match(value)
        if match is None:
            raise ValueError(f"{text!r} is not a key: give a note name such as C4 or F#3, or 0-127")
        letter, accidental, octave = match.groups()
        shift = {"#": 1, "b": -1, "B": -1}.get(accidental, 0)
        number = 12 * (int(octave) + 1) + _STEPS[letter.lower()] + shift
    if not 0 <= number <= 127:
        raise ValueError(f"{text!r} is outside the MIDI range: keys are 0-127 (C-1 to G9)")
    return number


def note_name(number: int) -> str:
    """`60` as `C4`: how keyboards are labelled."""
    return f"{_NAMES[number % 12]}{number // 12 - 1}"


def describe(roles: RoleSettings) -> str:
    """Who plays what, in a few words for the start dialog and the live screen."""
    if roles.mode == "split":
        at, upper = note_name(roles.split_note), other(roles.lower)
        return f"one keyboard split at {at}: {roles.lower} below, {upper} from {at} up"
    if roles.mode == "port":
        pairs = ", ".join(f"{name} {player}" for name, player in roles.ports.items())
        return f"by input: {pairs or 'none named'}"
    return ", ".join(f"channel {ch} {player}" for ch, player in sorted(roles.channels.items()))


def by_inputs(client: str, therapist: str) -> RoleSettings:
    """Two keyboards: one input each."""
    if port_key(client).casefold() == port_key(therapist).casefold():
        raise ValueError(f"the client and the therapist need different inputs, not both {client!r}")
    return RoleSettings(mode="port", ports={client: "client", therapist: "therapist"})


def split_at(note: int, lower: Player = "therapist") -> RoleSettings:
    """One keyboard shared: `lower` plays below `note`, the other player from it up."""
    return RoleSettings(mode="split", split_note=note, lower=lower)


def by_channels(client: int, therapist: int) -> RoleSettings:
    """One or two keyboards sending on their own channels (1-16)."""
    bad = [channel for channel in (client, therapist) if not 1 <= channel <= 16]
    if bad:
        raise ValueError(f"MIDI channels are numbered 1-16, as on the instrument; got {bad[0]}")
    if client == therapist:
        raise ValueError(f"the client and the therapist need different channels, not both {client}")
    return RoleSettings(mode="channel", channels={client: "client", therapist: "therapist"})


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
            if names_input(name, port):
                return player
        return self.settings.fallback


def names_input(name: str, port: str) -> bool:
    """Whether a roles entry `name` is the input `port`: the same name (ALSA's numbers and case
    aside) or a part of it, since a preset written once must find a keyboard plugged in anew."""
    return port_key(name).casefold() in port_key(port).casefold()


def players_of_inputs(roles: RoleSettings, ports: Sequence[str]) -> dict[str, Player | None]:
    """Who each input plays under `roles` by input, None where no entry names it: the same
    choice `RoleMap` makes, without its fallback, so a set-up can be checked before play."""
    named = RoleMap(roles.model_copy(update={"fallback": None}))
    return {port: named._port_player(port) for port in ports}


def role_choices(
    preset: RoleSettings,
    asked: RoleSettings | None,
    inputs: Sequence[str],
    last: RoleSettings | None = None,
    last_inputs: Sequence[str] = (),
) -> list[RoleSettings | None]:
    """Ways to tell the players apart that the start dialog offers, the likeliest first.

    None is the preset's own. First come the roles asked for on the command line; else those
    of the client's last session (`last`, with `last_inputs`) when the same inputs are ticked
    again; else, when two or more inputs are ticked while the preset goes by channel, one
    input per player: most keyboards send on channel 1, so two of them are two players.
    """
    split = preset.split_note if preset.mode == "split" else 60
    pairs = []
    if len(inputs) > 1 and port_key(inputs[0]).casefold() != port_key(inputs[1]).casefold():
        pairs = [by_inputs(inputs[0], inputs[1]), by_inputs(inputs[1], inputs[0])]
    splits = [split_at(split, "therapist"), split_at(split, "client")]
    same = {port_key(name).casefold() for name in inputs} == {
        port_key(name).casefold() for name in last_inputs
    }
    again = last is not None and bool(inputs) and same
    first: list[RoleSettings | None] = []
    if asked is not None:
        first = [asked]
    elif again:
        first = [last]
    elif pairs and preset.mode == "channel":
        first = [pairs.pop(0)]
    options = [*first, None, *pairs, *splits]
    unique: list[RoleSettings | None] = []
    for option in options:
        if option not in unique and not (option is not None and option == preset):
            unique.append(option)
    return unique
