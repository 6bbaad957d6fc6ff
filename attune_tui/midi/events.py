"""The stamped message that crosses from the MIDI thread to the rest of the app.

It is a tiny frozen value so the callback can build it in a microsecond and any thread can
read it without a lock; `data` keeps the raw bytes so nothing is lost before the journal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RawEvent:
    """A channel message: session time of arrival, the port it came from, its bytes."""

    t: float
    port: str
    data: tuple[int, ...]


MessageCallback = Callable[[tuple[Sequence[int], float], str], None]
"""The hand-off shape, RtMidi's callback signature: `((message bytes, delta), port label)`.

Replay delivers through a function of this shape (`Capture.hand_off`), which applies the same
stamp-filter-queue step the capture thread applies to messages read from live ports."""
