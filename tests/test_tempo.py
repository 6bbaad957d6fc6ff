"""The tempo tracker recovers steady pulses, stays causal and deterministic, and knows silence."""

from __future__ import annotations

import bisect
import math
import random

import numpy as np
import pytest

from attune_tui.analysis.tempo import TempoEstimate, TempoSettings, TempoTracker, tempo_series
from attune_tui.analysis.tempo_grid import TempoGrid
from attune_tui.analysis.tempo_pairs import PairHistograms


def pulse(bpm: float, seconds: float, seed: int, chords: bool = True) -> list[float]:
    """A steady player: +-20 ms jitter, a few rests, chords and some off-beat eighths."""
    rng = random.Random(seed)
    period = 60.0 / bpm
    notes: list[float] = []
    beat = 0
    while beat * period < seconds:
        t = beat * period
        beat += 1
        if rng.random() < 0.08:
            continue
        onset = t + rng.uniform(-0.02, 0.02)
        size = rng.randint(1, 3) if chords else 1
        notes.extend(onset + 0.01 * k for k in range(size))
        if rng.random() < 0.2:
            notes.append(t + period / 2 + rng.uniform(-0.02, 0.02))
    return sorted(notes)


@pytest.mark.parametrize("bpm", [72.0, 96.0, 120.0, 150.0])
def test_steady_pulse_is_recovered_within_four_percent(bpm: float) -> None:
    times = [float(t) for t in range(10, 60, 2)]
    series = tempo_series(pulse(bpm, 60.0, seed=int(bpm)), times)
    for est in series:
        assert est.bpm is not None
        assert abs(est.bpm - bpm) <= 0.04 * bpm, est
        assert 0.0 < est.confidence <= 1.0


def test_estimate_ignores_onsets_at_or_after_its_time() -> None:
    base = pulse(100.0, 30.0, seed=1)
    cut = 20.0
    before = [t for t in base if t < cut]
    noisy_after = [*before, cut, cut + 0.013, cut + 0.1, cut + 0.37, cut + 0.5]
    times = [12.0, 15.5, 18.0, cut]
    a, b = TempoTracker(), TempoTracker()
    for t in before:
        a.add_onset(t)
    for t in noisy_after:  # the later notes are already queued when the estimate is asked
        b.add_onset(t)
    assert [a.estimate(t) for t in times] == [b.estimate(t) for t in times]
    assert a.estimate(cut + 1.0) != b.estimate(cut + 1.0)


def test_series_identical_before_t_give_identical_estimates_up_to_t() -> None:
    first = pulse(84.0, 40.0, seed=2)
    cut = 25.0
    second = [t for t in first if t < cut] + [cut + t for t in pulse(140.0, 15.0, seed=3)]
    times = [float(t) for t in range(8, 26)]
    assert tempo_series(first, times) == tempo_series(second, times)
    later = [30.0, 35.0, 39.0]
    assert tempo_series(first, times + later)[-1] != tempo_series(second, times + later)[-1]


def test_same_calls_give_identical_results() -> None:
    notes = pulse(110.0, 50.0, seed=4)
    times = [t * 0.5 for t in range(0, 100)]
    assert tempo_series(notes, times) == tempo_series(notes, times)


@pytest.mark.parametrize("notes", [[], [1.0], [1.0, 1.5, 2.0]])
def test_too_few_onsets_give_unknown_tempo(notes: list[float]) -> None:
    for est in tempo_series(notes, [0.0, 1.0, 3.0, 10.0]):
        assert est == TempoEstimate(est.t, None, 0.0)


def test_tempo_becomes_unknown_after_a_long_silence() -> None:
    notes = pulse(100.0, 20.0, seed=5)
    before, after = tempo_series(notes, [19.0, 40.0])
    assert before.bpm is not None
    assert after.bpm is None and after.confidence == 0.0


def test_candidates_hold_the_levels_the_last_refresh_chose_among() -> None:
    tracker = TempoTracker()
    assert len(tracker.candidates) == 0
    notes = pulse(100.0, 20.0, seed=6)
    for t in notes:
        tracker.add_onset(t)
    est = tracker.estimate(20.0)
    assert est.bpm is not None
    cands = tracker.candidates
    assert any(abs(c - 100.0) <= 4.0 for c in cands)
    assert any(abs(c - 50.0) <= 2.0 for c in cands)  # the half level competed too
    assert min(cands) >= TempoSettings().min_bpm and max(cands) <= TempoSettings().max_bpm
    assert tracker.estimate(40.0).bpm is None
    assert len(tracker.candidates) == 0  # silence: nothing was chosen among


def test_chord_notes_merge_into_one_onset() -> None:
    period = 0.5
    single = [i * period for i in range(40)]
    rolled = sorted(t + d for t in single for d in (0.0, 0.015, 0.03))
    times = [float(t) for t in range(6, 20)]
    plain = tempo_series(single, times)
    chords = tempo_series(rolled, times)
    assert [e.bpm for e in chords] == pytest.approx([e.bpm for e in plain], rel=0.01)
    assert chords[-1].bpm == pytest.approx(120.0, rel=0.04)
    # Two chords are two onsets, too few for a tempo; unmerged they would be six.
    two_chords = [1.0, 1.015, 1.03, 2.0, 2.02, 2.04]
    assert tempo_series(two_chords, [3.0])[0].bpm is None
    assert tempo_series(two_chords, [3.0], TempoSettings(chord_merge_s=0.0))[0].bpm is not None


def test_tempo_change_is_followed() -> None:
    notes = pulse(90.0, 30.0, seed=6, chords=False)
    notes += [30.0 + t for t in pulse(130.0, 30.0, seed=7, chords=False)]
    est = tempo_series(notes, [28.0, 58.0])
    assert est[0].bpm == pytest.approx(90.0, rel=0.04)
    assert est[1].bpm == pytest.approx(130.0, rel=0.04)


def test_many_onsets_between_two_estimates_are_all_taken() -> None:
    notes = pulse(120.0, 600.0, seed=8)
    assert len(notes) > 1000
    series = tempo_series(notes, [300.0, 599.0])
    assert all(e.bpm == pytest.approx(120.0, rel=0.04) for e in series)


def test_accented_bass_notes_choose_the_beat_among_metrical_levels() -> None:
    step = 0.2  # onsets at 300 per minute; every third is a loud bass note: 100 BPM
    tracker = TempoTracker()
    for i in range(150):
        accent = i % 3 == 0
        tracker.add_onset(i * step, velocity=100 if accent else 50, pitch=40 if accent else 72)
    est = tracker.estimate(150 * step)
    assert est.bpm == pytest.approx(100.0, rel=0.04)


@pytest.mark.parametrize("bpm", [60.0, 180.0])
def test_one_note_per_beat_keeps_its_level(bpm: float) -> None:
    """Sparse or busy, a plain pulse is its own beat: the onset-rate term must not halve it."""
    rng = random.Random(int(bpm))
    notes = [i * 60.0 / bpm + rng.uniform(-0.015, 0.015) for i in range(int(bpm / 2))]
    times = [float(t) for t in range(10, 30, 2)]
    assert all(e.bpm == pytest.approx(bpm, rel=0.04) for e in tempo_series(notes, times))


def test_evidence_is_refreshed_at_most_once_per_refresh_period() -> None:
    notes = pulse(90.0, 30.0, seed=9)
    times = [10.0 + 0.25 * k for k in range(40)]
    held = tempo_series(notes, times, TempoSettings(refresh_s=1.0))
    every = tempo_series(notes, times, TempoSettings(refresh_s=0.0))
    # Refreshed more often, the filter has seen more windows: the same tempo, not the same bin.
    assert [e.bpm for e in held[::4]] == pytest.approx([e.bpm for e in every[::4]], rel=0.04)
    assert all(e.bpm == held[k - k % 4].bpm for k, e in enumerate(held))
    assert all(e.t == t for e, t in zip(held, times, strict=True))


def test_time_going_back_is_refused() -> None:
    tracker = TempoTracker()
    tracker.add_onset(2.0)
    with pytest.raises(ValueError, match="back in time"):
        tracker.add_onset(1.0)
    tracker.estimate(5.0)
    with pytest.raises(ValueError, match="must not go back"):
        tracker.estimate(4.0)


def test_settings_are_frozen_and_strict() -> None:
    with pytest.raises(ValueError):
        TempoSettings(window=3.0)  # type: ignore[call-arg]
    settings = TempoSettings()
    with pytest.raises(ValueError):
        settings.window_s = 2.0  # type: ignore[misc]


@pytest.mark.parametrize("step", [3, 11])
def test_pair_histograms_kept_up_to_date_equal_a_rebuild_of_the_window(step: int) -> None:
    """Onsets arrive and leave in batches (after 11 s some leave as they arrive); the sums
    stay those of the window alone."""
    rng = random.Random(10)
    times = sorted(rng.uniform(0.0, 60.0) for _ in range(400))
    weights = [float(rng.randint(1, 300)) for _ in times]
    bass = [w if rng.random() < 0.3 else 0.0 for w in weights]
    onsets = (times, weights, bass)
    columns = np.array(onsets)
    grid = TempoGrid(TempoSettings())
    kept = PairHistograms(grid)
    head = end = 0
    for t in range(8, 61, step):
        new_end = bisect.bisect_left(times, float(t))
        new_head = bisect.bisect_left(times, t - 8.0)
        kept.update(onsets, columns, (head, new_head, end, new_end), with_bass=True)
        head, end = new_head, new_end
        rebuilt = PairHistograms(grid)
        rebuilt.update(onsets, columns, (head, head, head, end), with_bass=True)
        assert np.array_equal(kept.hist[:, :-1], rebuilt.hist[:, :-1])  # last: unread
        assert np.array_equal(kept.ioi, rebuilt.ioi)
    assert np.array_equal(kept.hist[1, :-1], pair_counts(times[head:end], kept))


def pair_counts(window: list[float], hist: PairHistograms) -> np.ndarray:
    """Pairs per kept column, counted one by one with the nearest log-period cell."""
    low = max(hist.start - hist.radius, 0)
    front = hist.radius - (hist.start - low)
    counts = np.zeros(hist.cols - 1)
    for i, a in enumerate(window):
        for b in window[i + 1 :]:
            cell = round(math.log(max(b - a, 0.05) / 0.05) / 0.01)
            if low <= cell < hist.start + hist.width:
                counts[front + cell - low] += 1
    return counts


def test_tempo_range_meeting_the_ends_of_the_interval_grid_still_works() -> None:
    wide = TempoSettings(min_bpm=7.0, max_bpm=1200.0)
    series = tempo_series(pulse(100.0, 40.0, seed=11), [20.0, 30.0, 39.0], wide)
    assert all(e.bpm == pytest.approx(100.0, rel=0.04) for e in series)
