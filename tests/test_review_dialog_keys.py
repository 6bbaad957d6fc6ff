"""The review's observation dialog: a choice is picked by the key its label shows."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList

from attune_tui.model.preset import Preset
from attune_tui.model.session import CheckIn
from attune_tui.store import Store
from attune_tui.ui.app import AttuneApp
from attune_tui.ui.screens.review import ReviewScreen
from attune_tui.ui.widgets.review_dialogs import ObservationDialog

SIZE = (160, 50)


@pytest.fixture
def session_id(store: Store, preset: Preset) -> str:
    """An ended session with one tempo mark (modifier: faster) and no MIDI."""
    live = store.start_session("C-014", preset.name, [])
    live.add("tempo", 5.0, modifiers={"direction": "faster"})
    session = live.end(CheckIn(goals=7, tasks=8, bond=6))
    live.close()
    return session.id


async def test_a_digit_picks_the_modifier_and_still_types_in_the_fields(
    store: Store, session_id: str
) -> None:
    app = AttuneApp(store, review=session_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("n", "enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ObservationDialog)
        await pilot.press("end", "backspace", "backspace", "backspace", "7", "full_stop", "5")
        await pilot.press("tab", "3")  # the list: "3  direction: steady"
        modifier = dialog.query_one("#obs-modifier", OptionList)
        assert modifier.highlighted_option is not None
        assert modifier.highlighted_option.id == "3"
        await pilot.press("9", "minus")  # not a choice: nothing moves; "-  none"
        assert modifier.highlighted == 0
        await pilot.press("4", "tab", *"bar 12", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
    tempo = store.load(session_id).observations[0]
    assert tempo.t == pytest.approx(7.5) and tempo.text == "bar 12"
    assert tempo.modifiers == {"direction": "unstable"}


async def test_a_code_key_picks_the_code_of_a_new_mark(store: Store, session_id: str) -> None:
    app = AttuneApp(store, review=session_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, ObservationDialog)
        await pilot.press("d", "tab", "tab", "2", "ctrl+s")
        await pilot.pause()
    added = [o for o in store.load(session_id).observations if o.source == "edit"]
    assert [(o.code, o.modifiers) for o in added] == [("dynamics", {"change": "softer"})]
