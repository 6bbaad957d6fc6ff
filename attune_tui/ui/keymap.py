"""`keymap.toml`: the therapist's own keys for the app's bindings, checked before use.

Textual applies a keymap silently: a misspelled id changes nothing, an impossible key name or
a key given twice leaves an action without a key. Each problem is named here with its fix, the
binding it concerns keeps its default key, and the rest of the file still applies.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from attune_tui.model.preset import Preset
from attune_tui.ui.keynames import key_problem, normalize, typed_character

FILE = "keymap.toml"

SCOPES: dict[str, dict[str, str]] = {
    "live": {
        "live.undo": "backspace", "live.pedal": "space", "live.pause": "f5",
        "live.end": "ctrl+e", "live.cancel": "escape",
    },
    "home": {
        "home.add": "a", "home.start": "s", "home.continue": "c", "home.review": "v",
        "home.progress": "p", "home.quit": "q",
    },
    "checkin": {"checkin.skip": "escape", "checkin.save": "ctrl+s"},
    "review": {
        "review.left": "left", "review.right": "right", "review.left_big": "shift+left",
        "review.right_big": "shift+right", "review.up": "up", "review.down": "down",
        "review.home": "home", "review.end": "end", "review.zoom_in": "plus,equals_sign",
        "review.zoom_out": "minus", "review.next_moment": "right_square_bracket",
        "review.prev_moment": "left_square_bracket", "review.next_obs": "n",
        "review.prev_obs": "N", "review.accept": "a", "review.reject": "x",
        "review.undecide": "u", "review.add": "i", "review.edit": "enter",
        "review.earlier": "less_than_sign", "review.later": "greater_than_sign",
        "review.delete": "delete,d", "review.export": "e", "review.back": "escape,q",
    },
    "observation dialog": {
        "review.obs.save": "ctrl+s", "review.obs.cancel": "escape",
        "review.time.later": "up", "review.time.earlier": "down",
        "review.time.later_1s": "shift+up", "review.time.earlier_1s": "shift+down",
    },
    "yes/no dialog": {"review.confirm.yes": "y,enter", "review.confirm.no": "n,escape"},
    "export dialog": {"review.export.redact": "r", "review.export.cancel": "escape"},
    "recovery dialog": {"recover.yes": "r,enter", "recover.later": "l,escape"},
    "start dialog": {"start.cancel": "escape", "start.rescan": "ctrl+r", "start.players": "ctrl+o"},
    "progress": {"progress.review": "v", "progress.back": "escape,q"},
}  # fmt: skip
"""Binding ids and their default keys, grouped by the screen or dialog whose keys are active
together. Listed here rather than read from the screens so that checking at start does not
import the review screen; tests/test_keymap.py keeps it equal to the screens' BINDINGS."""

DEFAULTS = {binding_id: key for scope in SCOPES.values() for binding_id, key in scope.items()}

APP_KEYS = {"ctrl+q": "quits attune", "ctrl+p": "opens the command palette"}
"""Keys the app takes before any screen sees them (Textual priority bindings)."""


@dataclass(frozen=True, slots=True)
class Keymap:
    """The entries to apply (binding id -> key names) and what was wrong with the others."""

    source: str
    keys: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def read_keymap(path: Path) -> Keymap:
    """`path` checked entry by entry; a missing file is an empty keymap."""
    if not path.is_file():
        return Keymap(str(path))
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return Keymap(str(path), problems=[f"{path}: {exc}; default keys kept"])
    return check_keymap(raw, str(path))


def check_keymap(raw: Mapping[str, object], source: str) -> Keymap:
    """Every entry's problem, then keys given twice on one screen, until none is left."""
    keys: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, value in _entries(raw):
        problem = _entry_problem(binding_id, value)
        if problem is not None:
            problems.append(f"{source}: {problem}")
        elif isinstance(value, str):
            keys[binding_id] = ",".join(dict.fromkeys(normalize(k) for k in value.split(",")))
    return Keymap(source, keys, problems + _settle(keys, source))


def for_preset(keymap: Keymap, preset: Preset) -> Keymap:
    """The keymap for a live session with `preset`. The screen reads a code's key before its
    bindings (and ctrl+e before the codes), so a live binding on a code's key would take one of
    them away: that binding keeps its default key for the session."""
    codes = {code.key: code for code in preset.codes}
    keys = dict(keymap.keys)
    problems: list[str] = []
    for binding_id in SCOPES["live"]:
        given = keys.get(binding_id, "")
        taken = [codes[c] for k in given.split(",") if (c := typed_character(k)) in codes]
        if taken:
            del keys[binding_id]
            problems.append(
                f"{keymap.source}: {binding_id} = {given} is also the key of the code"
                f" {taken[0].code} in the preset {preset.name}: give {binding_id} a key no code"
                " uses; default key kept in this session"
            )
    return Keymap(keymap.source, keys, problems + _settle(keys, keymap.source))


def _entries(raw: Mapping[str, object], prefix: str = "") -> Iterator[tuple[str, object]]:
    """Entries by dotted id; an id left unquoted (`live.undo = "z"`) is a TOML table."""
    for name, value in raw.items():
        if isinstance(value, Mapping):
            yield from _entries(value, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", value


def _entry_problem(binding_id: str, value: object) -> str | None:
    if binding_id not in DEFAULTS:
        return f"{binding_id} is not a binding id ({_id_hint(binding_id)}); it was ignored"
    if not isinstance(value, str):
        return (
            f'{binding_id} must be a key name in quotes, e.g. "{binding_id}" = "ctrl+z";'
            " default key kept"
        )
    if not value.strip():
        return f"{binding_id} is empty: give a key name, e.g. ctrl+z; default key kept"
    for key in value.split(","):
        name = normalize(key)
        problem = key_problem(name)
        if problem is not None:
            return f"{binding_id}: {key.strip()} is not a key name: {problem}; default key kept"
        if name in APP_KEYS:
            return f"{binding_id}: {name} {APP_KEYS[name]}: pick another key; default key kept"
    return None


def _id_hint(binding_id: str) -> str:
    """The nearest id, or the ids of the same screen, so the fix needs no manual."""
    close = difflib.get_close_matches(binding_id, DEFAULTS, n=1)
    if close:
        return f"did you mean {close[0]}?"
    scope = binding_id.rpartition(".")[0]
    same = [i for i in DEFAULTS if i.rpartition(".")[0] == scope]
    return f"{scope}.* ids: {', '.join(same)}" if same else "the README lists them under Keys"


def _settle(keys: dict[str, str], source: str) -> list[str]:
    """Drop clashing remaps until none is left: a default put back may clash in its turn."""
    problems: list[str] = []
    while (clash := _first_clash(keys)) is not None:
        problems.append(f"{source}: {_drop(keys, *clash)}")
    return problems


def _first_clash(keys: Mapping[str, str]) -> tuple[str, list[str]] | None:
    """A key that two bindings active together would have, at least one of them remapped."""
    for scope in SCOPES.values():
        owners: dict[str, list[str]] = {}
        for binding_id, default in scope.items():
            for key in dict.fromkeys(keys.get(binding_id, default).split(",")):
                owners.setdefault(key, []).append(binding_id)
        for key, ids in owners.items():
            if len(ids) > 1 and any(i in keys for i in ids):
                return key, ids
    return None


def _drop(keys: dict[str, str], key: str, ids: list[str]) -> str:
    """Put the remapped bindings of a clash back on their defaults; say which and why."""
    moved = [i for i in ids if i in keys]
    for binding_id in moved:
        del keys[binding_id]
    kept = [i for i in ids if i not in moved]
    if not kept:
        every = "both" if len(moved) == 2 else "all"
        return (
            f"{key} is given to {every} {_and(moved)}: give each its own key;"
            f" default keys kept for {every}"
        )
    return (
        f"{key} is already the key of {_and(kept)}: give {_and(moved)} another key (or move"
        f" {_and(kept)} too); default key kept for {_and(moved)}"
    )


def _and(ids: list[str]) -> str:
    return ids[0] if len(ids) == 1 else f"{', '.join(ids[:-1])} and {ids[-1]}"
