"""Who played an event: by channel, by port, by split point."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from attune_tui.midi.events import RawEvent
from attune_tui.midi.roles import RoleMap, RoleSettings


def on(port: str, channel: int, pitch: int) -> RawEvent:
    return RawEvent(0.0, port, (0x90 | channel, pitch, 80))


def test_default_is_channel_1_client_channel_2_therapist() -> None:
    roles = RoleMap(RoleSettings())
    assert roles.player_of(on("keys", 0, 60)) == "client"
    assert roles.player_of(on("keys", 1, 60)) == "therapist"
    assert roles.player_of(on("keys", 9, 36)) == "client"
    assert RoleMap(RoleSettings(fallback=None)).player_of(on("keys", 9, 36)) is None


def test_channels_are_numbered_as_on_the_instrument() -> None:
    roles = RoleMap(RoleSettings.model_validate({"channels": {"10": "therapist"}}))
    assert roles.player_of(on("pad", 9, 36)) == "therapist"
    with pytest.raises(ValidationError, match="1-16"):
        RoleSettings(channels={0: "client"})


def test_by_port_name_ignoring_alsa_numbers_and_case() -> None:
    settings = RoleSettings(
        mode="port", ports={"Digital Piano:Digital Piano MIDI 1": "therapist", "drum": "client"}
    )
    roles = RoleMap(settings)
    assert roles.player_of(on("Digital Piano:Digital Piano MIDI 1 24:0", 0, 60)) == "therapist"
    assert roles.player_of(on("TD-1 Drum Kit", 9, 36)) == "client"
    assert roles.player_of(on("Other", 0, 60)) == "client"


def test_split_point_divides_one_keyboard() -> None:
    roles = RoleMap(RoleSettings(mode="split", split_note=60, lower="therapist"))
    assert roles.player_of(on("keys", 0, 59)) == "therapist"
    assert roles.player_of(on("keys", 0, 60)) == "client"
    assert roles.player_of(RawEvent(0.0, "keys", (0x80, 48, 0))) == "therapist"
    assert roles.player_of(RawEvent(0.0, "keys", (0xB0, 64, 127))) == "client"
