"""Checks on a preset's raw input, run beside pydantic's field validation.

pydantic skips a model's after-validators once any field fails, so a therapist would fix a
preset in rounds. These checks read the raw TOML tables instead and report with the field
errors (`validate_whole`), so one run of `attune presets check` lists every problem.
"""

from __future__ import annotations

import difflib
import string
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ModelWrapValidatorHandler, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

RESERVED_KEYS = frozenset({"backspace", "escape", "enter", "tab", "space", "?", "f5"})
"""Keys the live screen keeps for itself: undo, cancel, confirm, focus, pedal, help, pause."""

_KEY_NAMES = frozenset(string.ascii_lowercase + string.digits + ",.;'[]-=`\\")

Issue = tuple[tuple[str | int, ...], str]
"""A problem spanning fields: where (a path below the model checked) and what to do."""

_M = TypeVar("_M", bound=BaseModel)


def validate_whole(data: object, handler: ModelWrapValidatorHandler[_M], issues: list[Issue]) -> _M:
    """Field errors and cross-field issues in one error: pydantic skips after-checks once a
    field fails, so a preset would otherwise have to be fixed in rounds."""
    try:
        model = handler(data)
    except ValidationError as exc:
        errors = [
            InitErrorDetails(
                type=PydanticCustomError(e["type"], e["msg"]), loc=e["loc"], input=e["input"]
            )
            for e in exc.errors()
        ]
        title = exc.title
    else:
        if not issues:
            return model
        errors, title = [], type(model).__name__
    errors += [
        InitErrorDetails(type=PydanticCustomError("preset_check", msg), loc=loc, input=data)
        for loc, msg in issues
    ]
    raise ValidationError.from_exception_data(title, errors)


def field_of(raw: object, name: str) -> object:
    """A field of raw input, which may be a TOML table or an already built model."""
    if isinstance(raw, Mapping):
        return raw.get(name)
    return getattr(raw, name, None) if isinstance(raw, BaseModel) else None


def items(raw: object) -> list[object]:
    return list(raw) if isinstance(raw, Sequence) and not isinstance(raw, str) else []


def pressable_key(value: str) -> str:
    """`value` if it can be pressed as an observation or modifier key; the live screen keeps
    some keys for itself, so one of those could never log the code or pick the choice."""
    if value in RESERVED_KEYS:
        raise ValueError(f"key {value!r} is reserved by the live screen; pick another")
    function = value.startswith("f") and value[1:].isdigit() and 1 <= int(value[1:]) <= 12
    if value not in _KEY_NAMES and not function:
        lower = value.lower()
        hint = f": use {lower!r}" if lower in _KEY_NAMES else ", e.g. 't' or 'f6'"
        raise ValueError(
            f"key {value!r} is not a single lower-case letter, digit, punctuation key or "
            f"f1-f12{hint}"
        )
    return value


PresetKey = Annotated[str, AfterValidator(pressable_key)]
"""A key a code or a modifier choice is bound to."""


def number_plain(value: object) -> object:
    """Plain strings get the keys 1, 2, 3 ... by position, the usual numeric-pad habit."""
    if not isinstance(value, list):
        return value
    return [
        {"key": str(i + 1), "label": c} if isinstance(c, str) else c for i, c in enumerate(value)
    ]


def modifier_keys(raw: object) -> set[str]:
    """The keys a raw modifier would take, as far as they can be told from invalid input."""
    scale = field_of(raw, "scale")
    if isinstance(scale, Sequence) and len(scale) == 2 and all(type(v) is int for v in scale):
        return {str(v) for v in range(scale[0], scale[1] + 1)}
    keys = (field_of(c, "key") for c in items(number_plain(field_of(raw, "choices"))))
    return {k for k in keys if isinstance(k, str)}


def repeated_choices(raw: object) -> list[Issue]:
    """A repeated label or key would make two keys log one value, or one key two."""
    issues: list[Issue] = []
    label_seen: set[str] = set()
    label_of_key: dict[str, str] = {}
    for choice in items(number_plain(raw)):
        key, label = field_of(choice, "key"), field_of(choice, "label")
        if isinstance(label, str):
            if label in label_seen:
                issues.append((("choices",), f"choice {label!r} is listed twice: remove one"))
            label_seen.add(label)
        if isinstance(key, str) and isinstance(label, str):
            if key in label_of_key:
                issues.append(
                    (
                        ("choices",),
                        f"choices {label_of_key[key]!r} and {label!r} both have key {key!r}"
                        " (plain choices are keyed 1, 2, 3 by position): give each choice"
                        " its own key",
                    )
                )
            label_of_key.setdefault(key, label)
    return issues


def unknown_code(value: str, codes: set[str]) -> str:
    close = difflib.get_close_matches(value, codes, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"{value!r} is not one of the codes{hint}: use one of {sorted(codes)}"


def code_table_issues(data: Mapping[str, Any]) -> list[Issue]:
    """Every clash between codes, and every reference to a code that does not exist.

    Works on the raw input, so a clash is found even when the codes involved have errors of
    their own; values of the wrong type are skipped (their field errors say so).
    """
    raw_codes = data.get("codes")
    entries = list(enumerate(items(raw_codes)))
    issues: list[Issue] = []
    first_of_code: dict[str, int] = {}
    code_of_key: dict[str, str] = {}
    for i, entry in entries:
        code, key = field_of(entry, "code"), field_of(entry, "key")
        name = code if isinstance(code, str) else f"codes[{i}]"
        if isinstance(code, str):
            if code in first_of_code:
                issues.append(
                    (
                        ("codes", i, "code"),
                        f"code {code!r} is already defined by codes[{first_of_code[code]}]:"
                        " rename or remove one",
                    )
                )
            else:
                first_of_code[code] = i
        if isinstance(key, str):
            if key in code_of_key:
                users = (
                    f"by both {code_of_key[key]!r} and {name!r}"
                    if code_of_key[key] != name
                    else f"twice by {name!r}"
                )
                issues.append(
                    (
                        ("codes", i, "key"),
                        f"key {key!r} is used {users}: give each code its own key",
                    )
                )
            else:
                code_of_key[key] = name
    for i, entry in entries:
        clash = sorted(modifier_keys(field_of(entry, "modifier")) & set(code_of_key))
        if clash:
            starts = ", ".join(f"{k!r} starts {code_of_key[k]!r}" for k in clash)
            issues.append(
                (
                    ("codes", i, "modifier"),
                    f"modifier keys clash with code keys ({starts}): a modifier key must not"
                    " start another observation; change the modifier's keys or the code's",
                )
            )
    codes = set(first_of_code)
    if not codes:
        return issues  # which codes exist is unknown: the codes' own errors say why
    pedal = data.get("pedal_code")
    if isinstance(pedal, str) and pedal not in codes:
        issues.append((("pedal_code",), unknown_code(pedal, codes)))
    mappings = field_of(field_of(data.get("midi"), "hands_free"), "mappings")
    for j, mapping in enumerate(items(mappings)):
        code = field_of(mapping, "code")
        if isinstance(code, str) and code and code not in codes:
            loc = ("midi", "hands_free", "mappings", j, "code")
            issues.append((loc, "hands-free " + unknown_code(code, codes)))
    return issues
