"""Port names that stay the same across replugging.

ALSA appends `client:port` numbers (`Digital Piano:Digital Piano MIDI 1 20:0`) that change every
time a device is plugged in; JACK names carry none. Matching on the name without them lets a
preset name a port once and have it found again. Pure, so roles and replay can use it without
touching a MIDI system.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_ALSA_NUMBERS = re.compile(r"\s+\d+:\d+$")


def port_key(name: str) -> str:
    """The stable part of a port name: ALSA's `20:0` suffix removed."""
    return _ALSA_NUMBERS.sub("", name)


def find_port(names: Sequence[str], wanted: str) -> int | None:
    """Index of `wanted` in `names`, exact first, then ignoring ALSA client:port numbers."""
    if wanted in names:
        return names.index(wanted)
    key = port_key(wanted)
    for index, name in enumerate(names):
        if port_key(name) == key:
            return index
    return None
