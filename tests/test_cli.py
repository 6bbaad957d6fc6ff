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


def test_a_session_left_open_by_a_crash_is_listed_as_not_closed(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    live = store.start_session("C-014", "free-improvisation", [])
    live.add("tempo", 1.0)
    live.add("note", 90.0, text="still playing")
    live.close()  # as a crash leaves it: still live, its lock released by the kernel
    assert main(["sessions"]) == 0
    out = capsys.readouterr().out
    (row,) = [line for line in out.splitlines() if live.session.id in line]
    assert "not closed" in row and "open `attune` to recover it" in out
    assert row.split()[-1] == "1.5"  # minutes its journal holds, as recovery will keep them


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


BAD_INPUTS = [
    (["session", "start", "--client", "C-015", "--replay", "{tmp}/nope.mid"], "no such file"),
    (["session", "start", "--client", "C-015", "--replay", "{tmp}"], "is a folder"),
    (["session", "start", "--client", "C-015", "--replay", "{tmp}/cut.mid"], "ends early"),
    (["session", "start", "--client", "C-015", "--replay", "{tmp}/noise.mid"], "not a readable"),
    (["demo", "--speed", "0"], "give a replay speed above 0"),
    (["demo", "--speed", "nan"], "give a replay speed above 0"),
    (["review", "nosuch"], "no session 'nosuch'"),
    (["session", "continue", "nosuch"], "no session 'nosuch'"),
    (["analyze", "{tmp}"], "is a folder"),
    (["analyze", "{tmp}/cut.mid"], "ends early"),
]


@pytest.mark.parametrize(("words", "said"), BAD_INPUTS, ids=lambda x: str(x)[:40])
def test_bad_input_is_refused_before_any_screen_opens(
    store: Store, tmp_path: Path, words: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """These used to open the app and crash in it (exit 0) or leave a session open."""
    (tmp_path / "cut.mid").write_bytes(b"MThd\x00\x00\x00\x06\x00\x01")
    (tmp_path / "noise.mid").write_bytes(b"RIFF" + bytes(range(60)))
    assert main([w.format(tmp=tmp_path) for w in words]) == 2
    err = capsys.readouterr().err
    assert err.startswith("attune: ") and err.count("\n") == 1 and said in err, err
    assert store.sessions() == ([], [])  # nothing started


def test_export_warns_of_skipped_damaged_records(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    session_id = _filled(store)
    journal = store.folder(session_id) / "journal.jsonl"
    lines = journal.read_bytes().split(b"\n")
    journal.write_bytes(b"\n".join([lines[0], b"GARBAGE", *lines[1:]]) + b'{"op":"add","obs":{"id')
    assert main(["export", session_id, "--format", "csv"]) == 0
    out = capsys.readouterr()
    assert len(list(csv.DictReader(io.StringIO(out.out)))) == 2  # the readable rows, all of them
    warnings = [line for line in out.err.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 2, out.err
    assert (
        "journal.jsonl:2: unreadable line" in warnings[0] and "incomplete last line" in warnings[1]
    )
    assert main(["export", "--all", "--format", "csv"]) == 0
    assert capsys.readouterr().err.count("warning: ") == 2
    assert main(["export", session_id, "--all", "--format", "csv"]) == 2
    assert "not both" in capsys.readouterr().err


def test_a_damaged_client_list_does_not_stop_a_session(store: Store) -> None:
    (store.root / "clients.json").write_text('{"_default": {"1": ', encoding="utf-8")
    live = store.start_session("C-015", "free-improvisation", [])
    live.add("tempo", 1.0)
    live.end(None)
    live.close()
    assert store.load(live.session.id).session.client == "C-015"
    assert (store.root / "clients.json").read_text(encoding="utf-8") == '{"_default": {"1": '


def test_adding_a_known_client_says_so(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clients", "C-015"]) == 0
    assert main(["clients", "C-015"]) == 0
    assert capsys.readouterr().out.splitlines() == ["added C-015", "C-015 is already a client"]


def test_export_into_a_missing_folder_says_which(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session_id = _filled(store)
    out = tmp_path / "nowhere" / "x.csv"
    assert main(["export", session_id, "--format", "csv", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"there is no folder {out.parent}; create it first" in err
    assert "previous version" not in err
