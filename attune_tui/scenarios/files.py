"""Writing a scenario to disk: a Standard MIDI File any replayer reads, and its truth as JSON.

The MIDI file is type 1 with a conductor track (120 BPM, so one second is 960 ticks) and one
track per player: the client on channel 1, the therapist on channel 2, as the capture path maps
them.
"""

from __future__ import annotations

from pathlib import Path

import mido
import orjson

from attune_tui.analysis.notes import PLAYERS
from attune_tui.scenarios.generator import Scenario
from attune_tui.scenarios.perform import TICKS_PER_SECOND

TICKS_PER_BEAT = 480
TEMPO_US = 500_000  # 120 BPM
CHANNELS = {"client": 0, "therapist": 1}


def _player_track(scenario: Scenario, player: str) -> mido.MidiTrack:
    events: list[tuple[int, int, int, int]] = []
    for n in scenario.notes:
        if n.player != player:
            continue
        on = round(n.t * TICKS_PER_SECOND)
        off = max(round(n.end * TICKS_PER_SECOND), on + 1)
        events.append((on, 1, n.pitch, n.velocity))
        events.append((off, 0, n.pitch, 0))
    events.sort()  # at one tick, note-offs (0) before note-ons (1)
    track = mido.MidiTrack()
    track.append(mido.MetaMessage("track_name", name=player, time=0))
    now = 0
    channel = CHANNELS[player]
    for tick, is_on, pitch, velocity in events:
        kind = "note_on" if is_on else "note_off"
        track.append(
            mido.Message(kind, channel=channel, note=pitch, velocity=velocity, time=tick - now)
        )
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=0))
    return track


def write_midi(scenario: Scenario, path: Path) -> None:
    """Write the notes as a type-1 Standard MIDI File (conductor + client + therapist tracks)."""
    mid = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_BEAT)
    conductor = mido.MidiTrack()
    conductor.append(mido.MetaMessage("track_name", name=scenario.truth.name, time=0))
    conductor.append(mido.MetaMessage("set_tempo", tempo=TEMPO_US, time=0))
    conductor.append(mido.MetaMessage("time_signature", numerator=4, denominator=4, time=0))
    conductor.append(mido.MetaMessage("end_of_track", time=0))
    mid.tracks.append(conductor)
    for player in PLAYERS:
        mid.tracks.append(_player_track(scenario, player))
    mid.save(str(path))


def write_truth(scenario: Scenario, path: Path) -> None:
    """Write the ground truth as indented JSON with sorted keys (stable diffs)."""
    data = scenario.truth.model_dump(mode="json")
    path.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n")
