"""Presets: the shipped ones load; broken ones report file, field, line and a fix."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

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
    (
        "toml duplicate key",
        'title = "x"\ntitle = "y"\n' + GOOD_CODE,
        "",
        "'title' is set twice, column 12: this key is already set above",
        2,
    ),
    ("no codes", 'title = "x"\n', "codes", "is missing", None),
    ("missing title", GOOD_CODE, "title", "is missing", None),
    (
        "duplicate key",
        'title = "x"\n' + GOOD_CODE + GOOD_CODE.replace('"tempo"', '"pulse"'),
        "codes[1].key (code 'pulse')",
        "key 't' is used by both 'tempo' and 'pulse': give each code its own key",
        11,
    ),
    (
        "duplicate code",
        'title = "x"\n' + GOOD_CODE + GOOD_CODE.replace('"t"', '"u"'),
        "codes[1].code (code 'tempo')",
        "code 'tempo' is already defined by codes[0]",
        10,
    ),
    (
        "reserved key",
        'title = "x"\n' + GOOD_CODE.replace('key = "t"', 'key = "escape"'),
        "codes[0].key (code 'tempo')",
        "reserved",
        5,
    ),
    (
        "the pause key",
        'title = "x"\n' + GOOD_CODE.replace('key = "t"', 'key = "f5"'),
        "codes[0].key (code 'tempo')",
        "key 'f5' is reserved by the live screen",
        5,
    ),
    (
        "upper-case key",
        'title = "x"\n' + GOOD_CODE.replace('key = "t"', 'key = "T"'),
        "codes[0].key (code 'tempo')",
        "f1-f12: use 't'",
        5,
    ),
    (
        "no such function key",
        'title = "x"\n' + GOOD_CODE.replace('key = "t"', 'key = "f13"'),
        "codes[0].key (code 'tempo')",
        "is not a single lower-case letter",
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
        "give either 'choices' or 'scale', not both",
        8,
    ),
    (
        "modifier empty choices",
        'title = "x"\n' + GOOD_CODE + 'modifier = { name = "direction", choices = [] }\n',
        "codes[0].modifier.choices (code 'tempo')",
        "is empty: list at least one choice",
        8,
    ),
    (
        "modifier neither",
        'title = "x"\n' + GOOD_CODE + 'modifier = { name = "direction" }\n',
        "codes[0].modifier (code 'tempo')",
        "has neither 'choices' nor 'scale'",
        8,
    ),
    (
        "modifier without name",
        'title = "x"\n' + GOOD_CODE + 'modifier = { choices = ["a", "b"] }\n',
        "codes[0].modifier.name",
        "is missing: add it",
        8,
    ),
    (
        "scale backwards",
        'title = "x"\n' + GOOD_CODE + 'modifier = { name = "d", scale = [5, 1] }\n',
        "codes[0].modifier.scale",
        "[5, 1] runs downwards: put the low end first, [1, 5]",
        8,
    ),
    (
        "scale of one value",
        'title = "x"\n' + GOOD_CODE + 'modifier = { name = "d", scale = [3, 3] }\n',
        "codes[0].modifier.scale",
        "has a single value",
        8,
    ),
    (
        "scale past the digits",
        'title = "x"\n' + GOOD_CODE + 'modifier = { name = "d", scale = [1, 12] }\n',
        "codes[0].modifier.scale",
        "beyond the digit keys 0-9",
        8,
    ),
    (
        "scale of three",
        'title = "x"\n' + GOOD_CODE + 'modifier = { name = "d", scale = [1, 3, 5] }\n',
        "codes[0].modifier.scale",
        "must be two whole numbers [low, high]",
        8,
    ),
    (
        "repeated choice",
        'title = "x"\n' + GOOD_CODE + 'modifier = { name = "d", choices = ["up", "up"] }\n',
        "codes[0].modifier.choices",
        "choice 'up' is listed twice",
        8,
    ),
    (
        "choices share a key",
        'title = "x"\n'
        + GOOD_CODE
        + 'modifier = { name = "d", choices = ["up", { key = "1", label = "down" }] }\n',
        "codes[0].modifier.choices",
        "choices 'up' and 'down' both have key '1'",
        8,
    ),
    (
        "reserved choice key",
        'title = "x"\n'
        + GOOD_CODE
        + 'modifier = { name = "d", choices = [{ key = "escape", label = "up" }] }\n',
        "codes[0].modifier.choices[0].key",
        "key 'escape' is reserved",
        8,
    ),
    (
        "ten plain choices",
        'title = "x"\n'
        + GOOD_CODE
        + f'modifier = {{ name = "d", choices = {[str(i) for i in range(10)]} }}\n'.replace(
            "'", '"'
        ),
        "codes[0].modifier.choices",
        "plain choices are keyed 1-9 by position",
        8,
    ),
    (
        "empty label",
        'title = "x"\n' + GOOD_CODE.replace('label = "Tempo"', 'label = ""'),
        "codes[0].label",
        "is empty",
        6,
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
        "codes[0].group (code 'tempo')",
        'set kind = "state"',
        8,
    ),
    (
        "pedal code unknown",
        'title = "x"\npedal_code = "nope"\n' + GOOD_CODE,
        "pedal_code",
        "is not one of the codes",
        2,
    ),
    (
        "hands-free code unknown",
        'title = "x"\n'
        + GOOD_CODE
        + '\n[[midi.hands_free.mappings]]\nkind = "cc"\nnumber = 67\ncode = "tempi"\n',
        "midi.hands_free.mappings[0].code",
        "'tempi' is not one of the codes (did you mean 'tempo'?)",
        12,
    ),
    (
        "modifier key clashes",
        'title = "x"\n'
        + GOOD_CODE
        + 'modifier = { name = "d", choices = [{ key = "t", label = "up" }] }\n',
        "codes[0].modifier (code 'tempo')",
        "('t' starts 'tempo'): a modifier key must not start another observation",
        8,
    ),
    (
        "bad code name",
        'title = "x"\n' + GOOD_CODE.replace('"tempo"', '"Tempo Change"'),
        "codes[0].code",
        "must start with a lower-case letter",
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


MANY_PROBLEMS = """title = "Breath entrainment"
reaction_lag_ms = 5000
pedal_code = "breth"

[[codes]]
code = "breath"
key = "escape"
label = "Breath (inhale)"
category = "breath"

[[codes]]
code = "tempo-change"
key = "t"
label = "Tempo change"
category = "therapist move"
modifier = { name = "direction", choices = [] }

[[codes]]
code = "eye-contact"
key = "e"
label = "Eye contact"
category = "client"
group = "gaze"

[[codes]]
code = "vocalisation"
key = "e"
label = "Vocalisation"
category = "client"
modifier = { name = "to", choices = ["aware", "calm", "aware"] }

[[codes]]
code = "tempo-change"
key = "n"
lable = "Note"
category = "note"

[[midi.hands_free.mappings]]
kind = "cc"
number = 67
code = "breathe"
"""

MANY_EXPECTED = [
    # (line, field, words): field errors and checks across fields, all from one run
    (2, "reaction_lag_ms", "is 5000, but should be less than or equal to 2000"),
    (3, "pedal_code", "'breth' is not one of the codes (did you mean 'breath'?)"),
    (7, "codes[0].key (code 'breath')", "key 'escape' is reserved"),
    (16, "codes[1].modifier.choices (code 'tempo-change')", "is empty: list at least one"),
    (23, "codes[2].group (code 'eye-contact')", 'set kind = "state"'),
    (27, "codes[3].key (code 'vocalisation')", "used by both 'eye-contact' and 'vocalisation'"),
    (30, "codes[3].modifier.choices (code 'vocalisation')", "choice 'aware' is listed twice"),
    (33, "codes[4].code (code 'tempo-change')", "already defined by codes[1]"),
    (32, "codes[4].label (code 'tempo-change')", "is missing: add it"),
    (35, "codes[4].lable (code 'tempo-change')", "check its spelling"),
    (41, "midi.hands_free.mappings[0].code", "'breathe' is not one of the codes"),
]


def test_every_kind_of_problem_reported_in_one_run(tmp_path: Path) -> None:
    """Cross-field checks used to wait until every field was right: fixing took rounds."""
    path = tmp_path / "many.toml"
    path.write_text(MANY_PROBLEMS, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_preset(path)
    found = [(p.line, p.field, p.message) for p in caught.value.problems]
    for line, field, words in MANY_EXPECTED:
        assert any((n, f) == (line, field) and words in m for n, f, m in found), (field, found)
    assert len(found) == len(MANY_EXPECTED)
    lines = [line or 0 for line, _, _ in found]
    assert lines == sorted(lines), "listed in file order"


def test_cli_check_lists_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "many.toml"
    path.write_text(MANY_PROBLEMS, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "attune_tui", "presets", "check", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    for line, field, words in MANY_EXPECTED:
        assert f"{path}:{line}: {field}: " in result.stderr, field
        assert words in result.stderr


def test_model_reports_cross_field_and_field_errors_together() -> None:
    """Built in code rather than from a file, a preset is held to the same checks."""
    code = {"code": "tempo", "key": "escape", "label": "Tempo", "category": "timing"}
    with pytest.raises(ValidationError) as caught:
        Preset.model_validate(
            {"name": "p", "title": "x", "codes": [code, code], "pedal_code": "nope"}
        )
    locs = {e["loc"] for e in caught.value.errors()}
    assert {
        ("codes", 0, "key"),
        ("codes", 1, "key"),
        ("codes", 1, "code"),
        ("pedal_code",),
    } <= locs


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
