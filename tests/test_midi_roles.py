"""Who played an event: by channel, by port, by split point."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from attune_tui.midi.events import RawEvent
from attune_tui.midi.roles import (
    RoleMap,
    RoleSettings,
    by_channels,
    by_inputs,
    describe,
    note_name,
    parse_note,
    players_of_inputs,
    role_choices,
    split_at,
)


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


@pytest.mark.parametrize(
    ("text", "number"), [("C4", 60), ("c#4", 61), ("Bb2", 46), ("60", 60), ("C-1", 0), ("G9", 127)]
)
def test_a_split_key_is_a_note_name_or_a_number(text: str, number: int) -> None:
    assert parse_note(text) == number
    assert parse_note(note_name(number)) == number


@pytest.mark.parametrize(("text", "why"), [("H4", "not a key"), ("128", "0-127"), ("G#9", "0-127")])
def test_a_key_that_is_none_is_named(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        parse_note(text)


def test_roles_read_as_the_therapist_would_say_them() -> None:
    assert describe(RoleSettings()) == "channel 1 client, channel 2 therapist"
    assert describe(split_at(55)) == "one keyboard split at G3: therapist below, client from G3 up"
    assert describe(by_inputs("Stage", "Pads")) == "by input: Stage client, Pads therapist"
    with pytest.raises(ValueError, match="different channels"):
        by_channels(1, 1)
    with pytest.raises(ValueError, match="1-16"):
        by_channels(0, 2)


def test_two_inputs_ticked_under_a_channel_preset_are_offered_one_per_player_first() -> None:
    choices = role_choices(RoleSettings(), None, ["Stage", "Pads"])
    assert choices[0] == by_inputs("Stage", "Pads")  # two keyboards, both on channel 1
    assert choices[1] is None  # the preset's own
    assert by_inputs("Pads", "Stage") in choices and split_at(60) in choices
    assert role_choices(RoleSettings(), None, ["Stage"])[0] is None
    given = by_channels(3, 4)
    assert role_choices(RoleSettings(), given, ["Stage", "Pads"])[0] == given
    # a preset that splits already: its own split is not offered twice
    assert split_at(55) not in role_choices(split_at(55), None, ["Stage"])


def test_a_clients_last_roles_come_first_only_when_the_same_inputs_are_ticked() -> None:
    last = by_inputs("Stage", "Pads")
    again = role_choices(RoleSettings(), None, ["Pads", "Stage"], last, ["Stage 20:0", "pads"])
    assert again[0] == last
    # a third keyboard ticked, or one left out: last time's set-up is not this one
    three = role_choices(RoleSettings(), None, ["Pads", "Stage", "Drums"], last, ["Stage", "Pads"])
    assert three[0] == by_inputs("Pads", "Stage")  # the first two ticked, as with no last roles
    one = role_choices(RoleSettings(), None, ["Stage"], by_channels(3, 4), ["Stage", "Pads"])
    assert one[0] is None
    assert role_choices(RoleSettings(), None, [], by_channels(3, 4), [])[0] is None


def test_players_of_inputs_says_who_each_input_plays_and_none_where_unnamed() -> None:
    roles = by_inputs("Stage", "Pads")
    players = players_of_inputs(roles, ["Stage Piano 20:0", "Pads MK2", "Drums"])
    assert players == {"Stage Piano 20:0": "client", "Pads MK2": "therapist", "Drums": None}
