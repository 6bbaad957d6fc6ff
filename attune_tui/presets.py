"""Loading presets: built-in TOML files in `presets/`, then the user's, which add or override.

Every problem in a file is reported at once with its field, line and a fix, so that a therapist
editing a preset can correct it in one pass.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from attune_tui.errors import InputError, Problem
from attune_tui.model.preset import Preset

BUILTIN_DIR = Path(__file__).parent / "builtin_presets"
"""The shipped presets: a link to the repository's `presets/`, copied into wheels."""


def builtin_dir() -> Path:
    """Where the shipped presets are; `ATTUNE_PRESETS_DIR` points elsewhere (tests, packaging)."""
    return Path(os.environ.get("ATTUNE_PRESETS_DIR", BUILTIN_DIR))


def load_preset(path: Path) -> Preset:
    """Read and validate one preset file, or raise InputError listing every problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError([Problem(path, f"cannot read the file ({exc.strerror})")]) from None
    except UnicodeDecodeError:
        raise InputError([Problem(path, "is not UTF-8 text: save it as UTF-8")]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError([_toml_problem(path, text, str(exc))]) from None
    data.setdefault("name", path.stem)
    try:
        return Preset.model_validate(data)
    except ValidationError as exc:
        raise InputError(_problems(path, text, data, exc)) from None


_TOML_FIXES = (
    ("Cannot overwrite a value", "this key is already set above in the same table: keep one"),
    ("Cannot declare", "this table is already declared above: merge the two into one"),
    ("Duplicate inline table key", "remove one of the two"),
)


def _toml_problem(path: Path, text: str, message: str) -> Problem:
    """A syntax error stops the parser, so say that nothing after it could be checked."""
    reason, where, line = message, "", None
    if match := re.search(r" \(at line (\d+), column (\d+)\)$", message):
        reason, where, line = message[: match.start()], f", column {match[2]}", int(match[1])
    elif message.endswith(" (at end of document)"):
        reason, where = message.removesuffix(" (at end of document)"), ", at the end of the file"
        line = len(text.splitlines()) or None
    fix = next(
        (f for start, f in _TOML_FIXES if reason.startswith(start)),
        "fix the TOML syntax there (quotes around text, '=' between key and value,"
        " closing brackets)",
    )
    lines = text.splitlines()
    key = re.match(r"\s*([\w.\"'-]+)\s*=", lines[line - 1]) if line and line <= len(lines) else None
    if reason.startswith("Cannot overwrite a value") and key:
        reason = f"{key[1]!r} is set twice"
    return Problem(
        path,
        f"not valid TOML, so nothing else in the file was checked: {reason}{where}: {fix}",
        line=line,
    )


_PATTERN_FIXES = {
    "code": "must start with a lower-case letter, then only lower-case letters, digits, '-'"
    " or '_', e.g. 'tempo-change'",
    "name": "the preset's name (its 'name', or else the file name) must be lower-case letters,"
    " digits and '-', e.g. 'breath-work': rename the file or set name = \"...\"",
}


def _problems(path: Path, text: str, data: dict[str, Any], exc: ValidationError) -> list[Problem]:
    """One problem per error, in file order, so a therapist can work down the file."""
    problems = []
    errors = exc.errors()
    locs = [tuple(e["loc"]) for e in errors]
    for err in errors:
        loc: list[int | str] = [
            p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))
        ]
        if err["type"] == "too_short" and any(o[: len(loc)] == tuple(loc) != o for o in locs):
            continue  # "no items left" only repeats the errors of the items themselves
        field, line = _field_name(loc, data), _locate(text, loc)
        problems.append(Problem(path, _message(err, loc), field=field, line=line))
    return sorted(problems, key=lambda p: p.line or 0)


def _message(err: ErrorDetails, loc: list[int | str]) -> str:
    """Pydantic's wording, turned into what is wrong with this field and what to do."""
    kind, message = err["type"], err["msg"].removeprefix("Value error, ")
    if kind == "missing":
        return "is missing: add it"
    if kind == "extra_forbidden":
        return "is not a preset field: check its spelling or remove it"
    if kind == "string_too_short":
        return "is empty: write something here"
    if kind == "too_short" and loc == ["codes"]:
        return "has no entries: add at least one [[codes]] table"
    if kind == "string_pattern_mismatch" and loc and loc[-1] in _PATTERN_FIXES:
        return f"is {_shown(err['input'])}, but {_PATTERN_FIXES[str(loc[-1])]}"
    if match := re.match(r"(Input|String|List|Tuple) should ", message):
        return f"is {_shown(err['input'])}, but {message[len(match[1]) + 1 :]}"
    return message


def _shown(value: object) -> str:
    """The wrong value, cut short: a whole table would swamp the line."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _field_name(loc: list[int | str], data: dict[str, Any]) -> str:
    """`codes[2].key (code 'tempo')`: the path plus the code's name, which people recognise."""
    parts: list[str] = []
    for part in loc:
        parts.append(f"[{part}]" if isinstance(part, int) else ("." if parts else "") + part)
    name = "".join(parts)
    if len(loc) >= 2 and loc[0] == "codes" and isinstance(loc[1], int):
        codes = data.get("codes")
        if isinstance(codes, list) and loc[1] < len(codes) and isinstance(codes[loc[1]], dict):
            code = codes[loc[1]].get("code")
            if isinstance(code, str):
                name += f" (code {code!r})"
    return name


_ARRAY_TABLE = re.compile(r"^\s*\[\[\s*([\w.-]+)\s*\]\]\s*(#.*)?$")
_ANY_TABLE = re.compile(r"^\s*\[\[?\s*[\w.\"'-]+\s*\]\]?\s*(#.*)?$")


def _locate(text: str, loc: list[int | str]) -> int | None:
    """Best-effort line of a field: tomllib keeps no positions, so search the text for it.

    An index into an array of tables (`codes[2]`, `midi.hands_free.mappings[0]`) narrows the
    search to that `[[...]]` section, so a key is found in the right entry.
    """
    lines = text.splitlines()
    start, end = 0, len(lines)
    keys = [p for p in loc if isinstance(p, str)]
    first = next((i for i, p in enumerate(loc) if isinstance(p, int)), None)
    if first:
        table, index = ".".join(str(p) for p in loc[:first]), loc[first]
        headers = [
            i for i, ln in enumerate(lines) if (m := _ARRAY_TABLE.match(ln)) and m[1] == table
        ]
        if isinstance(index, int) and index < len(headers):
            start = headers[index]
            nxt = [i for i in range(start + 1, len(lines)) if _ANY_TABLE.match(lines[i])]
            end = nxt[0] if nxt else len(lines)
            # the entry's own key: deeper ones sit on its line (inline tables) or may
            # repeat a name of the entry itself ('key' of a choice, 'key' of the code)
            keys = [p for p in loc[first + 1 :] if isinstance(p, str)][:1]
            if not keys:
                return start + 1
    for key in reversed(keys):
        pattern = re.compile(rf"^\s*(\[+\s*)?([\w.-]*\.)?{re.escape(key)}\s*(=|\]|\.)")
        for i in range(start, end):
            if pattern.match(lines[i]):
                return i + 1
    return start + 1 if start else None


def preset_dirs(user_dir: Path | None) -> list[Path]:
    """Built-in first, then the user's folder, so a user preset of the same name wins."""
    dirs = [builtin_dir()]
    if user_dir is not None:
        dirs.append(user_dir)
    return dirs


def load_all(user_dir: Path | None) -> tuple[dict[str, Preset], list[InputError]]:
    """All presets by name, plus the files that failed (reported, never fatal)."""
    presets: dict[str, Preset] = {}
    failures: list[InputError] = []
    for folder in preset_dirs(user_dir):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                preset = load_preset(path)
            except InputError as exc:
                failures.append(exc)
                continue
            presets[preset.name] = preset
    return presets, failures


def find_preset(name: str, user_dir: Path | None) -> Preset:
    """The preset called `name`, or a clear error listing what there is (and broken files)."""
    presets, failures = load_all(user_dir)
    if name in presets:
        return presets[name]
    broken = [f for f in failures if any(p.path.stem == name for p in f.problems)]
    if broken:
        raise broken[0]
    known = ", ".join(sorted(presets)) or "none"
    raise InputError(
        [Problem(Path(name), f"no preset of that name; known presets: {known}", field="preset")]
    )
