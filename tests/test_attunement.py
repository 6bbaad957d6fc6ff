"""The attunement analysis: finds meeting, not independence; leaders; live equals offline."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
from pydantic import ValidationError

from attune_tui.analysis.attunement import (
    AttunementSettings,
    AttunementTracker,
    Moment,
    analyze_attunement,
    join_manual,
    summarize,
)
from attune_tui.analysis.attunement_leader import (
    Onsets,
    asynchrony_lead,
    convergence_lead,
    entry_lead,
)
from attune_tui.scenarios import PRESETS, ScenarioSpec, SegmentSpec, generate

SMALL = ScenarioSpec(
    name="small",
    segments=(
        SegmentSpec(kind="independent", duration_s=20),
        SegmentSpec(kind="match", duration_s=25, leader="client"),
        SegmentSpec(kind="independent", duration_s=20),
    ),
)


def _lead_spec(kind: str, leader: str) -> ScenarioSpec:
    return ScenarioSpec.model_validate(
        {
            "name": f"{leader}-leads",
            "segments": [
                {"kind": "independent", "duration_s": 15},
                {"kind": kind, "duration_s": 30, "leader": leader, "tempo_ratio": 1.0},
                {"kind": "rest", "duration_s": 3},
            ],
            "velocity_noise": 4.0,
            "tempo_drift": 0.01,
        }
    )


@pytest.mark.parametrize("kind", ["match", "lead", "call_response"])
@pytest.mark.parametrize("leader", ["client", "therapist"])
def test_the_leader_is_detected(kind: str, leader: str) -> None:
    found: Counter[str] = Counter()
    for seed in range(6):
        scenario = generate(_lead_spec(kind, leader), seed)
        result = analyze_attunement(scenario.notes, scenario.duration_s)
        longest = max(result.moments, key=lambda m: m.duration)
        found[longest.leader] += 1
    assert found[leader] >= 5, found


def _steady(start: float, end: float, ioi: float, velocity: float) -> Onsets:
    t = np.arange(start, end, ioi)
    return t, np.full(len(t), velocity)


def _join(*parts: Onsets) -> Onsets:
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def test_the_player_who_moved_to_meet_the_other_is_following() -> None:
    therapist = _join(_steady(0.0, 20.0, 0.5, 80.0))
    client = _join(_steady(0.0, 10.0, 0.7, 45.0), _steady(10.0, 20.0, 0.5, 80.0))
    assert convergence_lead(client, therapist, 8.0, 14.0) > 0.8  # the therapist led
    assert convergence_lead(therapist, client, 8.0, 14.0) < -0.8
    assert convergence_lead(therapist, therapist, 8.0, 14.0) == 0.0  # nobody moved


def test_the_player_who_comes_in_first_after_a_breath_leads() -> None:
    phrases = [(0.0, 4.0), (6.0, 10.0), (12.0, 16.0)]
    therapist = _join(*(_steady(a, b, 0.5, 70.0) for a, b in phrases))
    client = _join(*(_steady(a + 0.1, b, 0.5, 70.0) for a, b in phrases))
    assert entry_lead(client, therapist, 0.0, 16.0, 0.8, 0.6) == 1.0
    assert entry_lead(therapist, client, 0.0, 16.0, 0.8, 0.6) == -1.0
    late = _join(*(_steady(a + 1.0, b, 0.5, 70.0) for a, b in phrases))
    assert entry_lead(late, therapist, 0.0, 16.0, 0.8, 0.6) == 0.0  # not joining: a new idea


def test_the_player_whose_onsets_come_later_follows() -> None:
    client = _steady(0.0, 10.0, 0.5, 70.0)
    therapist = (client[0] + 0.06, client[1])
    assert asynchrony_lead(client, therapist, 0.0, 10.0, 0.35, 0.1) == pytest.approx(-0.6)
    assert asynchrony_lead(therapist, client, 0.0, 10.0, 0.35, 0.1) == pytest.approx(0.6)
    far = (client[0] + 0.25, client[1])  # halfway between beats: who is early is unclear
    assert asynchrony_lead(client, far, 0.0, 10.0, 0.2, 0.1) == 0.0


def test_match_then_guide_is_detected() -> None:
    scenario = generate(PRESETS["anger-to-calm"], 3)
    result = analyze_attunement(scenario.notes, scenario.duration_s)
    (episode,) = result.episodes
    moment = next(m for m in result.moments if m.pattern == "match-then-guide")
    assert moment.leader == "therapist"
    truth = scenario.truth.moments[0].phases
    assert truth is not None
    assert episode.match_start < episode.match_end == episode.guide_start < episode.guide_end
    assert abs(episode.guide_start - truth.guide_start) < 8.0


def test_live_tracker_gives_the_offline_windows() -> None:
    scenario = generate(PRESETS["demo"], 7)
    offline = analyze_attunement(scenario.notes, scenario.duration_s)
    tracker = AttunementTracker()
    states = []
    notes = sorted(scenario.notes, key=lambda n: n.t)
    i = 0
    t = 0.0
    while t < scenario.duration_s:
        t = min(t + 0.37, scenario.duration_s)
        while i < len(notes) and notes[i].t < t:
            tracker.add_note(notes[i])
            i += 1
        state = tracker.update(t)
        if state is not None:
            states.append(state)
    live = tracker.finish(scenario.duration_s)
    assert len(live.windows) == len(offline.windows) == math.floor(scenario.duration_s)
    for a, b in zip(live.windows, offline.windows, strict=True):
        assert (a.attuned, a.dimensions, a.client_role, a.therapist_role) == (
            b.attuned,
            b.dimensions,
            b.client_role,
            b.therapist_role,
        )
        assert a.score == pytest.approx(b.score, abs=1e-9)
        assert a.lead == pytest.approx(b.lead, abs=1e-9)
    assert live.moments == offline.moments
    assert sum(s.moment_started for s in states) == len(offline.moments)
    assert all(0.0 <= s.meter <= 1.0 for s in states)


def test_update_returns_none_until_a_window_completes() -> None:
    tracker = AttunementTracker()
    assert tracker.update(0.5) is None
    state = tracker.update(1.0)
    assert state is not None and state.t == 1.0 and not state.attuned


def _moment(start: float, end: float) -> Moment:
    return Moment(start, end, ("timing",), 0.8, "client", None, "auto")


def test_join_manual_labels_sources() -> None:
    moments = (_moment(10, 20), _moment(40, 50))
    joined = join_manual(moments, [21.5, 70.0, 71.0], tolerance_s=3.0)
    assert [(m.start, m.source) for m in joined] == [(10, "both"), (40, "auto"), (68.0, "manual")]
    manual = joined[-1]
    assert manual.end == 73.0 and manual.strength == 0.0 and manual.dimensions == ()


def test_summary_counts_and_shares() -> None:
    scenario = generate(PRESETS["demo"], 7)
    result = analyze_attunement(scenario.notes, scenario.duration_s, manual_marks=[5.0])
    summary = summarize(result, scenario.duration_s, affect_shifts=2)
    assert summary.moments == len(result.moments)
    assert summary.moments_by_source["manual"] == 1
    assert summary.match_then_guide_episodes == len(result.episodes) >= 1
    assert 0.0 < summary.attuned_pct < 100.0
    assert summary.time_to_first_moment_s == 3.0
    assert sum(summary.leader_shares.values()) == pytest.approx(1.0, abs=0.01)
    assert summary.affect_shifts == 2


def test_moments_serialise_to_the_shared_json_shape() -> None:
    data = _moment(1.234, 5.678).to_dict()
    assert data == {
        "start": 1.23,
        "end": 5.68,
        "dimensions": ["timing"],
        "strength": 0.8,
        "leader": "client",
        "pattern": None,
        "source": "auto",
    }


def test_settings_are_frozen_and_strict() -> None:
    settings = AttunementSettings()
    with pytest.raises(ValidationError):
        AttunementSettings.model_validate({"window_secs": 5})
    with pytest.raises(ValidationError):
        settings.window_s = 3.0  # type: ignore[misc]


def test_silence_and_one_player_are_never_attuned() -> None:
    scenario = generate(SMALL, 1)
    solo = [n for n in scenario.notes if n.player == "client"]
    result = analyze_attunement(solo, scenario.duration_s)
    assert not result.moments and not any(w.attuned for w in result.windows)
    assert not analyze_attunement([], 30.0).moments
