"""The `attune` command: the app, and scripted access to sessions, presets, MIDI and exports.

Textual is imported only by the commands that open a screen, so the others start fast. Every
error a person can cause is an `AttuneError` and is printed as one clear message (exit 2).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from attune_tui import __version__
from attune_tui.errors import AttuneError

if TYPE_CHECKING:
    from attune_tui.midi.roles import RoleSettings
    from attune_tui.model.preset import Preset
    from attune_tui.store import Store

Handler = Callable[[argparse.Namespace], int]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    from attune_tui.midi.ports import MidiUnavailable

    try:
        return handler(args)
    except (AttuneError, MidiUnavailable) as exc:
        for line in str(exc).splitlines() or [""]:  # one prefix per problem, for grep
            print(f"attune: {line}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        type=Path,
        default=argparse.SUPPRESS,
        help="store folder (default: the user data folder; env ATTUNE_DATA_DIR)",
    )
    parser = argparse.ArgumentParser(
        prog="attune",
        description="Live observation logging and MIDI attunement analysis for music therapy.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"attune {__version__}")
    parser.add_argument(
        "--backend", help="mido backend for sessions started here, e.g. rtmidi/UNIX_JACK"
    )
    parser.set_defaults(handler=_home)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    session = sub.add_parser("session", help="start a live session", parents=[common])
    session_sub = session.add_subparsers(title="commands", metavar="COMMAND", required=True)
    start = session_sub.add_parser("start", help="start a live session", parents=[common])
    start.add_argument("--client", required=True, help="pseudonymous client code, e.g. C-014")
    start.add_argument("--preset", default="free-improvisation", help="preset name")
    _midi_options(start)
    _roles_options(start)
    start.set_defaults(handler=_session_start)
    cont = session_sub.add_parser("continue", help="continue a stored session", parents=[common])
    cont.add_argument("session", help="session id (see `attune sessions`)")
    _midi_options(cont)
    cont.set_defaults(handler=_session_continue)

    sessions = sub.add_parser("sessions", help="list sessions", parents=[common])
    sessions.add_argument("--client", help="only this client's sessions")
    sessions.set_defaults(handler=_sessions)

    clients = sub.add_parser(
        "clients",
        help="list clients, or add one",
        description="`attune clients` lists clients; `attune clients add C-015` adds one"
        " (`attune clients C-015` does the same).",
        parents=[common],
    )
    clients.add_argument(
        "words", nargs="*", metavar="add CODE", help="add the client code CODE, e.g. add C-015"
    )
    clients.set_defaults(handler=_clients)

    review = sub.add_parser("review", help="open the review screen of a session", parents=[common])
    review.add_argument("session", help="session id")
    review.set_defaults(handler=_review)

    export = sub.add_parser("export", help="export a session", parents=[common])
    export.add_argument("session", nargs="?", help="session id (or --all)")
    export.add_argument("--all", action="store_true", help="all sessions in one tidy table")
    export.add_argument(
        "--format",
        default="json",
        help="json (session, observations, analysis), csv or tsv (observations),"
        " moments-csv or moments-tsv (attunement moments), md (session-note draft),"
        " html (printable report), eaf (ELAN), mid (MIDI capture); --all: csv or tsv",
    )
    export.add_argument(
        "--redact",
        action="store_true",
        help="drop free text; replace the client code (--all: CLIENT-1, CLIENT-2, ... one per"
        " client) and the session id; keep only the year",
    )
    export.add_argument(
        "--out",
        type=Path,
        help="output file, created owner-only (0600); default: standard output, where a shell"
        " redirect creates the file with the shell's mode (often 0644, readable by others)",
    )
    export.set_defaults(handler=_export)

    presets = sub.add_parser(
        "presets", help="list presets, or check a preset file", parents=[common]
    )
    presets.add_argument("check", nargs="?", choices=["check"], help="check FILE")
    presets.add_argument("file", nargs="?", type=Path, help="preset file to check")
    presets.set_defaults(handler=_presets)

    midi = sub.add_parser("midi", help="MIDI ports", parents=[common])
    midi_sub = midi.add_subparsers(title="commands", metavar="COMMAND", required=True)
    ports = midi_sub.add_parser("ports", help="list MIDI inputs", parents=[common])
    ports.add_argument(
        "--backend", default=argparse.SUPPRESS, help="e.g. rtmidi/UNIX_JACK (env MIDO_BACKEND)"
    )
    ports.set_defaults(handler=_midi_ports)

    analyze = sub.add_parser("analyze", help="analyse a MIDI file offline", parents=[common])
    analyze.add_argument("file", type=Path, help="Standard MIDI File")
    analyze.add_argument("--preset", default="free-improvisation", help="preset name")
    analyze.add_argument("--json", action="store_true", help="print the versioned JSON")
    _roles_options(analyze)
    analyze.set_defaults(handler=_analyze)

    demo = sub.add_parser("demo", help="a live session replaying a bundled duet", parents=[common])
    demo.add_argument("--speed", type=float, default=1.0, help="replay speed")
    demo.set_defaults(handler=_demo)
    return parser


def _midi_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--midi",
        action="append",
        default=[],
        metavar="PORT",
        help="MIDI input: its name as `attune midi ports` lists it, or a part only it contains",
    )
    # SUPPRESS: `attune --backend X session start` keeps X when the subcommand names none
    parser.add_argument(
        "--backend", default=argparse.SUPPRESS, help="mido backend, e.g. rtmidi/UNIX_JACK"
    )
    parser.add_argument("--replay", type=Path, help="replay a .mid file through the live path")
    parser.add_argument("--speed", type=float, default=1.0, help="replay speed (with --replay)")


# handlers ------------------------------------------------------------------------------------
def _store(args: argparse.Namespace) -> Store:
    from attune_tui.paths import data_dir
    from attune_tui.store import Store

    return Store(data_dir(getattr(args, "data_dir", None)))


def _roles_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("who plays what (instead of the preset's [midi.roles])")
    group.add_argument("--split", metavar="KEY", help="one keyboard shared, split at KEY (C4, 60)")
    group.add_argument(
        "--lower", choices=["client", "therapist"], help="who plays below --split (therapist)"
    )
    group.add_argument("--client-port", metavar="PORT", help="the client's keyboard (two inputs)")
    group.add_argument("--therapist-port", metavar="PORT", help="the therapist's keyboard")
    group.add_argument("--client-channel", type=int, metavar="N", help="the client's channel")
    group.add_argument("--therapist-channel", type=int, metavar="N", help="the therapist's")


def _roles(args: argparse.Namespace) -> RoleSettings | None:
    """The roles the command line sets, None when it sets none; one way at a time."""
    from attune_tui.midi.roles import by_channels, by_inputs, parse_note, split_at

    ways = {
        "--split": args.split is not None or args.lower is not None,
        "--client-port/--therapist-port": bool(args.client_port or args.therapist_port),
        "--client-channel/--therapist-channel": bool(
            args.client_channel is not None or args.therapist_channel is not None
        ),
    }
    given = [way for way, used in ways.items() if used]
    if len(given) > 1:
        raise AttuneError(f"{' and '.join(given)}: choose one way to tell the players apart")
    try:
        if args.split is not None:
            return split_at(parse_note(args.split), args.lower or "therapist")
        if args.lower is not None:
            raise ValueError("--lower says who plays below --split: give --split KEY too")
        if args.client_port or args.therapist_port:
            if not (args.client_port and args.therapist_port):
                raise ValueError("give both --client-port and --therapist-port")
            return by_inputs(args.client_port, args.therapist_port)
        if args.client_channel is not None or args.therapist_channel is not None:
            if args.client_channel is None or args.therapist_channel is None:
                raise ValueError("give both --client-channel and --therapist-channel")
            return by_channels(args.client_channel, args.therapist_channel)
    except ValueError as exc:
        raise AttuneError(str(exc)) from None
    return None


def _check_inputs_of(
    roles: RoleSettings | None, inputs: Sequence[str], listed: bool, replay: bool
) -> None:
    """Roles by input must give each player one of the session's inputs: otherwise every note
    falls to the fallback player without a word. Inputs not plugged in yet (`listed` False)
    keep the names typed, which cannot be checked against the devices' names."""
    from attune_tui.midi.roles import players_of_inputs

    if roles is None or roles.mode != "port" or replay:
        return
    if not inputs:
        raise AttuneError("--client-port and --therapist-port name inputs: give them with --midi")
    if not listed:
        return
    players = players_of_inputs(roles, inputs).values()
    for name, player in roles.ports.items():
        if player not in players:
            raise AttuneError(
                f"--{player}-port {name!r} gives the {player} none of the MIDI inputs"
                f" ({', '.join(inputs)}): give a name, or a part, only that input's name has"
            )


def _home(args: argparse.Namespace) -> int:
    from attune_tui.midi.ports import parse_backend
    from attune_tui.ui.app import run_app

    if args.backend is not None:
        parse_backend(args.backend)  # an unusable backend is refused before any screen
    return run_app(_store(args), start=None, backend=args.backend)


def _session_start(args: argparse.Namespace) -> int:
    from attune_tui.ui.app import LiveRequest, run_app

    client = _client_code(args.client)
    _load_preset(args.preset)  # an unknown preset names the known ones, before any screen
    _check_replay(args)
    roles = _roles(args)
    midi, listed = _check_midi(args)
    _check_inputs_of(roles, midi, listed, args.replay is not None)
    request = LiveRequest(
        client=client,
        preset=args.preset,
        midi=midi,
        roles=roles,
        backend=args.backend,
        replay=args.replay,
        speed=args.speed,
    )
    return run_app(_store(args), start=request)


def _session_continue(args: argparse.Namespace) -> int:
    from attune_tui.ui.app import LiveRequest, run_app

    _store(args).record(args.session)  # a missing or unreadable session: an error, no screen
    _check_replay(args)
    request = LiveRequest(
        session_id=args.session,
        midi=_check_midi(args)[0],
        backend=args.backend,
        replay=args.replay,
        speed=args.speed,
    )
    return run_app(_store(args), start=request)


def _demo(args: argparse.Namespace) -> int:
    from attune_tui.midi.replay import check_speed
    from attune_tui.ui.app import LiveRequest, run_app

    data = Path(__file__).parent / "data" / "demo.mid"
    check_speed(args.speed)
    request = LiveRequest(
        client="C-000", preset="free-improvisation", replay=data, speed=args.speed
    )
    return run_app(_store(args), start=request)


def _client_code(value: str) -> str:
    """A `--client` code, upper-cased, or why it is refused (a name is not a code)."""
    from attune_tui.model.client import validate_client_code

    try:
        return validate_client_code(value)
    except ValueError as exc:
        raise AttuneError(f"--client: {exc}") from None


def _check_replay(args: argparse.Namespace) -> None:
    """A bad `--replay` file or `--speed` is refused before any screen opens or session starts."""
    from attune_tui.midi.replay import check_speed, load_events

    if args.replay is not None:
        check_speed(args.speed)
        load_events(args.replay)


def _check_midi(args: argparse.Namespace) -> tuple[tuple[str, ...], bool]:
    """The `--midi` inputs by the names they are listed under, so that the record, the screen
    and roles by input name the device, not what was typed; and whether all were listed.

    ALSA's numbers are left out, as they change at each plugging in, unless they alone tell
    two identical keyboards apart. A name that is part of several inputs' names is refused
    before any screen. One that names no input is kept as typed: the session takes the input
    when it is plugged in. A `--backend` that cannot work is refused too; no MIDI system at all
    is not (keys work without it, and the screen says so).
    """
    from attune_tui.midi.names import ambiguity, find_port, session_name
    from attune_tui.midi.ports import MidiUnavailable, list_inputs, parse_backend

    if args.backend is not None:
        parse_backend(args.backend)
    if not args.midi:
        return (), True
    try:
        names = list_inputs(args.backend)
    except MidiUnavailable:
        return tuple(args.midi), False
    problems = [p for p in (ambiguity(names, wanted) for wanted in args.midi) if p]
    if problems:
        raise AttuneError("\n".join(f"--midi: {p}" for p in problems))
    found = [(wanted, find_port(names, wanted)) for wanted in args.midi]
    chosen = [wanted if i is None else session_name(names, names[i]) for wanted, i in found]
    return tuple(dict.fromkeys(chosen)), all(i is not None for _, i in found)


def _review(args: argparse.Namespace) -> int:
    from attune_tui.ui.app import run_app

    store = _store(args)
    store.record(args.session)  # a missing or unreadable session: an error, no screen
    return run_app(store, start=None, review=args.session)


def _sessions(args: argparse.Namespace) -> int:
    store = _store(args)
    client = None if args.client is None else _client_code(args.client)
    sessions, problems = store.sessions(client)
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    if not sessions and client is None:
        print("no sessions yet: start one with `attune session start --client C-001`")
        return 0
    if not sessions and client is not None:
        _check_known(store, client, bool(problems))
        print(f"no sessions for {client}")
        return 0
    orphans = {s.id for s in store.orphaned()}
    print(f"{'session':<30} {'client':<10} {'preset':<26} {'status':<10} {'minutes':>7}")
    for s in sessions:
        status = "not closed" if s.id in orphans else s.status
        minutes = store.recorded_s(s) / 60
        print(f"{s.id:<30} {s.client:<10} {s.preset:<26} {status:<10} {minutes:>7.1f}")
    if any(s.id in orphans for s in sessions):
        print("not closed: attune stopped before the end; open `attune` to recover it")
    return 0


_LISTED = 12  # client codes named in a message; `attune clients` lists them all


def _check_known(store: Store, client: str, unreadable: bool) -> None:
    """A code no client has is most likely mistyped: say so, and which codes there are.

    When the client list or a session record cannot be read, the client may exist after all,
    so nothing is claimed (the warnings already name the damaged files).
    """
    from attune_tui.errors import StoreError

    try:
        known = [c.code for c in store.clients()]
    except StoreError as exc:
        print(f"warning: {exc}", file=sys.stderr)
        return
    if client in known or unreadable:
        return
    listed = ", ".join(known[:_LISTED]) + (", ..." if len(known) > _LISTED else "")
    hint = (
        f"known clients: {listed} (see `attune clients`)" if known else "there are no clients yet"
    )
    raise AttuneError(f"no sessions for {client}: {client} is not a known client; {hint}")


def _clients(args: argparse.Namespace) -> int:
    store = _store(args)
    words: list[str] = args.words
    if words[:1] == ["add"]:
        words = words[1:]
        if not words:
            raise AttuneError(
                "clients add: give the client code to add, e.g. `attune clients add C-015`"
            )
    if len(words) > 1:
        raise AttuneError(
            f"clients: add one client at a time, e.g. `attune clients add {words[0]}`"
        )
    if words:
        known = {c.code for c in store.clients()}
        try:
            client = store.add_client(words[0])
        except ValueError as exc:
            raise AttuneError(f"clients add: {exc}") from None
        print(
            f"{client.code} is already a client" if client.code in known else f"added {client.code}"
        )
        return 0
    sessions, _ = store.sessions()
    counts: dict[str, int] = {}
    for s in sessions:
        counts[s.client] = counts.get(s.client, 0) + 1
    clients = store.clients()
    if not clients:
        print("no clients yet: add one with `attune clients add C-001`")
    for client in clients:
        print(f"{client.code:<12} {counts.get(client.code, 0):>3} sessions")
    return 0


_BINARY_FORMATS = {"mid": ".mid"}  # formats that are not text, with their file name ending


def _export(args: argparse.Namespace) -> int:
    from attune_tui.report.export import export_all, export_session

    def warn(message: str) -> None:
        print(f"warning: {message}", file=sys.stderr)

    if args.out is None and args.format in _BINARY_FORMATS and sys.stdout.isatty():
        raise AttuneError(
            f"export: --format {args.format} is binary and would be written onto the terminal:"
            f" give --out FILE (e.g. --out session{_BINARY_FORMATS[args.format]}),"
            " which is created owner-only"
        )
    store = _store(args)
    if args.all:
        if args.session:
            raise AttuneError("export: give a SESSION or --all, not both")
        payload = export_all(store, args.format, redact=args.redact, warn=warn)
    elif args.session:
        payload = export_session(store, args.session, args.format, args.redact, warn)
    else:
        raise AttuneError("export: name a SESSION (see `attune sessions`) or give --all")
    _write_out(payload, args.out)
    return 0


def _write_out(payload: bytes, out: Path | None) -> None:
    if out is None:
        _warn_if_shared_stdout()
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
        return
    from attune_tui.store.atomic import write_atomic

    write_atomic(out, payload)
    print(f"wrote {out}", file=sys.stderr)


def _warn_if_shared_stdout() -> None:
    """A redirect (`> note.md`) makes the file with the shell's mode, often 0644: clinical
    data then lies readable by every account on the machine, which `--out` would not allow."""
    import os
    import stat

    try:
        mode = os.fstat(sys.stdout.fileno()).st_mode
    except (OSError, ValueError):  # no file descriptor (captured, closed): nothing to check
        return
    if stat.S_ISREG(mode) and mode & 0o044:
        print(
            f"warning: standard output is a file readable by others (mode"
            f" {stat.S_IMODE(mode):04o}); for an owner-only file use --out FILE instead",
            file=sys.stderr,
        )


def _presets(args: argparse.Namespace) -> int:
    from attune_tui.paths import user_presets_dir
    from attune_tui.presets import load_all, load_preset

    if args.check:
        if args.file is None:
            raise AttuneError("presets check: name the preset FILE to check")
        preset = load_preset(args.file)
        print(f"{args.file}: ok ({preset.name}: {len(preset.codes)} codes)")
        return 0
    presets, failures = load_all(user_presets_dir())
    for name, preset in sorted(presets.items()):
        keys = " ".join(f"{c.key}={c.code}" for c in preset.codes)
        print(f"{name:<26} {preset.title}\n{'':<26} {keys}")
    for failure in failures:
        print(f"warning: {failure}", file=sys.stderr)
    return 0


def _midi_ports(args: argparse.Namespace) -> int:
    from attune_tui.midi.ports import list_inputs

    names = list_inputs(args.backend)
    if not names:
        print("no MIDI inputs found")
    for name in names:
        print(name)
    return 0


def _analyze(args: argparse.Namespace) -> int:
    import orjson

    from attune_tui.analyze import analyze_file

    result = analyze_file(args.file, _load_preset(args.preset).with_roles(_roles(args)))
    if args.json:
        sys.stdout.buffer.write(orjson.dumps(result, option=orjson.OPT_INDENT_2) + b"\n")
    else:
        from attune_tui.report.text import analysis_text

        print(analysis_text(result))
    return 0


def _load_preset(name: str) -> Preset:
    from attune_tui.paths import user_presets_dir
    from attune_tui.presets import find_preset

    return find_preset(name, user_presets_dir())


if __name__ == "__main__":
    raise SystemExit(main())
