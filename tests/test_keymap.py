"""keymap.toml: every problem is named with its fix, and its binding keeps its default key."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from rich.console import Console
from textual.binding import Binding

from attune_tui.model.preset import Preset
from attune_tui.store import Store
from attune_tui.ui.app import AttuneApp, LiveRequest
from attune_tui.ui.keymap import SCOPES, Keymap, check_keymap, for_preset
from attune_tui.ui.keynames import key_problem, normalize
from attune_tui.ui.screens.checkin import CheckInScreen
from attune_tui.ui.screens.home import HomeScreen
from attune_tui.ui.screens.live import LiveScreen
from attune_tui.ui.screens.progress import ProgressScreen
from attune_tui.ui.screens.recover import RecoverScreen
from attune_tui.ui.screens.review import ReviewScreen
from attune_tui.ui.screens.start import StartDialog
from attune_tui.ui.widgets.legend import KeyLegend
from attune_tui.ui.widgets.review_dialogs import (
    ConfirmDialog,
    ExportDialog,
    ObservationDialog,
    TimeInput,
)

SIZE = (120, 40)
SCOPE_CLASSES: dict[str, tuple[type[object], ...]] = {
    "live": (LiveScreen,),
    "home": (HomeScreen,),
    "checkin": (CheckInScreen,),
    "review": (ReviewScreen,),
    "observation dialog": (ObservationDialog, TimeInput),
    "yes/no dialog": (ConfirmDialog,),
    "export dialog": (ExportDialog,),
    "recovery dialog": (RecoverScreen,),
    "start dialog": (StartDialog,),
    "progress": (ProgressScreen,),
}


def write_keymap(text: str) -> None:
    folder = Path(os.environ["ATTUNE_CONFIG_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "keymap.toml").write_text(text, encoding="utf-8")


def said(app: AttuneApp) -> list[str]:
    return [n.message for n in app._notifications]


def test_the_table_of_binding_ids_is_the_screens_bindings() -> None:
    """The checker lists ids and defaults itself (so starting needs no review screen): a
    binding added, renamed or moved on a screen must be added here too."""
    for scope, classes in SCOPE_CLASSES.items():
        declared = {
            b.id: ",".join(normalize(k) for k in b.key.split(","))
            for cls in classes
            for b in getattr(cls, "BINDINGS", [])
            if isinstance(b, Binding) and b.id is not None
        }
        assert declared == SCOPES[scope], scope
    assert sorted(SCOPES) == sorted(SCOPE_CLASSES)


@pytest.mark.parametrize(
    "key",
    ["a", "N", "f6", "f24", "ctrl+z", "shift+left", "ctrl+shift+up", "pagedown", "comma",
     "question_mark", "minus", "plus", "space", "escape", "alt+x", "super+c"],
)  # fmt: skip
def test_key_names_textual_sends_are_accepted(key: str) -> None:
    assert key_problem(normalize(key)) is None


@pytest.mark.parametrize(
    ("key", "why"),
    [
        ("ctrl+shift+zz", "zz is not a key"),
        ("pgdown", "did you mean pagedown?"),
        ("F5", "did you mean f5?"),
        ("shift+ctrl+z", "Textual names it ctrl+shift+z"),
        ("control+z", "control is not a modifier"),
        ("ctrl+", "ends without a key"),
        ("shift+a", "(A)"),
    ],
)
def test_impossible_key_names_are_explained(key: str, why: str) -> None:
    problem = key_problem(normalize(key))
    assert problem is not None and why in problem


def test_each_problem_is_named_and_keeps_that_default_only() -> None:
    raw: dict[str, object] = {
        "live.undoo": "ctrl+z",
        "live.pedal": "pagedown",
        "live.pause": "ctrl+shift+zz",
        "home.quit": "a",
        "review.export": 5,
        "live": {"cancel": "f9"},  # written without quotes: a TOML table
        "review.accept": "ctrl+q",
    }
    keymap = check_keymap(raw, "keymap.toml")
    assert keymap.keys == {"live.pedal": "pagedown", "live.cancel": "f9"}
    assert keymap.problems == [
        "keymap.toml: live.undoo is not a binding id (did you mean live.undo?); it was ignored",
        "keymap.toml: live.pause: ctrl+shift+zz is not a key name: zz is not a key (e.g. ctrl+z,"
        " f6, pagedown, comma); default key kept",
        'keymap.toml: review.export must be a key name in quotes, e.g. "review.export" ='
        ' "ctrl+z"; default key kept',
        "keymap.toml: review.accept: ctrl+q quits attune: pick another key; default key kept",
        "keymap.toml: a is already the key of home.add: give home.quit another key (or move"
        " home.add too); default key kept for home.quit",
    ]


def test_a_key_given_twice_keeps_both_defaults_and_a_swap_is_fine() -> None:
    keymap = check_keymap({"live.undo": "f6", "live.pause": "f6"}, "keymap.toml")
    assert keymap.keys == {}
    assert keymap.problems == [
        "keymap.toml: f6 is given to both live.undo and live.pause: give each its own key;"
        " default keys kept for both"
    ]
    # a swap, and home.continue's key on another screen
    entries = {"home.quit": "a", "home.add": "q", "review.add": "c"}
    swap = check_keymap(entries, "k")
    assert swap.problems == [] and swap.keys == entries


def test_a_live_key_a_code_uses_keeps_its_default(preset: Preset) -> None:
    keymap = check_keymap({"live.undo": "t", "live.pause": "comma", "live.end": "ctrl+t"}, "k")
    live = for_preset(keymap, preset)
    assert live.keys == {"live.pause": "comma", "live.end": "ctrl+t"}
    assert live.problems == [
        "k: live.undo = t is also the key of the code tempo in the preset free-improvisation:"
        " give live.undo a key no code uses; default key kept in this session"
    ]
    assert for_preset(Keymap("k", {"live.undo": "f6"}), preset).problems == []


async def test_app_names_keymap_problems_and_keeps_default_keys(store: Store) -> None:
    write_keymap(
        '"live.undoo" = "ctrl+z"\n"live.undo" = "f6"\n"live.pause" = "f6"\n'
        '"live.end" = "ctrl+shift+zz"\n'
    )
    app = AttuneApp(store, start=LiveRequest(client="C-014"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        messages = said(app)
        assert any("keymap.toml: live.undoo is not a binding id" in m for m in messages)
        assert any(
            "keymap.toml: f6 is given to both live.undo and live.pause" in m for m in messages
        )
        assert any("live.end: ctrl+shift+zz is not a key name" in m for m in messages)
        await pilot.press("d", "backspace", "f5")  # the default keys still undo and pause
        await pilot.pause()
        assert screen.paused
        assert [o.code for o in store.load(screen.live.session.id).observations] == ["pause"]


async def test_a_live_key_on_a_preset_code_is_named_at_session_start(store: Store) -> None:
    write_keymap('"live.undo" = "t"\n"live.pause" = "f6"\n')
    app = AttuneApp(store, start=LiveRequest(client="C-014"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        assert any(
            "live.undo = t is also the key of the code tempo in the preset free-improvisation" in m
            for m in said(app)
        )
        await pilot.press("d", "t", "backspace", "f6")  # t logs tempo; backspace undoes it
        await pilot.pause()
        assert screen.paused
        logged = store.load(screen.live.session.id).observations
        assert sorted(o.code for o in logged) == ["dynamics", "pause"]


async def test_the_legend_shows_the_pedal_key_actually_bound(store: Store) -> None:
    write_keymap('"live.pedal" = "pagedown"\n')
    app = AttuneApp(store, start=LiveRequest(client="C-014"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        legend = screen.query_one(KeyLegend)
        shown = legend_text(legend)
        assert "pgdn pedal: attunement" in shown and "space" not in shown
        assert not said(app)
        await pilot.press("pagedown", "space")
        await pilot.pause()
        logged = store.load(screen.live.session.id).observations
        assert [(o.code, o.source) for o in logged] == [("attunement", "pedal")]


def legend_text(legend: KeyLegend) -> str:
    console = Console(width=60, record=True, file=io.StringIO())
    console.print(legend.content)
    return console.export_text()


def test_an_id_far_from_any_lists_the_ids_of_its_screen() -> None:
    (problem,) = check_keymap({"live.stop-it": "f6"}, "k").problems
    assert problem == (
        "k: live.stop-it is not a binding id (live.* ids: live.undo, live.pedal, live.pause,"
        " live.end, live.cancel); it was ignored"
    )


def test_a_default_put_back_for_a_preset_code_is_checked_again(preset: Preset) -> None:
    keymap = check_keymap({"live.undo": "t", "live.pause": "backspace"}, "k")
    assert keymap.problems == []  # a swap, until the preset takes t
    live = for_preset(keymap, preset)
    assert live.keys == {}
    assert live.problems[1] == (
        "k: backspace is already the key of live.undo: give live.pause another key (or move"
        " live.undo too); default key kept for live.pause"
    )
