"""The scenario generator: deterministic, musically plausible, and honest about its truth."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import mido
import pytest

from attune_tui.scenarios import (
    PRESETS,
    ScenarioSpec,
    SegmentSpec,
    generate,
    random_spec,
    write_midi,
    write_truth,
)
from attune_tui.scenarios.__main__ import DEFAULT_SEEDS, main

DATA = Path(__file__).resolve().parent.parent / "attune_tui" / "data"

SMALL = ScenarioSpec(
    name="small",
    segments=(
        SegmentSpec(kind="independent", duration_s=15),
        SegmentSpec(kind="match", duration_s=20, leader="client"),
        SegmentSpec(kind="rest", duration_s=3),
        SegmentSpec(kind="call_response", duration_s=18, leader="therapist"),
    ),
)


def test_same_seed_gives_identical_files(tmp_path: Path) -> None:
    paths = []
    for run in ("a", "b"):
        scenario = generate(SMALL, 42)
        mid, truth = tmp_path / f"{run}.mid", tmp_path / f"{run}.json"
        write_midi(scenario, mid)
        write_truth(scenario, truth)
        paths.append((mid.read_bytes(), truth.read_bytes()))
    assert paths[0] == paths[1]


def test_different_seeds_give_different_music() -> None:
    assert generate(SMALL, 1).notes != generate(SMALL, 2).notes


def test_midi_file_has_one_track_per_player_on_its_channel(tmp_path: Path) -> None:
    scenario = generate(SMALL, 3)
    path = tmp_path / "s.mid"
    write_midi(scenario, path)
    mid = mido.MidiFile(str(path))
    assert mid.type == 1 and mid.ticks_per_beat == 480
    channels: dict[str, set[int]] = {}
    onsets: list[tuple[float, int, int]] = []
    for track in mid.tracks[1:]:
        now = 0
        for msg in track:
            now += msg.time
            if msg.type == "note_on" and msg.velocity > 0:
                channels.setdefault(track.name, set()).add(msg.channel)
                onsets.append((now / 960.0, msg.channel, msg.note))
    assert channels == {"client": {0}, "therapist": {1}}
    expected = sorted((n.t, 0 if n.player == "client" else 1, n.pitch) for n in scenario.notes)
    assert sorted(onsets) == pytest.approx(expected)


def test_truth_labels_agree_with_moments_and_segments() -> None:
    scenario = generate(SMALL, 5)
    truth = scenario.truth
    assert len(truth.seconds) == math.ceil(truth.duration_s)
    kinds = [s.kind for s in truth.segments]
    assert kinds == ["independent", "match", "rest", "call_response"]
    assert [m.leader for m in truth.moments] == ["client", "therapist"]
    assert truth.moments[1].pattern == "call-and-response"
    for sec in truth.seconds:
        inside = any(m.start <= sec.t + 0.5 < m.end for m in truth.moments)
        assert sec.attuned == inside
    independent = truth.segments[0]
    assert not any(s.attuned for s in truth.seconds if s.t < independent.end - 1)
    assert len(truth.tempo["client"]) == len(truth.seconds)


def test_independent_players_keep_unrelated_tempi() -> None:
    for seed in range(5):
        scenario = generate(random_spec(seed), seed)
        segment = scenario.truth.segments[0]
        assert segment.kind == "independent"
        t = int(segment.end) - 2
        bpm_c = dict(scenario.truth.tempo["client"])[float(t)]
        bpm_t = dict(scenario.truth.tempo["therapist"])[float(t)]
        ratio = max(bpm_c, bpm_t) / min(bpm_c, bpm_t)
        octave = ratio / 2 ** math.floor(math.log2(ratio))
        assert 1.05 < octave < 1.9, (seed, bpm_c, bpm_t)


def test_notes_are_human_not_grid() -> None:
    scenario = generate(PRESETS["demo"], 7)
    onsets = [n.t for n in scenario.notes if n.player == "client"]
    assert 120 <= scenario.duration_s <= 240
    assert len(scenario.notes) > 400
    assert all(0.0 <= n.t < scenario.duration_s and 1 <= n.velocity <= 127 for n in scenario.notes)
    velocities = {n.velocity for n in scenario.notes}
    assert len(velocities) > 40  # dynamics move
    gaps = [b - a for a, b in itertools.pairwise(onsets)]
    assert max(gaps) > 1.0  # phrases separated by rests


def test_match_then_guide_truth_has_ordered_phases() -> None:
    scenario = generate(PRESETS["anger-to-calm"], 3)
    (moment,) = scenario.truth.moments
    assert moment.pattern == "match-then-guide" and moment.phases is not None
    p = moment.phases
    assert moment.start <= p.match_end <= p.guide_start < p.guide_end <= moment.end + 5


def test_committed_data_is_what_the_generator_writes(tmp_path: Path) -> None:
    assert main([str(tmp_path)]) == 0
    for name in DEFAULT_SEEDS:
        for suffix in (".mid", ".truth.json"):
            committed = DATA / f"{name}{suffix}"
            assert committed.stat().st_size < 50_000
            assert committed.read_bytes() == (tmp_path / f"{name}{suffix}").read_bytes(), name
