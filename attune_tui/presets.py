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
        line = _toml_error_line(str(exc))
        fix = "fix the TOML syntax there (quotes around text, '=' between key and value)"
        raise InputError([Problem(path, f"{exc}: {fix}", line=line)]) from None
    data.setdefault("name", path.stem)
    try:
        return Preset.model_validate(data)
    except ValidationError as exc:
        raise InputError(_problems(path, text, data, exc)) from None


def _toml_error_line(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def _problems(path: Path, text: str, data: dict[str, Any], exc: ValidationError) -> list[Problem]:
    problems = []
    errors = exc.errors()
    locs = [tuple(e["loc"]) for e in errors]
    for err in errors:
        loc: list[int | str] = [
            p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))
        ]
        if err["type"] == "too_short" and any(o[: len(loc)] == tuple(loc) != o for o in locs):
            continue  # "no items left" only repeats the errors of the items themselves
        field = _field_name(loc, data)
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            message = "is missing: add it"
        elif err["type"] == "extra_forbidden":
            message = "is not a preset field: check its spelling or remove it"
        for name in ("pedal_code", "midi.hands_free"):
            if not loc and name in message:  # a check across fields: point at the field
                loc = list(name.split("."))
                field = name
        problems.append(Problem(path, message, field=field, line=_locate(text, loc)))
    return problems


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


def _locate(text: str, loc: list[int | str]) -> int | None:
    """Best-effort line of a field: tomllib keeps no positions, so search the text for it."""
    lines = text.splitlines()
    start, end = 0, len(lines)
    keys = [p for p in loc if isinstance(p, str)]
    if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
        headers = [i for i, ln in enumerate(lines) if ln.strip() == f"[[{loc[0]}]]"]
        if loc[1] < len(headers):
            start = headers[loc[1]]
            nxt = [i for i, ln in enumerate(lines) if i > start and ln.lstrip().startswith("[[")]
            end = nxt[0] if nxt else len(lines)
            keys = [p for p in loc[2:] if isinstance(p, str)]
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
