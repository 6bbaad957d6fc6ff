"""From raw messages to notes: onsets at once, durations when the sound ends.

Live analysis cannot wait for a note to end before counting its onset (tempo and density need
it now), so the tracker reports an onset immediately (duration 0) and the finished note later.
A note sounds until its key is released, or, when the sustain pedal (CC64 >= 64) is down, until
the pedal lifts. Pedal state belongs to the instrument (port and channel), not to a player: on
a keyboard shared at a split point one pedal holds both halves. Pure: same events in, same
notes out, live or from a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from attune_tui.analysis.notes import Note
from attune_tui.midi.events import RawEvent
from attune_tui.midi.roles import RoleMap, RoleSettings

NoteChangeKind = Literal["onset", "end"]

SUSTAIN = 64
ALL_SOUND_OFF = 120
ALL_NOTES_OFF = 123


@dataclass(frozen=True, slots=True)
class NoteChange:
    """An onset (the note with duration 0) or an end (the same note with its duration)."""

    kind: NoteChangeKind
    note: Note


@dataclass(slots=True)
class _Held:
    note: Note
    released: bool = False


@dataclass(slots=True)
class _Instrument:
    sounding: dict[int, _Held] = field(default_factory=dict)
    pedal: bool = False


class NoteTracker:
    """Tracks sounding notes per instrument (port, channel) and attributes them by role."""

    def __init__(self, roles: RoleMap | RoleSettings | None = None) -> None:
        if roles is None:
            roles = RoleSettings()
        self._roles = roles if isinstance(roles, RoleMap) else RoleMap(roles)
        self._instruments: dict[tuple[str, int], _Instrument] = {}

    def feed(self, event: RawEvent) -> list[NoteChange]:
        """The note changes one message causes (often none)."""
        data = event.data
        if len(data) < 3:
            return []
        kind = data[0] & 0xF0
        instrument = self._instrument(event.port, data[0] & 0x0F)
        if kind == 0x90 and data[2] > 0:
            return self._note_on(instrument, event)
        if kind in (0x80, 0x90):
            return self._note_off(instrument, data[1], event.t)
        if kind == 0xB0:
            return self._control(instrument, data[1], data[2], event.t)
        return []

    def finish(self, t: float) -> list[NoteChange]:
        """End every note still sounding at `t` (session end, replay stop)."""
        changes: list[NoteChange] = []
        for instrument in self._instruments.values():
            changes += _end(instrument, list(instrument.sounding), t)
        return sorted(changes, key=lambda change: change.note.t)

    def sounding(self) -> int:
        """How many notes are sounding now (held keys and pedal-held notes)."""
        return sum(len(instrument.sounding) for instrument in self._instruments.values())

    def _instrument(self, port: str, channel: int) -> _Instrument:
        key = (port, channel)
        instrument = self._instruments.get(key)
        if instrument is None:
            instrument = self._instruments[key] = _Instrument()
        return instrument

    def _note_on(self, instrument: _Instrument, event: RawEvent) -> list[NoteChange]:
        pitch = event.data[1]
        changes = _end(instrument, [pitch], event.t) if pitch in instrument.sounding else []
        player = self._roles.player_of(event)
        if player is None:
            return changes
        note = Note(event.t, player, pitch, event.data[2])
        instrument.sounding[pitch] = _Held(note)
        changes.append(NoteChange("onset", note))
        return changes

    def _note_off(self, instrument: _Instrument, pitch: int, t: float) -> list[NoteChange]:
        held = instrument.sounding.get(pitch)
        if held is None:
            return []
        if instrument.pedal:
            held.released = True
            return []
        return _end(instrument, [pitch], t)

    def _control(
        self, instrument: _Instrument, number: int, value: int, t: float
    ) -> list[NoteChange]:
        if number == SUSTAIN:
            was_down, instrument.pedal = instrument.pedal, value >= 64
            if was_down and not instrument.pedal:
                released = [p for p, held in instrument.sounding.items() if held.released]
                return _end(instrument, released, t)
            return []
        if number == ALL_SOUND_OFF:
            instrument.pedal = False
            return _end(instrument, list(instrument.sounding), t)
        if number == ALL_NOTES_OFF:
            changes: list[NoteChange] = []
            for pitch in list(instrument.sounding):
                changes += self._note_off(instrument, pitch, t)
            return changes
        return []


def _end(instrument: _Instrument, pitches: list[int], t: float) -> list[NoteChange]:
    changes = []
    for pitch in pitches:
        note = instrument.sounding.pop(pitch).note
        # a direct constructor call: dataclasses.replace costs 5 µs a note on a long session
        ended = Note(note.t, note.player, note.pitch, note.velocity, max(0.0, t - note.t))
        changes.append(NoteChange("end", ended))
    return changes
