"""The offline pipeline behind `attune analyze --json`: the live trackers run over a whole session.

`analyze_notes` drives one `PlayerFeatures` per player over the same 0.5 s grid the live screen
uses, and `analysis_to_json` builds the versioned JSON document from that analysis plus the
attunement moments and summary, which are computed elsewhere and passed in.

JSON contract, version 1 (times in seconds from session start; `null` where undefined):

| key | type | content |
|---|---|---|
| `version` | int | 1; bumped when a key changes meaning or disappears |
| `duration_s` | float | session length analysed |
| `players` | object | `client` and `therapist`: one player summary each |
| `tempo` | list | one tempo row per second (t = 1, 2, 3...) per player |
| `dynamics` | list | one dynamics row per second per player |
| `phrases` | list | phrase rows of both players |
| `events` | list | automatic observations of both players |
| `breath` | object | `taps` (count), `rate` (median breaths/min over all taps, or null) |
| `moments` | list | attunement moments (see `analysis.attunement`) |
| `summary` | object/null | attunement summary (see `analysis.attunement`) |
| `settings` | object | the analysis settings used, so a result can be reproduced |

| row | fields |
|---|---|
| player summary | `notes` (count), `mean_velocity`, `median_bpm` (median of the per-second bpm with confidence >= `tempo_min_confidence`), `phrases` (count), `mean_phrase_s`, `breath_matched_phrases` (count) |
| tempo | `t`, `player`, `bpm` (float/null), `confidence` (0-1); the value at `t` uses only onsets before `t` |
| dynamics | `t`, `player`, `marking` (`pp`..`ff`; null when nothing was played in the smoothing window), `velocity` (mean velocity or null), `trend` (`crescendo`, `decrescendo`, `steady`) |
| phrase | `player`, `start`, `end`, `length` (s), `notes`, `peak_velocity`, `breath_matched` (true/false; null without breath taps near the phrase) |
| event | `t`, `player`, `code` (`tempo_change`, `dynamics_change`, `phrase_start`, `phrase_end`, `silence_start`, `silence_end`), `detail` (text) |

Rows of `tempo` and `dynamics` are ordered by `t`, then client before therapist; `phrases` and
`events` by time.
"""

# The contract tables above go verbatim into the README, where table rows may be long.
# ruff: noqa: E501
from __future__ import annotations

import itertools
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from attune_tui.analysis.breath import breath_matched
from attune_tui.analysis.features import (
    GRID_STEP_S,
    AutoEvent,
    PlayerFeatures,
    PlayerSnapshot,
)
from attune_tui.analysis.notes import PLAYERS, Note, Player
from attune_tui.analysis.phrases import Phrase
from attune_tui.analysis.settings import FeatureSettings

JSON_VERSION = 1


@dataclass(frozen=True, slots=True)
class PlayerAnalysis:
    """Everything the trackers produced for one player over the session."""

    player: Player
    notes: int
    mean_velocity: float | None
    snapshots: list[PlayerSnapshot]  # every grid point, 0.5 s apart, starting at 0.5 s
    phrases: list[Phrase]
    breath_matched: list[bool | None]  # parallel to `phrases`
    events: list[AutoEvent]

    @property
    def per_second(self) -> list[PlayerSnapshot]:
        """The snapshots at whole seconds (1 s, 2 s...), as reported in the JSON rows."""
        per = round(1.0 / GRID_STEP_S)  # the grid starts one step after 0
        return self.snapshots[per - 1 :: per]


@dataclass(frozen=True, slots=True)
class Analysis:
    """A whole session analysed per player, before the attunement measures are added."""

    duration_s: float
    players: dict[Player, PlayerAnalysis]
    breath_taps: tuple[float, ...]
    settings: FeatureSettings

    @property
    def breath_matched_phrases(self) -> int:
        """Phrases of either player that were breath-matched, for the session summary."""
        return sum(1 for pa in self.players.values() for matched in pa.breath_matched if matched)


def analyze_notes(
    notes: Iterable[Note],
    duration_s: float,
    settings: FeatureSettings | None = None,
    breath_taps: Sequence[float] = (),
    *,
    tempo: bool = True,
) -> Analysis:
    """Run the live per-player trackers over complete notes of a session `duration_s` long.

    `tempo=False` leaves the tempo out (bpm None): phrases, dynamics and breath matching are
    the same, at a fraction of the cost, which is what the session summary needs."""
    if duration_s < 0:
        raise ValueError(f"duration_s must not be negative; got {duration_s}")
    settings = settings if settings is not None else FeatureSettings()
    by_player: dict[Player, list[Note]] = {p: [] for p in PLAYERS}
    for note in sorted(notes, key=attrgetter("t")):
        by_player[note.player].append(note)
    taps = tuple(sorted(breath_taps))
    players = {
        player: _analyze_player(player, by_player[player], duration_s, settings, taps, tempo)
        for player in PLAYERS
    }
    return Analysis(duration_s, players, taps, settings)


def _analyze_player(
    player: Player,
    notes: list[Note],
    duration_s: float,
    settings: FeatureSettings,
    taps: tuple[float, ...],
    tempo: bool,
) -> PlayerAnalysis:
    tracker = PlayerFeatures(player, settings, tempo=tempo)
    tracker.add_notes(notes)
    snapshots = tracker.advance(duration_s)
    events = tracker.finish(duration_s)
    phrases = tracker.phrases
    mean_velocity = sum(n.velocity for n in notes) / len(notes) if notes else None
    return PlayerAnalysis(
        player=player,
        notes=len(notes),
        mean_velocity=mean_velocity,
        snapshots=snapshots,
        phrases=phrases,
        breath_matched=breath_matched(phrases, taps, settings.breath),
        events=events,
    )


def analysis_to_json(
    analysis: Analysis,
    moments: Sequence[Mapping[str, Any]] = (),
    summary: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The versioned JSON document (see the module docstring), ready for orjson."""
    players = [analysis.players[p] for p in PLAYERS]
    # both players walked the same grid, so their per-second rows pair up by position
    rows = [s for pair in zip(*(pa.per_second for pa in players), strict=True) for s in pair]
    phrases = sorted(
        (
            (phrase, matched)
            for pa in players
            for phrase, matched in zip(pa.phrases, pa.breath_matched, strict=True)
        ),
        key=lambda pm: (pm[0].start, PLAYERS.index(pm[0].player)),
    )
    events = sorted((e for pa in players for e in pa.events), key=attrgetter("t"))
    taps = analysis.breath_taps
    return {
        "version": JSON_VERSION,
        "duration_s": analysis.duration_s,
        "players": {pa.player: _player_json(pa, analysis.settings) for pa in players},
        "tempo": [
            {
                "t": s.t,
                "player": s.player,
                "bpm": None if s.bpm is None else round(s.bpm, 2),
                "confidence": round(s.tempo_confidence, 3),
            }
            for s in rows
        ],
        "dynamics": [
            {
                "t": s.t,
                "player": s.player,
                "marking": s.marking,
                "velocity": None if s.velocity is None else round(s.velocity, 2),
                "trend": s.trend,
            }
            for s in rows
        ],
        "phrases": [_phrase_json(phrase, matched) for phrase, matched in phrases],
        "events": [
            {"t": round(e.t, 3), "player": e.player, "code": e.code, "detail": e.detail}
            for e in events
        ],
        "breath": {
            "taps": len(taps),
            "rate": _round(_overall_breath_rate(taps), 2),
        },
        "moments": [dict(m) for m in moments],
        "summary": dict(summary) if summary is not None else None,
        "settings": analysis.settings.model_dump(mode="json"),
    }


def _player_json(pa: PlayerAnalysis, settings: FeatureSettings) -> dict[str, Any]:
    confident = [
        s.bpm
        for s in pa.per_second
        if s.bpm is not None and s.tempo_confidence >= settings.tempo_min_confidence
    ]
    lengths = [p.length for p in pa.phrases]
    return {
        "notes": pa.notes,
        "mean_velocity": _round(pa.mean_velocity, 2),
        "median_bpm": _round(statistics.median(confident), 2) if confident else None,
        "phrases": len(pa.phrases),
        "mean_phrase_s": _round(statistics.fmean(lengths), 3) if lengths else None,
        "breath_matched_phrases": sum(1 for m in pa.breath_matched if m),
    }


def _phrase_json(phrase: Phrase, matched: bool | None) -> dict[str, Any]:
    return {
        "player": phrase.player,
        "start": round(phrase.start, 3),
        "end": round(phrase.end, 3),
        "length": round(phrase.length, 3),
        "notes": phrase.notes,
        "peak_velocity": phrase.peak_velocity,
        "breath_matched": matched,
    }


def _overall_breath_rate(taps: tuple[float, ...]) -> float | None:
    if len(taps) < 2:
        return None
    period = statistics.median(b - a for a, b in itertools.pairwise(taps))
    return 60.0 / period if period > 0 else None


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)
