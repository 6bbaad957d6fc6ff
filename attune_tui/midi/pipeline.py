"""The one place that decides whether an event is a code or music.

Hands-free codes must never be analysed as notes (a reserved key is not a melody note, a double
tap is not sustain), and the live engine, replay and the offline analysis must agree on that.
So the order, matcher first and tracker only for what it lets through, lives here. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass

from attune_tui.midi.events import RawEvent
from attune_tui.midi.handsfree import HandsFreeMatcher, HandsFreeSettings
from attune_tui.midi.notes import NoteChange, NoteTracker
from attune_tui.midi.roles import RoleSettings


@dataclass(frozen=True, slots=True)
class Routed:
    """What one event became: a code (then no note changes) or note changes (maybe none)."""

    code: str | None
    changes: list[NoteChange]


class MidiPipeline:
    """Hands-free matcher, then note tracker, for a stream of `RawEvent`s."""

    def __init__(
        self, roles: RoleSettings | None = None, hands_free: HandsFreeSettings | None = None
    ) -> None:
        self.matcher = HandsFreeMatcher(hands_free or HandsFreeSettings())
        self.tracker = NoteTracker(roles)

    def feed(self, event: RawEvent) -> Routed:
        code = self.matcher.feed(event)
        if code is not None:
            return Routed(code, [])
        return Routed(None, self.tracker.feed(event))
