"""The command line: help everywhere, clear errors, exports."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from attune_tui.cli import build_parser, main
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
    other = store.start_session("C-015", "free-improvisation", [])
    other.end(None)
    other.close()
    assert main(["sessions", "--client", "C-015"]) == 0
    assert "not closed" not in capsys.readouterr().out  # only C-014's session is open


def test_clients_says_when_there_are_none(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clients"]) == 0
    assert capsys.readouterr().out == "no clients yet: add one with `attune clients add C-001`\n"


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
    (["--backend", "rtmidi/NO_SUCH_API"], "API 'NO_SUCH_API' is not available"),
    (["session", "start", "--client", "C-015", "--split", "C4", "--client-channel", "3"],
     "choose one way to tell the players apart"),
    (["session", "start", "--client", "C-015", "--client-channel", "17", "--therapist-channel",
      "2"], "numbered 1-16"),
    (["session", "start", "--client", "C-015", "--client-channel", "0", "--therapist-channel",
      "2"], "numbered 1-16"),
    (["session", "start", "--client", "C-015", "--client-channel", "2"], "give both"),
    (["session", "start", "--client", "C-015", "--lower", "client"], "give --split KEY too"),
    (["session", "start", "--client", "C-015", "--split", "\u00b2"], "is not a key"),
    (["session", "start", "--client", "C-015", "--client-port", "Pads", "--therapist-port",
      "pads"], "different inputs"),
    (["session", "start", "--client", "C-015", "--backend", "rtmidi/NO_SUCH_API"],
     "API 'NO_SUCH_API' is not available"),
    (["session", "start", "--client", "C-015", "--client-port", "Pads", "--therapist-port",
      "Stage"], "--client-port and --therapist-port name inputs: give them with --midi"),
    (["session", "start", "--client", "C-015", "--split", "H2"], "'H2' is not a key"),
    (["session", "start", "--client", "C-015", "--therapist-port", "pads"], "give both"),
]  # fmt: skip


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


def test_clients_add_as_the_readme_writes_it(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    """`attune clients add C-015` used to fail: "unrecognized arguments"."""
    assert main(["clients", "add", "c-015"]) == 0
    assert main(["clients", "C-016"]) == 0  # the short form still adds
    assert main(["clients"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == ["added C-015", "added C-016"]
    assert [line.split()[0] for line in out[2:]] == ["C-015", "C-016"]


@pytest.mark.parametrize(
    ("words", "said"),
    [
        (["clients", "add"], "clients add: give the client code to add"),
        (["clients", "C-015", "C-016"], "add one client at a time"),
        (["clients", "add", "Jane"], "looks like a name"),
    ],
)
def test_clients_add_without_a_code_says_how(
    store: Store, words: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`attune clients add` used to say "client code 'add' looks like a name"."""
    assert main(words) == 2
    err = capsys.readouterr().err
    assert err.startswith("attune: ") and err.count("\n") == 1 and said in err, err
    assert "'add'" not in err and store.clients() == []


def test_an_unknown_preset_is_refused_before_the_screen_opens(
    store: Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """It used to open the app, show a toast and exit 0."""
    opened: list[object] = []

    def run_app(*args: object, **kwargs: object) -> int:
        opened.append(args)
        return 0

    monkeypatch.setattr("attune_tui.ui.app.run_app", run_app)
    assert main(["session", "start", "--client", "C-015", "--preset", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("attune: ") and err.count("\n") == 1, err
    assert "nope: preset: no preset of that name; known presets: anger-to-calm," in err
    assert not opened and store.sessions() == ([], [])
    assert main(["session", "start", "--client", "C-015"]) == 0  # a known preset still opens
    assert len(opened) == 1


def test_sessions_of_a_client_without_any(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    """It used to say "no sessions yet: start one with ..." whatever the client."""
    _filled(store)
    store.add_client("C-015")
    assert main(["sessions", "--client", "c-015"]) == 0
    assert capsys.readouterr().out == "no sessions for C-015\n"
    assert main(["sessions", "--client", "C-999"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("attune: no sessions for C-999: C-999 is not a known client"), err
    assert "C-014, C-015" in err and "`attune clients`" in err and err.count("\n") == 1
    assert main(["sessions", "--client", "Jane Doe"]) == 2
    assert "--client: client code 'Jane Doe' contains a space" in capsys.readouterr().err


def test_binary_export_is_not_dumped_on_a_terminal(
    store: Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--format mid` without --out used to write MIDI bytes onto the terminal."""
    session_id = _filled(store)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert main(["export", session_id, "--format", "mid"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("attune: export: --format mid") and err.count("\n") == 1, err
    assert "--out FILE" in err
    assert main(["export", session_id, "--format", "md"]) == 0  # text may go to a terminal
    assert "# Session note" in capsys.readouterr().out


def test_export_to_a_file_others_can_read_warns(store: Store, tmp_path: Path) -> None:
    """A shell redirect makes the file with the shell's mode, not attune's 0600."""
    session_id = _filled(store)
    command = [sys.executable, "-m", "attune_tui", "export", session_id, "--format", "md"]
    shared, private = tmp_path / "shared.md", tmp_path / "private.md"
    for path, mode in ((shared, 0o644), (private, 0o600)):
        path.touch()
        path.chmod(mode)
        with path.open("wb") as out:
            result = subprocess.run(command, stdout=out, stderr=subprocess.PIPE, check=False)
        assert result.returncode == 0 and b"# Session note" in path.read_bytes()
        warned = result.stderr.decode()
        if path is shared:
            assert "readable by others (mode 0644)" in warned and "--out FILE" in warned
        else:
            assert warned == ""


@pytest.mark.parametrize(
    ("words", "backend"),
    [
        (
            ["--backend", "rtmidi/UNIX_JACK", "session", "start", "--client", "C-1"],
            "rtmidi/UNIX_JACK",
        ),
        (
            ["session", "start", "--client", "C-1", "--backend", "rtmidi/UNIX_JACK"],
            "rtmidi/UNIX_JACK",
        ),
        (["--backend", "rtmidi/UNIX_JACK", "midi", "ports"], "rtmidi/UNIX_JACK"),
        (["session", "continue", "X"], None),
    ],
)
def test_a_backend_given_before_the_command_is_kept(words: list[str], backend: str | None) -> None:
    assert build_parser().parse_args(words).backend == backend
