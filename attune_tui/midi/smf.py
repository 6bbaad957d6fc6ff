"""Standard MIDI File export of a capture, and reading any .mid file as stamped events.

The export is for other tools (DAWs, the Music Therapy Toolbox): a type-1 file with one track
per player, named "client" and "therapist" (plus "unassigned" when roles leave events without a
player). Times must survive the trip, so the file runs at a fixed 120 BPM (500,000 µs per beat)
with 960 ticks per beat: one tick is 0.52 ms, and ticks are rounded from absolute times (not
accumulated deltas), so every event is within 0.26 ms of its capture time.

`read_events` turns a file into the same `RawEvent`s a port delivers (seconds from the start,
all tracks merged, the track name as port), honouring tempo changes, so replay and offline
analysis accept any file, not only our own.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import mido

from attune_tui.analysis.notes import PLAYERS
from attune_tui.midi.events import RawEvent
from attune_tui.midi.roles import RoleMap, RoleSettings

PPQ = 960
TEMPO = 500_000
TICKS_PER_SECOND = PPQ * 1_000_000 / TEMPO
UNASSIGNED = "unassigned"
FILE_PORT = "file"


def export_smf(
    events: Iterable[RawEvent], path: Path, roles: RoleMap | RoleSettings | None = None
) -> None:
    """Write `events` to `path`, one track per player as `roles` attributes them."""
    role_map = roles if isinstance(roles, RoleMap) else RoleMap(roles or RoleSettings())
    by_track: dict[str, list[RawEvent]] = {player: [] for player in PLAYERS}
    for event in events:
        by_track.setdefault(role_map.player_of(event) or UNASSIGNED, []).append(event)
    midi = mido.MidiFile(type=1, ticks_per_beat=PPQ)
    for index, (name, track_events) in enumerate(by_track.items()):
        track = mido.MidiTrack()
        track.append(mido.MetaMessage("track_name", name=name, time=0))
        if index == 0:
            track.append(mido.MetaMessage("set_tempo", tempo=TEMPO, time=0))
        previous = 0
        for event in sorted(track_events, key=lambda e: e.t):
            tick = round(max(0.0, event.t) * TICKS_PER_SECOND)
            track.append(mido.Message.from_bytes(list(event.data), time=tick - previous))
            previous = tick
        track.append(mido.MetaMessage("end_of_track", time=0))
        midi.tracks.append(track)
    midi.save(str(path))


def read_events(path: Path) -> list[RawEvent]:
    """Every channel message of a .mid file, in seconds, merged across tracks in time order."""
    midi = mido.MidiFile(str(path))
    to_seconds = _TempoMap(midi)
    events: list[RawEvent] = []
    for track in midi.tracks:
        port = track.name or FILE_PORT
        tick = 0
        for message in track:
            tick += message.time
            if message.is_meta or message.type == "sysex":
                continue
            data = tuple(message.bytes())
            if data[0] < 0xF0:
                events.append(RawEvent(to_seconds(tick), port, data))
    events.sort(key=lambda event: event.t)
    return events


class _TempoMap:
    """Ticks to seconds through every tempo change in the file (all tracks, as in type 1)."""

    def __init__(self, midi: Any) -> None:
        self._per_tick: float = 1.0 / (int(midi.ticks_per_beat) * 1_000_000)
        changes: list[tuple[int, int]] = [(0, TEMPO)]
        for track in midi.tracks:
            tick = 0
            for message in track:
                tick += message.time
                if message.type == "set_tempo":
                    changes.append((tick, int(message.tempo)))
        changes.sort(key=lambda change: change[0])
        self._ticks: list[int] = []
        self._tempos: list[int] = []
        self._seconds: list[float] = []
        seconds = 0.0
        for tick, tempo in changes:
            if self._ticks:
                seconds += (tick - self._ticks[-1]) * self._tempos[-1] * self._per_tick
            self._ticks.append(tick)
            self._tempos.append(tempo)
            self._seconds.append(seconds)

    def __call__(self, tick: int) -> float:
        i = bisect.bisect_right(self._ticks, tick) - 1
        return self._seconds[i] + (tick - self._ticks[i]) * self._tempos[i] * self._per_tick
