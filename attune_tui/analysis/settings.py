"""Settings of the per-player analysis, kept apart from the code that uses them.

Presets embed these models, and the app validates presets at start-up; keeping them free of
numpy (and of the analysis code) means starting the app does not pay for loading either.
"""

from __future__ import annotations

import itertools

from pydantic import BaseModel, ConfigDict, Field, field_validator

from attune_tui.analysis.breath import BreathSettings
from attune_tui.analysis.phrases import PhraseSettings

__all__ = [
    "BreathSettings",
    "DynamicsSettings",
    "FeatureSettings",
    "PhraseSettings",
    "TempoSettings",
]

# Weights of the metrical-level scorer, one per feature of `tempo_evidence.FEATURES`: a
# conditional logit (which candidate lies within 4 % of the annotated beat?) fitted on the
# tuning half of bench/tempo_asap together with generated steady pulses and the steady
# stretches of generated scenarios (seeds 100-103, not those the benchmark scores), all
# weighted alike. Weighting the generated material more trades ASAP accuracy for it.
_LEVEL_WEIGHTS = (
    2.711,
    1.322,
    0.761,
    2.397,
    1.089,
    -0.517,
    1.337,
    0.459,
    2.78,
    -5.024,
    -0.067,
    0.176,
)


class TempoSettings(BaseModel):
    """Tracker parameters.

    The level weights and filter constants were fitted on the tuning half of bench/tempo_asap
    (ASAP piano performances, pieces at even positions in sorted (composer, title) order) with
    generated material added so that steady playing keeps its beat; the held-out half was only
    used to report."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    window_s: float = Field(default=8.0, gt=0.0)
    """Onsets older than this (seconds before the estimate time) are forgotten."""
    chord_merge_s: float = Field(default=0.05, ge=0.0)
    """Onsets closer than this to the first note of a chord count as one onset."""
    min_bpm: float = Field(default=20.0, gt=0.0)
    """Slowest tempo reported."""
    max_bpm: float = Field(default=260.0, gt=0.0)
    """Fastest tempo reported."""
    min_onsets: int = Field(default=4, ge=2)
    """Fewer merged onsets than this in the window and the tempo is unknown."""
    refresh_s: float = Field(default=1.0, ge=0.0)
    """The evidence is recomputed at most this often; between, the last estimate stands."""
    bin_width: float = Field(default=0.01, gt=0.0, le=0.05)
    """Width of one period bin in natural-log units (0.01 is 1 %)."""
    lag_sigma: float = Field(default=0.03, gt=0.0)
    """Smoothing of the interval histograms, in log units: tolerance to timing spread."""
    harmonic_weights: tuple[float, ...] = (1.0, 0.6, 0.4, 0.3)
    """Weight of the histogram at 1, 2, 3, ... times a period when scoring that period."""
    bass_pitch: int = Field(default=52, ge=0, le=127)
    """Notes at or below this MIDI pitch count as bass notes: they tend to fall on beats."""
    peaks: int = Field(default=4, ge=1)
    """Strongest periodicities whose metrical levels (x1/3 to x3) are candidates for the beat."""
    level_weights: tuple[float, ...] = _LEVEL_WEIGHTS
    """Weights of the candidate features (see `tempo_evidence.FEATURES`) in the level score."""
    likelihood_floor: float = Field(default=1e-3, gt=0.0)
    """Likelihood left to every tempo bin, so that no tempo becomes impossible."""
    drift_per_s: float = Field(default=0.04, gt=0.0)
    """Expected tempo drift between estimates one second apart, in log units (4 %)."""
    jump_per_s: float = Field(default=0.003, ge=0.0, le=1.0)
    """Probability per second of a jump to an unrelated tempo (a new section)."""
    confidence_band: float = Field(default=0.04, ge=0.0)
    """Posterior mass within this relative band of the estimate is the confidence."""


class DynamicsSettings(BaseModel):
    """Thresholds that turn velocities into markings, trends and "dynamics change" observations."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    band_upper: tuple[int, int, int, int, int, int] = (31, 47, 63, 79, 95, 127)
    """Highest velocity of each band pp, p, mp, mf, f, ff: six even bands over 1-127 are what
    most velocity curves map the printed markings to; ff must end at 127 so every velocity fits."""

    smoothing_s: float = Field(default=2.0, gt=0)
    """Mean velocity over the notes of the last seconds: one accent must not flip the marking,
    yet a marking should follow the player within a breath or two."""

    trend_window_s: float = Field(default=4.0, gt=0)
    """Span compared for crescendo/decrescendo: the mean of its recent half against its older
    half. A felt crescendo lasts a few seconds; shorter spans report accents as trends."""

    trend_slope: float = Field(default=4.0, gt=0)
    """Velocity change per second that counts as crescendo/decrescendo. p to f (about 40 to 88)
    over 6 s is 8/s; 4/s catches that and ignores the +-2/s wobble of steady playing."""

    change_bands: int = Field(default=2, ge=1, le=5)
    """How many bands the marking must move from the last reported one before it is logged as
    an automatic "dynamics change" observation: p -> mf counts, p -> mp is ordinary shading."""

    change_hold_s: float = Field(default=2.0, ge=0)
    """How long the new marking must hold before the change is logged, so a single loud chord
    in quiet playing is not reported."""

    @field_validator("band_upper")
    @classmethod
    def _ascending_to_127(
        cls, bands: tuple[int, int, int, int, int, int]
    ) -> tuple[int, int, int, int, int, int]:
        if bands[0] < 1 or any(b <= a for a, b in itertools.pairwise(bands)):
            raise ValueError(f"band_upper must rise strictly from at least 1; got {list(bands)}")
        if bands[-1] != 127:
            raise ValueError(
                f"band_upper must end at 127 so every velocity has a marking; got {bands[-1]}"
            )
        return bands


class FeatureSettings(BaseModel):
    """Every threshold of the per-player features, so a preset can tune them as data."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tempo: TempoSettings = Field(default_factory=TempoSettings)
    """Pulse estimation (window, chord merging, prior): see `analysis.tempo`."""

    dynamics: DynamicsSettings = Field(default_factory=DynamicsSettings)
    """Velocity bands, smoothing and crescendo detection."""

    phrases: PhraseSettings = Field(default_factory=PhraseSettings)
    """Rests that split phrases and the length of a silence."""

    breath: BreathSettings = Field(default_factory=BreathSettings)
    """Breath rate from taps and breath-matched phrasing."""

    window_s: float = Field(default=4.0, gt=0)
    """Span for note density and register: a few seconds holds enough notes (20-80) for a
    stable mean, and still shows a change of texture within a phrase or two."""

    tempo_change_pct: float = Field(default=8.0, gt=0)
    """Percent change from the last reported tempo that counts as speeding up or slowing
    down: about the smallest tempo change listeners notice in live music (5-10 %)."""

    tempo_change_hold_s: float = Field(default=4.0, ge=0)
    """How long the changed tempo must persist before it is logged: a rubato or a fill is not
    a change of pulse; two bars at most tempi is."""

    tempo_min_confidence: float = Field(default=0.3, ge=0, le=1)
    """Tempo estimates below this confidence neither start nor confirm a change: free,
    unpulsed playing must not produce tempo observations."""
