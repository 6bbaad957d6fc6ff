"""Key names as Textual spells them, checked before a keymap hands them over.

Textual binds any string and never fires one no terminal sends, so a typo in `keymap.toml`
would leave an action without a key. The names here follow Textual's input parser
(`textual._xterm_parser`): a key from `textual.keys.Keys` or the kitty protocol's functional
keys, a character or its name (`comma`, `question_mark`), after modifiers in sorted order.
"""

from __future__ import annotations

import difflib

from textual._keyboard_protocol import FUNCTIONAL_KEYS
from textual.keys import REPLACED_KEYS, Keys, _character_to_key, key_to_character

MODIFIERS = ("alt", "ctrl", "hyper", "meta", "shift", "super")
"""Textual's modifier names, in the order its parser writes them."""

NAMED_KEYS = frozenset(
    k.value for k in Keys if "+" not in k.value and not k.value.startswith("<")
) | frozenset(FUNCTIONAL_KEYS.values())
"""Keys that are not characters: `f1`-`f35`, `pagedown`, `backspace`, ..."""

_EXAMPLES = "e.g. ctrl+z, f6, pagedown, comma"


def normalize(key: str) -> str:
    """A character as Textual names it (`?` -> `question_mark`), as `App.set_keymap` does."""
    key = key.strip()
    return _character_to_key(key) if len(key) == 1 else key


def typed_character(key: str) -> str | None:
    """What the live screen reads for `key` when it looks for a preset code: a function key's
    name, a character (`comma` -> `,`), or None for keys with modifiers and other keys."""
    if key.startswith("f") and key[1:].isdigit():
        return key
    if "+" in key:
        return None
    return key if len(key) == 1 else key_to_character(REPLACED_KEYS.get(key, key))


def key_problem(key: str) -> str | None:
    """Why no key press would ever be named `key` (one normalized name), or None if one is."""
    *modifiers, base = key.split("+")
    if not base:
        return f"{key} ends without a key ({_EXAMPLES})"
    unknown = [m for m in modifiers if m not in MODIFIERS]
    if unknown:
        return f"{unknown[0]} is not a modifier (modifiers: {', '.join(MODIFIERS)})"
    if len(set(modifiers)) < len(modifiers):
        return f"{key} repeats a modifier"
    if not _is_key(base):
        return f"{base} is not a key{_suggestion(base)} ({_EXAMPLES})"
    if modifiers != sorted(modifiers):
        return f"Textual names it {'+'.join([*sorted(modifiers), base])}"
    if modifiers == ["shift"] and len(base) == 1:
        typed = f" ({base.upper()})" if base.isalpha() else ""
        return f"the terminal sends {key} as the character it types{typed}"
    return None


def _is_key(name: str) -> bool:
    if name in NAMED_KEYS or (len(name) == 1 and name.isprintable()):
        return True
    return key_to_character(REPLACED_KEYS.get(name, name)) is not None


def _suggestion(name: str) -> str:
    close = difflib.get_close_matches(name.lower(), NAMED_KEYS, n=1)
    return f" (did you mean {close[0]}?)" if close else ""
