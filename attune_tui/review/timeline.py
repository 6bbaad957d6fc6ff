"""The review timeline as data: curves, spans, marks and moments of one stored session.

Built once from the session's observations and its saved analysis, and again after an edit.
Arrays are sorted by time so that `columns` can fold any stretch of them into screen columns
with a few binary searches.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from attune_tui.analysis.breath import BREATH_CODE
from attune_tui.analysis.notes import PLAYERS, Player
from attune_tui.model.observation import Observation
from attune_tui.model.preset import Preset
from attune_tui.report.reviewed import MARKED, moment_status
from attune_tui.review.columns import FloatArray
from attune_tui.store.observations import moment_key
from attune_tui.wording import AUTO_CATEGORY, OWN_CATEGORIES

VELOCITY_RANGE = (0.0, 127.0)


@dataclass(frozen=True, slots=True)
class Series:
    """One value per second of the analysis (NaN where nothing was played)."""

    t: FloatArray
    values: FloatArray


@dataclass(frozen=True, slots=True)
class Spans:
    """Non-overlapping stretches sorted by start; `flags` marks the highlighted ones."""

    starts: FloatArray
    ends: FloatArray
    flags: tuple[bool, ...]


@dataclass(frozen=True, slots=True)
class MomentBand:
    """An attunement moment with the therapist's review verdict."""

    start: float
    end: float
    dimensions: tuple[str, ...]
    strength: float
    leader: str
    pattern: str | None
    source: str  # auto, manual, both
    verdict: str  # open, accepted, rejected; manual for the therapist's own marks

    @property
    def key(self) -> str:
        return moment_key(self.start, self.end)

    @property
    def reviewable(self) -> bool:
        """A manual moment is the therapist's own mark: edit the mark, not a verdict."""
        return self.source != "manual"


@dataclass(frozen=True, slots=True)
class ObservationLane:
    """The observations of one category; states that were stopped also as spans."""

    category: str
    observations: tuple[Observation, ...]
    times: FloatArray
    letters: tuple[str, ...]  # what each observation's tick shows: its code's key or initial
    ids: frozenset[str]
    states: Spans
    state_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Timeline:
    """Everything the review timeline draws, and the order jumps move through."""

    duration: float
    tempo: dict[Player, Series]
    dynamics: dict[Player, Series]
    phrases: dict[Player, Spans]
    breaths: FloatArray
    lanes: tuple[ObservationLane, ...]
    moments: tuple[MomentBand, ...]
    observations: tuple[Observation, ...]
    tempo_range: tuple[float, float]
    by_id: dict[str, Observation]

    def observation(self, oid: str) -> Observation | None:
        return self.by_id.get(oid)

    def moment(self, key: str) -> MomentBand | None:
        return next((m for m in self.moments if m.key == key), None)


def build_timeline(
    observations: Sequence[Observation],
    verdicts: Mapping[str, str],
    analysis: Mapping[str, Any] | None,
    preset: Preset,
    duration_s: float,
) -> Timeline:
    """The timeline of a session; `analysis` is the saved analysis JSON (None: no MIDI)."""
    doc: Mapping[str, Any] = analysis or {}
    ordered = tuple(sorted(observations, key=lambda o: o.t))
    last = max((o.end or o.t for o in ordered), default=0.0)
    duration = max(duration_s, float(doc.get("duration_s") or 0.0), last)
    tempo = {p: _series(doc.get("tempo", ()), p, "bpm") for p in PLAYERS}
    return Timeline(
        duration=duration,
        tempo=tempo,
        dynamics={p: _series(doc.get("dynamics", ()), p, "velocity") for p in PLAYERS},
        phrases={p: _phrases(doc.get("phrases", ()), p) for p in PLAYERS},
        breaths=np.array([o.t for o in ordered if o.code == BREATH_CODE], dtype=np.float64),
        lanes=_lanes(ordered, preset),
        moments=tuple(_moment(m, verdicts) for m in doc.get("moments", ())),
        observations=ordered,
        tempo_range=_tempo_range(tempo),
        by_id={o.id: o for o in ordered},
    )


def _series(rows: Sequence[Mapping[str, Any]], player: str, key: str) -> Series:
    mine = [r for r in rows if r.get("player") == player]
    t = np.array([float(r["t"]) for r in mine], dtype=np.float64)
    values = np.array(
        [np.nan if r.get(key) is None else float(r[key]) for r in mine], dtype=np.float64
    )
    return Series(t, values)


def _phrases(rows: Sequence[Mapping[str, Any]], player: str) -> Spans:
    mine = sorted((r for r in rows if r.get("player") == player), key=lambda r: r["start"])
    return Spans(
        np.array([float(r["start"]) for r in mine], dtype=np.float64),
        np.array([float(r["end"]) for r in mine], dtype=np.float64),
        tuple(r.get("breath_matched") is True for r in mine),
    )


def _moment(row: Mapping[str, Any], verdicts: Mapping[str, str]) -> MomentBand:
    start, end, source = float(row["start"]), float(row["end"]), str(row.get("source", "auto"))
    # As every export has it; the timeline names the therapist's own moments "manual".
    status = moment_status(row, verdicts)
    verdict = "manual" if status == MARKED else status
    return MomentBand(
        start=start,
        end=end,
        dimensions=tuple(row.get("dimensions", ())),
        strength=float(row.get("strength", 0.0)),
        leader=str(row.get("leader", "none")),
        pattern=row.get("pattern"),
        source=source,
        verdict=verdict,
    )


def lane_categories(preset: Preset) -> list[str]:
    """The preset's categories in the order its codes list them, then the automatic lane."""
    seen: list[str] = []
    for code in preset.codes:
        if code.code != BREATH_CODE and code.category not in seen:
            seen.append(code.category)
    return [*seen, AUTO_CATEGORY]


def category_of(obs: Observation, preset: Preset) -> str:
    """The preset's category; the app's own marks (a pause) are the session's, the rest is
    what the MIDI analysis found."""
    code = preset.by_code().get(obs.code)
    return code.category if code is not None else OWN_CATEGORIES.get(obs.code, AUTO_CATEGORY)


def _lanes(ordered: Sequence[Observation], preset: Preset) -> tuple[ObservationLane, ...]:
    by_category: dict[str, list[Observation]] = {c: [] for c in lane_categories(preset)}
    for obs in ordered:
        if obs.code != BREATH_CODE:  # breath taps have their own lane
            by_category.setdefault(category_of(obs, preset), []).append(obs)
    # A tick shows the key that logs its code: keys are unique in a preset, so two codes of
    # one lane never look alike (initials do: Matching and Mirroring). Codes without a
    # single-character key (the analysis's own, f-keys) show their initials.
    keys = {c.code: c.key.upper() for c in preset.codes if len(c.key) == 1}
    return tuple(_lane(category, items, keys) for category, items in by_category.items())


def _lane(category: str, items: list[Observation], keys: Mapping[str, str]) -> ObservationLane:
    states = sorted((o for o in items if o.end is not None), key=lambda o: o.t)
    return ObservationLane(
        category=category,
        observations=tuple(items),
        times=np.array([o.t for o in items], dtype=np.float64),
        letters=tuple(keys.get(o.code) or initials(o.code)[:1] or "•" for o in items),
        ids=frozenset(o.id for o in items),
        states=Spans(
            np.array([o.t for o in states], dtype=np.float64),
            np.array([o.end or o.t for o in states], dtype=np.float64),
            tuple(False for _ in states),
        ),
        state_ids=tuple(o.id for o in states),
    )


def _tempo_range(tempo: Mapping[Player, Series]) -> tuple[float, float]:
    """Both players on one scale, robust to a few wild estimates."""
    values = np.concatenate([s.values[np.isfinite(s.values)] for s in tempo.values()])
    if len(values) == 0:
        return (60.0, 180.0)
    low, high = np.percentile(values, [2, 98])
    return (float(low) - 2.0, float(high) + 2.0)


def initials(code: str) -> str:
    """`breath-phrasing` -> `BP`: what a tick shows of its code."""
    return "".join(part[0] for part in code.replace("_", "-").split("-") if part).upper()
