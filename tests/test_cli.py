"""The command line: help everywhere, clear errors, exports."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from attune_tui.cli import main
from attune_tui.store import Store

COMMANDS = [
    [], ["session"], ["session", "start"], ["session", "continue"], ["sessions"], ["clients"],
    ["export"], ["presets"], ["midi"], ["midi", "ports"], ["analyze"], ["demo"], ["review"],
]  # fmt: skip


@pytest.mark.parametrize("words", COMMANDS, ids=lambda w: " ".join(w) or "attune")
def test_help_everywhere(words: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*words, "--help"])
    assert exited.value.code == 0
    assert "usage: attune" in capsys.readouterr().out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.startswith("attune 0.")


def test_bad_client_code_is_one_clear_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "attune_tui", "session", "start", "--client", "Jane Doe"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "contains a space" in result.stderr


def _filled(store: Store) -> str:
    live = store.start_session("C-014", "free-improvisation", [])
    live.add("tempo", 1.25, modifiers={"direction": "faster"})
    live.add("note", 3.5, kind="note", text="Anna's mother came in")
    live.end(None)
    live.close()
    return live.session.id


def test_sessions_clients_and_exports(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    session_id = _filled(store)
    assert main(["sessions"]) == 0
    assert session_id in capsys.readouterr().out
    assert main(["clients"]) == 0
    assert "C-014" in capsys.readouterr().out
    assert main(["export", session_id, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["version"] == 1 and doc["session"]["client"] == "C-014"
    assert [o["code"] for o in doc["observations"]] == ["tempo", "note"]
    assert main(["export", session_id, "--format", "csv", "--redact"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["time_s"] for r in rows] == ["1.250", "3.500"]
    assert {r["client"] for r in rows} == {"CLIENT"} and rows[1]["text"] == "[redacted]"
    assert all(session_id not in r["session"] for r in rows)


def test_unknown_session_and_format_are_clear(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "nope", "--format", "json"]) == 2
    assert "no session 'nope'" in capsys.readouterr().err
    assert main(["export", "--all", "--format", "json"]) == 2
    assert "--format csv" in capsys.readouterr().err


@pytest.mark.skipif(Path("/dev/snd/seq").exists(), reason="this machine has an ALSA sequencer")
def test_no_midi_system_is_one_line_without_library_noise() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "attune_tui", "midi", "ports"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr  # no "ALSA lib ..." line from C
    assert result.stderr.startswith("attune: No MIDI system")
