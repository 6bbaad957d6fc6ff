"""Every threshold of the attunement analysis in one validated place, each with its reason."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class AttunementSettings(BaseModel):
    """Window grid, tolerances and thresholds; defaults suit a keyboard-and-drum duo."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # Music Therapy Toolbox convention: 6 s holds several beats and most of a phrase.
    window_s: float = Field(default=6.0, gt=1.0, le=30.0)
    # One verdict a second, the resolution at which a therapist marks moments by hand.
    step_s: float = Field(default=1.0, gt=0.05, le=10.0)
    # Notes closer than this are one gesture (a chord, a flam), not two onsets.
    chord_merge_s: float = Field(default=0.05, ge=0.0, le=0.2)
    # Fewer onsets than this in a window say nothing about a player's pulse or loudness.
    min_onsets: int = Field(default=3, ge=2)
    # Inter-onset intervals longer than this are rests, not beats.
    max_ioi_s: float = Field(default=1.5, gt=0.3)
    # Pulse periods searched: 400 BPM semiquaver-ish tatum down to 40 BPM.
    min_period_s: float = Field(default=0.15, gt=0.05)
    max_period_s: float = Field(default=1.5, gt=0.3)
    # Two pulses within 8 % are heard as one tempo; 1:2 and 2:1 count as locked too.
    tempo_tolerance: float = Field(default=0.08, gt=0.0, lt=0.5)
    # Phase-locking value at which timing starts to count (chance for ~20 onsets is ~0.2) and
    # at which it counts fully (jitter of +-30 ms on a 250 ms tatum still gives ~0.8).
    plv_floor: float = Field(default=0.25, ge=0.0, lt=1.0)
    plv_full: float = Field(default=0.65, gt=0.0, le=1.0)
    # Mean velocities within `velocity_match` are the same loudness; `velocity_tolerance` apart
    # they are plainly different (about one dynamic marking, mf to f, is 15-20 units).
    velocity_match: float = Field(default=8.0, ge=0.0)
    velocity_tolerance: float = Field(default=24.0, gt=0.0)
    # Note densities within a factor 2**0.4 match; beyond 2**1.3 (2.5x) they do not.
    density_match_log2: float = Field(default=0.4, ge=0.0)
    density_tolerance_log2: float = Field(default=1.3, gt=0.0)
    # Contour resolution and the largest lag still heard as "shaping together".
    shape_bin_s: float = Field(default=0.25, gt=0.01)
    shape_max_lag_s: float = Field(default=1.0, ge=0.0)
    # Correlation of the two energy contours at which shape starts and fully counts.
    shape_floor: float = Field(default=0.15, ge=-1.0, lt=1.0)
    shape_full: float = Field(default=0.65, gt=-1.0, le=1.0)
    # Call and response: a turn is this many onsets at least, handed over within this gap.
    turn_min_onsets: int = Field(default=3, ge=1)
    turn_max_gap_s: float = Field(default=2.5, gt=0.0)
    # A player's silence longer than this ends their phrase (used to compare calls and answers).
    phrase_gap_s: float = Field(default=1.2, gt=0.0)
    # Weights of the meter: timing is the strongest cue of a shared pulse, intensity next.
    weight_timing: float = Field(default=0.4, ge=0.0)
    weight_intensity: float = Field(default=0.35, ge=0.0)
    weight_shape: float = Field(default=0.25, ge=0.0)
    # A window is attuned when the meter reaches this; a dimension counts from its own score.
    attuned_threshold: float = Field(default=0.6, gt=0.0, le=1.0)
    dimension_threshold: float = Field(default=0.5, gt=0.0, le=1.0)
    # Who leads: changes are compared over this look-back, and a follower answers within
    # `lead_max_delay_s` (a few seconds: beyond that it is a new idea, not a response).
    lead_window_s: float = Field(default=12.0, gt=2.0)
    lead_bin_s: float = Field(default=0.5, gt=0.05)
    lead_max_delay_s: float = Field(default=4.0, gt=0.0)
    # Below this |lead| score neither player leads: they are partners.
    lead_threshold: float = Field(default=0.2, ge=0.0, le=1.0)
    # Same for a whole moment, where several kinds of evidence are summed (each in [-1, 1]).
    moment_lead_threshold: float = Field(default=0.1, ge=0.0)
    # Onset lag (s) at which a consistent earlier player counts as a full micro-leader.
    micro_lead_full_s: float = Field(default=0.15, gt=0.0)
    # Shorter attuned stretches are chance; closer ones are one moment with a hiccup.
    min_moment_s: float = Field(default=4.0, ge=0.0)
    merge_gap_s: float = Field(default=3.0, ge=0.0)
    # A pause of both players this long ends a moment: the exchange is over (phrase breaths and
    # call-and-response hand-overs are shorter).
    rest_split_s: float = Field(default=3.0, gt=0.0)
    # Match then guide: the guided change must be this large in vitality units (velocity, plus
    # 70 per halving of pace: f to p is ~40, f to p while slowing by a third ~80), take at least
    # `guide_min_s` (gradual, not a step), after `match_min_s` of matching.
    guide_min_change: float = Field(default=35.0, gt=0.0)
    guide_min_s: float = Field(default=6.0, ge=0.0)
    match_min_s: float = Field(default=3.0, ge=0.0)
    # Who moved to meet whom: each player's held loudness and pace this long before a moment's
    # start against this long after it (the follower's easing-in takes a few seconds).
    convergence_before_s: float = Field(default=4.0, gt=0.0)
    convergence_after_s: float = Field(default=3.0, gt=0.0)
    # Entries: a shared silence this long is a breath; the other player joining within
    # `entry_join_s` of the first makes it a joint entry (later is a new idea, not joining).
    entry_gap_s: float = Field(default=0.8, gt=0.0)
    entry_join_s: float = Field(default=0.6, gt=0.0)
    # Onsets of the two players closer than this are one beat played by two; a typical lag of
    # `asynchrony_full_s` counts as full evidence of who is early.
    asynchrony_max_s: float = Field(default=0.35, gt=0.0)
    asynchrony_full_s: float = Field(default=0.1, gt=0.0)
