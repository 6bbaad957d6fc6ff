"""Port names that stay the same across replugging, and the inputs a session starts with.

ALSA appends `client:port` numbers (`Digital Piano:Digital Piano MIDI 1 20:0`) that change every
time a device is plugged in; JACK names carry none. Matching on the name without them lets a
preset name a port once and have it found again. A person types less than the whole name
(`--midi piano`), so a part of a name that only one input contains names that input. Pure, so
roles, replay and the start dialog can use it without touching a MIDI system.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_ALSA_NUMBERS = re.compile(r"\s+\d+:\d+$")
_LOOPBACK = re.compile(r"^midi through\b", re.IGNORECASE)
"""ALSA's `Midi Through` port echoes what other programs send it: never an instrument."""

REPLAY_PREFIX = "replay:"
"""How a session record lists a replayed file among its inputs (`replay:demo.mid`)."""


def port_key(name: str) -> str:
    """The stable part of a port name: ALSA's `20:0` suffix removed."""
    return _ALSA_NUMBERS.sub("", name)


def session_name(names: Sequence[str], name: str) -> str:
    """How the listed input `name` is named to a session: without ALSA's numbers, which change
    at every plugging in, unless they alone tell two identical keyboards apart."""
    key = port_key(name)
    twins = sum(port_key(other) == key for other in names)
    return name if twins > 1 else key


def matching_ports(names: Sequence[str], wanted: str) -> list[int]:
    """Indices of the inputs `wanted` names: the exact name; else the names equal to it without
    ALSA's numbers or case; else every name that contains it (case ignored)."""
    if wanted in names:
        return [names.index(wanted)]
    key = port_key(wanted).casefold()
    same = [i for i, name in enumerate(names) if port_key(name).casefold() == key]
    if same:
        return same
    return [i for i, name in enumerate(names) if key and key in port_key(name).casefold()]


def find_port(names: Sequence[str], wanted: str) -> int | None:
    """Index of the input `wanted` names, or None when it names none or, by a part of a name,
    several (two identical keyboards differ only in ALSA's numbers: the first is taken)."""
    found = matching_ports(names, wanted)
    if not found:
        return None
    if len(found) > 1 and port_key(names[found[0]]).casefold() != port_key(wanted).casefold():
        return None
    return found[0]


def ambiguity(names: Sequence[str], wanted: str) -> str | None:
    """Why `wanted` cannot be used, when it is a part of several inputs' names; else None."""
    found = matching_ports(names, wanted)
    if len(found) < 2 or find_port(names, wanted) is not None:
        return None
    listed = ", ".join(repr(names[i]) for i in found)
    return f"{wanted!r} is part of {len(found)} MIDI inputs' names ({listed}): give more of one"


def recorded_inputs(ports: Sequence[str]) -> list[str]:
    """The MIDI inputs of a session record, without replayed files."""
    return [p for p in ports if not p.startswith(REPLAY_PREFIX)]


def preselected(names: Sequence[str], asked: Sequence[str], recent: Sequence[str]) -> list[str]:
    """The inputs a new session starts with unless the therapist changes them.

    Those asked for on the command line (as listed when plugged in, as typed when not); else
    those the client's last session used that are plugged in; else the instrument when exactly
    one is (ALSA's loopback is none).
    """
    if asked:
        listed = [(a, find_port(names, a)) for a in asked]
        return list(dict.fromkeys(a if i is None else names[i] for a, i in listed))
    found = [names[i] for i in (find_port(names, p) for p in recent) if i is not None]
    if found:
        return list(dict.fromkeys(found))
    instruments = [name for name in names if not _LOOPBACK.match(name)]
    return instruments if len(instruments) == 1 else []
