"""The start dialog: which MIDI inputs a session starts with, and what it says without MIDI.

The listing of inputs is stood in for here, so that timing and choices are repeatable; the
real listing through JACK ports is in test_app_midi_jack.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, SelectionList, Static

import attune_tui
from attune_tui.midi.roles import by_inputs, split_at
from attune_tui.store import Store
from attune_tui.ui.app import AttuneApp, LiveRequest
from attune_tui.ui.screens import start
from attune_tui.ui.screens.live import LiveScreen
from attune_tui.ui.screens.start import StartDialog

SIZE = (100, 30)
PIANO = "Digital Piano:Digital Piano MIDI 1 24:0"
PADS = "Drum Pad:Pads 20:0"
THROUGH = "Midi Through:Midi Through Port-0 14:0"


def listing(names: list[str], delay: float = 0.0) -> Callable[[str | None], list[str]]:
    def inputs(backend: str | None) -> list[str]:
        time.sleep(delay)
        return list(names)

    return inputs


async def open_dialog(pilot: Pilot[Any]) -> StartDialog:
    await pilot.pause()
    await pilot.press("s")
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, StartDialog)
    return dialog


async def listed(pilot: Pilot[Any], dialog: StartDialog) -> SelectionList[str]:
    for _ in range(100):
        if dialog._listed:
            break
        await pilot.pause(0.02)
    await pilot.pause()
    return dialog.query_one(SelectionList)


def head(dialog: StartDialog) -> str:
    return str(dialog.query_one("#start-midi", Static).render())


async def test_without_a_midi_system_the_dialog_says_keys_only(store: Store) -> None:
    store.add_client("C-041")
    app = AttuneApp(store, backend="rtmidi/NO_SUCH_API")
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot)
        inputs = await listed(pilot, dialog)
        assert "MIDI off" in head(dialog) and "NO_SUCH_API" in head(dialog)
        assert "Keys only" in head(dialog)
        assert not inputs.display
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LiveScreen) and app.screen.midi is None
        assert app.screen.live.session.midi_ports == []


async def test_the_one_keyboard_comes_ticked(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        start, "list_inputs", listing(["Midi Through:Midi Through Port-0 14:0", PIANO])
    )
    store.add_client("C-042")
    app = AttuneApp(store)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot)
        inputs = await listed(pilot, dialog)
        assert inputs.option_count == 2
        assert inputs.selected == ["Digital Piano:Digital Piano MIDI 1"]  # no ALSA numbers
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LiveScreen) and screen.midi is not None
        assert screen.midi.ports == ("Digital Piano:Digital Piano MIDI 1",)
        assert screen.live.session.midi_ports == ["Digital Piano:Digital Piano MIDI 1"]


async def test_a_preset_picked_while_inputs_are_listed_starts_with_them(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(start, "list_inputs", listing([PIANO], delay=0.4))
    store.add_client("C-043")
    app = AttuneApp(store)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot)
        await pilot.press("enter")  # faster than the listing
        assert app.screen is dialog and "looking" in head(dialog)
        for _ in range(100):
            if isinstance(app.screen, LiveScreen):
                break
            await pilot.pause(0.02)
        await pilot.pause()  # pushed: let it mount before the test ends the app
        screen = app.screen
        assert isinstance(screen, LiveScreen) and screen.midi is not None
        assert screen.midi.ports == ("Digital Piano:Digital Piano MIDI 1",)


async def test_the_last_sessions_inputs_come_ticked_and_a_tick_survives_looking_again(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add_client("C-044")
    live = store.start_session("C-044", "free-improvisation", [PADS])
    live.end(None)
    live.close()
    names = [PIANO, PADS]
    monkeypatch.setattr(start, "list_inputs", lambda backend: list(names))
    app = AttuneApp(store)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot)
        inputs = await listed(pilot, dialog)
        assert inputs.selected == ["Drum Pad:Pads"]  # what C-044 played last time
        await pilot.press("tab")  # from the presets to the inputs, onto the first one
        assert inputs.has_focus
        await pilot.press("space")  # tick the piano too
        assert sorted(inputs.selected) == ["Digital Piano:Digital Piano MIDI 1", "Drum Pad:Pads"]
        names.remove(PADS)  # the pads are unplugged, then the dialog looks again
        dialog._listed = False
        await pilot.press("ctrl+r")
        inputs = await listed(pilot, dialog)
        prompts = [str(inputs.get_option_at_index(i).prompt) for i in range(inputs.option_count)]
        assert prompts == [PIANO, "Drum Pad:Pads (not plugged in)"]
        assert sorted(inputs.selected) == ["Digital Piano:Digital Piano MIDI 1", "Drum Pad:Pads"]


async def test_inputs_named_on_the_command_line_come_ticked_even_when_absent(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(start, "list_inputs", listing([PIANO, PADS]))
    app = AttuneApp(store)
    async with app.run_test(size=SIZE) as pilot:
        app.start = LiveRequest(midi=("Stage Piano", "DRUM"))  # as `session start` left it
        dialog = await open_dialog(pilot)
        inputs = await listed(pilot, dialog)
        assert inputs.selected == ["Drum Pad:Pads", "Stage Piano"]  # a part names the listed one
        prompts = [str(inputs.get_option_at_index(i).prompt) for i in range(inputs.option_count)]
        assert prompts[-1] == "Stage Piano (not plugged in)"


async def test_inputs_asked_for_and_not_plugged_in_keep_the_order_asked(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """By input, the first plays the client: the order must not depend on a set's hashing."""
    monkeypatch.setattr(start, "list_inputs", listing([PIANO]))
    app = AttuneApp(store)
    async with app.run_test(size=SIZE) as pilot:
        app.start = LiveRequest(midi=("Stage Piano", "Pads MK2", "Keys 61", "Alpha"))
        dialog = await open_dialog(pilot)
        await listed(pilot, dialog)
        assert dialog._ticks() == ["Stage Piano", "Pads MK2", "Keys 61", "Alpha"]


async def test_ticked_and_unticked_inputs_differ_without_colour(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(start, "list_inputs", listing([THROUGH, PIANO]))
    store.add_client("C-042")
    app = AttuneApp(store)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot)
        inputs = await listed(pilot, dialog)
        boxes = [inputs.render_line(y).text[:3] for y in range(inputs.option_count)]
        assert boxes == ["▐ ▌", "▐X▌"]  # the loopback unticked, the piano ticked


def test_start_dialog_snapshot(
    snap_compare: Any, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        start, "list_inputs", listing(["Midi Through:Midi Through Port-0 14:0", PIANO])
    )
    store.add_client("C-014")

    async def ready(pilot: Pilot[Any]) -> None:
        dialog = await open_dialog(pilot)
        await listed(pilot, dialog)

    assert snap_compare(AttuneApp(store), terminal_size=(80, 24), run_before=ready)


async def test_two_keyboards_ticked_play_one_player_each_unless_changed(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add_client("C-045")
    live = store.start_session("C-045", "free-improvisation", [PIANO, PADS])
    live.end(None)
    live.close()
    monkeypatch.setattr(start, "list_inputs", listing([PIANO, PADS]))
    app = AttuneApp(store)
    piano, pads = "Digital Piano:Digital Piano MIDI 1", "Drum Pad:Pads"
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot)
        await listed(pilot, dialog)
        players = dialog.query_one("#start-players", Static)
        assert f"by input: {piano} client, {pads} therapist" in str(players.render())
        await pilot.press("ctrl+o")
        assert "channel 1 client, channel 2 therapist (the preset's)" in str(players.render())
        await pilot.press("ctrl+o")
        assert f"by input: {pads} client, {piano} therapist" in str(players.render())
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        assert screen.live.session.roles == by_inputs(pads, piano)
        assert screen.preset.midi.roles == by_inputs(pads, piano)  # what the engine splits by


async def test_roles_given_on_the_command_line_are_the_sessions(store: Store) -> None:
    app = AttuneApp(store, start=LiveRequest(client="C-046", roles=split_at(55)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        assert screen.preset.midi.roles == split_at(55)
        session_id = screen.live.session.id
    assert store.record(session_id).roles == split_at(55)


async def test_two_identical_keyboards_are_two_inputs(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    twins = ["Digital Piano:Digital Piano MIDI 1 24:0", "Digital Piano:Digital Piano MIDI 1 28:0"]
    monkeypatch.setattr(start, "list_inputs", listing(twins))
    store.add_client("C-047")
    app = AttuneApp(store)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot)
        inputs = await listed(pilot, dialog)
        values = [inputs.get_option_at_index(i).value for i in range(inputs.option_count)]
        assert values == twins  # only ALSA's numbers tell them apart
        await pilot.press("tab", "space")
        assert inputs.selected == [twins[0]]


async def test_a_clients_last_setup_comes_back_with_them(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """C-048 played last time on the pads and the piano, one each, pads for the client; C-049
    never had MIDI. Typing the code brings back that client's set-up."""
    piano, pads = "Digital Piano:Digital Piano MIDI 1", "Drum Pad:Pads"
    store.add_client("C-049")
    live = store.start_session("C-048", "free-improvisation", [pads, piano], by_inputs(pads, piano))
    live.end(None)
    live.close()
    monkeypatch.setattr(start, "list_inputs", listing([PIANO, PADS, THROUGH, "Stage:Out"]))
    app = AttuneApp(store)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot)
        inputs = await listed(pilot, dialog)
        players = dialog.query_one("#start-players", Static)
        client = dialog.query_one("#start-client", Input)
        client.value = "C-049"
        await pilot.pause()
        assert inputs.selected == []  # three instruments and no last time: the therapist picks
        client.value = "C-048"
        await pilot.pause()
        assert sorted(inputs.selected) == [piano, pads]
        assert f"by input: {pads} client, {piano} therapist" in str(players.render())
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        assert screen.live.session.roles == by_inputs(pads, piano)


async def test_continuing_with_a_replay_opens_no_keyboard_and_records_the_file(
    store: Store,
) -> None:
    first = store.start_session("C-050", "free-improvisation", ["Stage Piano:Out"])
    first.end(None)
    first.close()
    demo = Path(attune_tui.__file__).parent / "data" / "demo.mid"
    app = AttuneApp(store, start=LiveRequest(session_id=first.session.id, replay=demo))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LiveScreen) and screen.midi is not None
        assert screen.midi.ports == () and screen.midi.replay == demo
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    assert store.record(first.session.id).midi_ports == ["Stage Piano:Out", "replay:demo.mid"]
