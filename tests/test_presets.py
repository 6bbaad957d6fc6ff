"""Presets: the shipped ones load; broken ones report file, field, line and a fix."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from attune_tui.errors import InputError
from attune_tui.model.preset import Preset
from attune_tui.presets import find_preset, load_all, load_preset

GOOD_CODE = """
[[codes]]
code = "tempo"
key = "t"
label = "Tempo"
category = "timing"
"""


def test_shipped_presets(presets: dict[str, Preset]) -> None:
    assert {
        "free-improvisation",
        "anger-to-calm",
        "breath-entrainment",
        "nordoff-robbins-indexing",
    } <= set(presets)
    free = presets["free-improvisation"]
    codes = {c.code for c in free.codes}
    assert {"tempo", "dynamics", "breath-phrasing", "affect", "attunement", "matching"} <= codes
    assert {"mirroring", "leading", "following", "turn-taking", "silence", "note"} <= codes
    affect = free.by_code()["affect"]
    assert affect.modifier is not None and affect.modifier.name == "to"


BROKEN = [
    # (name, toml text, field expected in the report, words of the message, line)
    ("syntax", 'title = "x\n' + GOOD_CODE, "", "fix the TOML syntax", 1),
    ("no codes", 'title = "x"\n', "codes", "is missing", None),
    ("missing title", GOOD_CODE, "title", "is missing", None),
    (
        "duplicate key",
        'title = "x"\n' + GOOD_CODE + GOOD_CODE.replace('"tempo"', '"pulse"'),
        "codes",
        "give each code its own key",
        3,
    ),
    (
        "reserved key",
        'title = "x"\n' + GOOD_CODE.replace('key = "t"', 'key = "escape"'),
        "codes[0].key (code 'tempo')",
        "reserved",
        5,
    ),
    (
        "bad kind",
        'title = "x"\n' + GOOD_CODE + 'kind = "toggle"\n',
        "codes[0].kind (code 'tempo')",
        "'point', 'state' or 'text'",
        8,
    ),
    (
        "typo field",
        'title = "x"\n' + GOOD_CODE + 'lable = "oops"\n',
        "codes[0].lable (code 'tempo')",
        "check its spelling",
        8,
    ),
    (
        "modifier both",
        'title = "x"\n'
        + GOOD_CODE
        + 'modifier = { name = "d", choices = ["a"], scale = [1, 5] }\n',
        "codes[0].modifier",
        "not both",
        8,
    ),
    (
        "lag out of range",
        'title = "x"\nreaction_lag_ms = 5000\n' + GOOD_CODE,
        "reaction_lag_ms",
        "less than or equal to 2000",
        2,
    ),
    (
        "group on point",
        'title = "x"\n' + GOOD_CODE + 'group = "g"\n',
        "codes[0] (code 'tempo')",
        'set kind = "state"',
        3,
    ),
    (
        "pedal code unknown",
        'title = "x"\npedal_code = "nope"\n' + GOOD_CODE,
        "pedal_code",
        "is not one of the codes",
        2,
    ),
    (
        "modifier key clashes",
        'title = "x"\n'
        + GOOD_CODE
        + 'modifier = { name = "d", choices = [{ key = "t", label = "up" }] }\n',
        "codes",
        "must not start another observation",
        3,
    ),
    (
        "bad code name",
        'title = "x"\n' + GOOD_CODE.replace('"tempo"', '"Tempo Change"'),
        "code",
        "pattern",
        4,
    ),
]


@pytest.mark.parametrize(
    ("name", "text", "field", "words", "line"), BROKEN, ids=[b[0] for b in BROKEN]
)
def test_broken_presets_report_field_line_and_fix(
    tmp_path: Path, name: str, text: str, field: str, words: str, line: int | None
) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_preset(path)
    problems = caught.value.problems
    assert all(p.path == path for p in problems)
    match = [p for p in problems if words in p.message]
    assert match, f"{name}: {[str(p) for p in problems]}"
    assert field in match[0].field
    if line is not None:
        assert match[0].line == line
    assert str(path) in str(caught.value)


def test_every_problem_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "two.toml"
    path.write_text(GOOD_CODE.replace('key = "t"', 'key = "escape"') + "bogus = 1\n")
    with pytest.raises(InputError) as caught:
        load_preset(path)
    fields = {p.field.split(" ")[0] for p in caught.value.problems}
    assert {"title", "codes[0].key", "codes[0].bogus"} <= fields


def test_user_preset_overrides_and_adds(tmp_path: Path) -> None:
    user = tmp_path / "user"
    user.mkdir()
    (user / "free-improvisation.toml").write_text('title = "Mine"\n' + GOOD_CODE)
    (user / "drums.toml").write_text('title = "Drums"\n' + GOOD_CODE)
    (user / "bad.toml").write_text("title = \n")
    presets, failures = load_all(user)
    assert presets["free-improvisation"].title == "Mine"
    assert "drums" in presets and "anger-to-calm" in presets
    assert len(failures) == 1 and "bad.toml" in str(failures[0])
    with pytest.raises(InputError, match="known presets"):
        find_preset("nope", user)


def test_cli_check_prints_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('title = "x"\n' + GOOD_CODE.replace('key = "t"', 'key = "escape"'))
    result = subprocess.run(
        [sys.executable, "-m", "attune_tui", "presets", "check", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"{path}:5: codes[0].key (code 'tempo'): key 'escape' is reserved" in result.stderr
    ok = subprocess.run(
        [sys.executable, "-m", "attune_tui", "presets", "check", "presets/anger-to-calm.toml"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0 and "ok" in ok.stdout
