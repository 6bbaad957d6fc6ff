"""Backend settings, port-name matching, the hand-off, arrival stamps and the no-MIDI-system
error."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from attune_tui.clock import SessionClock
from attune_tui.midi.capture import ArrivalStamps, Capture
from attune_tui.midi.events import RawEvent
from attune_tui.midi.names import (
    ambiguity,
    find_port,
    port_key,
    preselected,
    recorded_inputs,
    session_name,
)
from attune_tui.midi.ports import MidiUnavailable, list_inputs, parse_backend


def test_backend_names_follow_mido(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MIDO_BACKEND", raising=False)
    assert parse_backend().api_name == "default"
    assert parse_backend("rtmidi/UNIX_JACK").api_name == "UNIX_JACK"
    monkeypatch.setenv("MIDO_BACKEND", "mido.backends.rtmidi/UNIX_JACK")
    assert parse_backend().api_name == "UNIX_JACK"


@pytest.mark.parametrize("spec", ["mido.backends.portmidi", "rtmidi/NO_SUCH_API"])
def test_unusable_backend_is_one_line(spec: str) -> None:
    with pytest.raises(MidiUnavailable, match=spec) as info:
        parse_backend(spec)
    assert "\n" not in str(info.value)


def test_alsa_numbers_are_ignored_when_matching() -> None:
    names = ["Midi Through:Midi Through Port-0 14:0", "Digital Piano:Digital Piano MIDI 1 24:0"]
    assert port_key(names[1]) == "Digital Piano:Digital Piano MIDI 1"
    assert find_port(names, "Digital Piano:Digital Piano MIDI 1 20:0") == 1
    assert find_port(names, names[0]) == 0
    assert find_port(names, "Drum Pad") is None


def test_a_part_of_one_name_names_that_input() -> None:
    names = ["Midi Through:Midi Through Port-0 14:0", "Digital Piano:Digital Piano MIDI 1 24:0"]
    assert find_port(names, "digital piano") == 1  # as a person types it
    assert find_port(["RtMidiOut Client:keys"], "keys") == 0
    assert ambiguity(names, "digital piano") is None


def test_a_part_of_several_names_names_none_and_says_which() -> None:
    names = ["Drum Pad:Pads 20:0", "Digital Piano:Digital Piano MIDI 1 24:0", "Stage Piano:Out"]
    assert find_port(names, "piano") is None
    problem = ambiguity(names, "piano")
    assert problem is not None
    assert "'Digital Piano:Digital Piano MIDI 1 24:0'" in problem and "'Stage Piano:Out'" in problem
    assert "give more" in problem


def test_two_identical_keyboards_are_not_ambiguous() -> None:
    names = ["Digital Piano:Digital Piano MIDI 1 24:0", "Digital Piano:Digital Piano MIDI 1 28:0"]
    assert find_port(names, "Digital Piano:Digital Piano MIDI 1") == 0
    assert ambiguity(names, "Digital Piano:Digital Piano MIDI 1") is None


def test_a_session_starts_with_the_inputs_asked_for_then_the_last_ones_then_the_only_one() -> None:
    through = "Midi Through:Midi Through Port-0 14:0"
    piano = "Digital Piano:Digital Piano MIDI 1 24:0"
    pads = "Drum Pad:Pads 20:0"
    assert preselected([through, piano, pads], ["keys"], [piano]) == ["keys"]  # not plugged in
    assert preselected([through, piano, pads], ["PIANO"], []) == [piano]  # as listed
    # the last session's keyboard, plugged in again under new ALSA numbers
    assert preselected([through, piano, pads], [], ["Digital Piano:Digital Piano MIDI 1"]) == [
        piano
    ]
    assert preselected([through, piano], [], ["Gone Keyboard"]) == [piano]  # the only instrument
    assert preselected([through, piano, pads], [], []) == []  # two: the therapist picks
    assert preselected([through], [], []) == []  # the loopback is no instrument
    assert recorded_inputs(["Stage Piano:Out", "replay:demo.mid"]) == ["Stage Piano:Out"]


def test_hand_off_stamps_and_drops_system_messages() -> None:
    capture = Capture(SessionClock(offset=10.0))
    for data in ([0xF8], [0xFE], [0xFA], [0xF0, 0x7E, 0xF7], [0xF2, 0, 0], []):
        capture.hand_off((data, 0.0), "keys")
    capture.hand_off(([0x90, 60, 100], 0.0), "keys")
    [event] = capture.drain()
    assert (event.port, event.data) == ("keys", (0x90, 60, 100))
    assert 10.0 <= event.t < 11.0
    assert isinstance(event, RawEvent)


def test_a_burst_retrieved_late_keeps_its_spacing() -> None:
    stamps = ArrivalStamps()
    assert stamps.arrival(0.0, 10.0) == 10.0
    burst = [stamps.arrival(delta, 10.5) for delta in (0.01, 0.02, 0.005)]
    assert burst == pytest.approx([10.01, 10.03, 10.035], abs=1e-9)


def test_a_stamp_is_never_after_retrieval() -> None:
    stamps = ArrivalStamps()
    stamps.arrival(0.0, 10.0)
    assert stamps.arrival(0.5, 10.499) == 10.499
    assert stamps.arrival(0.1, 10.7) == pytest.approx(10.599, abs=1e-9)


def test_a_stamp_is_never_before_the_queue_was_seen_empty() -> None:
    stamps = ArrivalStamps()
    stamps.arrival(0.0, 10.0)
    stamps.empty(20.0)
    assert stamps.arrival(0.001, 20.01) == 20.0
    assert stamps.arrival(0.002, 20.01) == pytest.approx(20.002, abs=1e-9)


@pytest.mark.skipif(Path("/dev/snd/seq").exists(), reason="this machine has an ALSA sequencer")
@pytest.mark.parametrize("backend", [None, "rtmidi/LINUX_ALSA"])
def test_no_midi_system_is_one_clear_line(
    backend: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MIDO_BACKEND", raising=False)
    with pytest.raises(MidiUnavailable) as info:
        Capture(SessionClock(), ["Digital Piano"], backend=backend).start()
    message = str(info.value)
    assert message.startswith("No MIDI system")
    assert "\n" not in message
    assert "UNIX_JACK" in message


def test_jack_backend_without_a_server_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JACK_DEFAULT_SERVER", f"attune-absent-{secrets.token_hex(4)}")
    with pytest.raises(MidiUnavailable, match="No MIDI system"):
        list_inputs("rtmidi/UNIX_JACK")


def test_an_input_is_named_to_a_session_without_alsas_numbers_unless_they_tell_twins_apart() -> (
    None
):
    names = ["Digital Piano:MIDI 1 24:0", "Keystation:MIDI 1 20:0", "Keystation:MIDI 1 28:0"]
    assert session_name(names, names[0]) == "Digital Piano:MIDI 1"
    assert session_name(names, names[2]) == "Keystation:MIDI 1 28:0"
    assert session_name(["Stage Piano"], "Stage Piano") == "Stage Piano"  # JACK: no numbers
