"""Attunement between client and therapist: windows, roles, moments and match-then-guide.

Live and offline share one path: `analyze_attunement` loads the notes into an
`AttunementTracker` and steps it over the same fixed window grid the live engine steps it over,
so the offline JSON is what the live meter showed. Only onsets and velocities are read (not
durations), so a note can be fed the moment it starts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from attune_tui.analysis.attunement_leader import asynchrony_lead, convergence_lead, entry_lead
from attune_tui.analysis.attunement_measures import WindowMeter
from attune_tui.analysis.attunement_moments import (
    DIMENSIONS,
    AttunementSummary,
    Moment,
    join_manual,
    summarize_moments,
)
from attune_tui.analysis.attunement_onsets import FloatArray, OnsetStore, split_by_player
from attune_tui.analysis.attunement_roles import (
    LeadEvidence,
    MatchGuideEpisode,
    combine,
    echo_lead,
    event_lead,
    lead_evidence,
    match_then_guide,
    micro_lead,
    moment_leader,
    roles,
)
from attune_tui.analysis.attunement_series import Series, Vitality
from attune_tui.analysis.attunement_settings import AttunementSettings
from attune_tui.analysis.attunement_types import (
    AttunementResult,
    AttunementState,
    AttunementWindow,
)
from attune_tui.analysis.notes import Note

__all__ = [
    "AttunementResult",
    "AttunementSettings",
    "AttunementState",
    "AttunementSummary",
    "AttunementTracker",
    "AttunementWindow",
    "MatchGuideEpisode",
    "Moment",
    "analyze_attunement",
    "join_manual",
    "summarize",
]


# How much each kind of evidence counts towards a moment's leader: log-odds weights fitted on
# the tuning scenarios (seeds 2000-2199), rounded. Who moved to meet whom and whose changes
# were echoed are the most direct signs; who came in first and onset lag are weaker alone.
VOTE_WEIGHTS = {
    "changes": 2.4,
    "convergence": 2.4,
    "events": 0.85,
    "entries": 0.85,
    "asynchrony": 0.7,
    "answers": 3.5,
}


def _opt(x: float) -> float | None:
    return x if math.isfinite(x) else None


class AttunementTracker:
    """Feed notes as they arrive, call `update(t)`; a window is judged once t passes its end."""

    BATCH = 600  # windows measured together offline: fast, and memory stays small

    def __init__(self, settings: AttunementSettings | None = None) -> None:
        self.s = settings or AttunementSettings()
        self._meter = WindowMeter(self.s)
        self._onsets = {
            "client": OnsetStore(self.s.chord_merge_s),
            "therapist": OnsetStore(self.s.chord_merge_s),
        }
        self._vc, self._vt = Vitality(), Vitality()
        self._micro = Series()
        self.windows: list[AttunementWindow] = []
        self.moments: list[Moment] = []
        self.episodes: list[MatchGuideEpisode] = []
        self._run: tuple[int, int] | None = None  # first and last attuned window of the run
        self._announced = False

    def add_note(self, note: Note) -> None:
        """Take a note as it starts (duration is not used); zero-velocity notes are ignored."""
        if note.velocity > 0:
            self._onsets[note.player].add(note.t, float(note.velocity))

    def add_notes(self, notes: Sequence[Note]) -> None:
        """Take many notes at once (offline): same onsets as adding them one by one in order."""
        for player, (t, v) in split_by_player(notes).items():
            self._onsets[player].extend_sorted(t, v)

    def update(self, t: float) -> AttunementState | None:
        """Judge every window that ended by t; the latest state, or None if none completed."""
        due = int(np.floor(t / self.s.step_s + 1e-9)) - len(self.windows)
        state: AttunementState | None = None
        started = False
        while due > 0:
            count = min(due, self.BATCH)
            first = len(self.windows) + 1
            ends = np.arange(first, first + count, dtype=np.float64) * self.s.step_s
            for window in self._judge(ends):
                self.windows.append(window)
                started = self._advance_moments() or started
                state = AttunementState(
                    t=window.end,
                    meter=window.score,
                    attuned=window.attuned,
                    dimensions=window.dimensions,
                    client_role=window.client_role,
                    therapist_role=window.therapist_role,
                    in_moment=self._announced,
                    moment_started=started,
                )
            due -= count
        return state

    def finish(self, t: float) -> AttunementResult:
        """Judge the remaining windows up to t and close any open moment."""
        self.update(t)
        if self._run is not None:
            self._close_run()
        return AttunementResult(tuple(self.windows), tuple(self.moments), tuple(self.episodes))

    # -- windows -------------------------------------------------------------------------

    def _judge(self, ends: FloatArray) -> list[AttunementWindow]:
        s = self.s
        c, t = self._onsets["client"], self._onsets["therapist"]
        b = self._meter.measure(c.t, c.v, t.t, t.v, ends)
        weights = s.weight_timing + s.weight_intensity + s.weight_shape
        score = (
            s.weight_timing * b.timing
            + s.weight_intensity * b.intensity
            + s.weight_shape * np.maximum(b.shape, b.turns)
        ) / weights
        flags = np.stack((b.intensity, b.timing, b.shape), axis=1) >= s.dimension_threshold
        resting = self._resting(ends)
        attuned = (score >= s.attuned_threshold) & flags.any(axis=1) & ~resting
        base = len(self.windows)
        self._vc.extend(b.client.recent_velocity, b.client.period)
        self._vt.extend(b.therapist.recent_velocity, b.therapist.period)
        self._micro.extend(micro_lead(b.asynchrony, b.plv, b.pulse, s.micro_lead_full_s))
        lead = np.zeros(len(ends))
        picked = np.flatnonzero(attuned)
        if len(picked):
            steps = round(s.lead_window_s / s.step_s)
            macro = self._lead(base + picked, steps)
            micro = self._micro.values[base + picked]
            lead[picked] = combine(macro.score, macro.reliability, micro)
        # Plain Python values once per batch: converting element by element is the slow part.
        cols = zip(
            b.starts.tolist(),
            ends.tolist(),
            score.tolist(),
            attuned.tolist(),
            flags.tolist(),
            b.timing.tolist(),
            b.intensity.tolist(),
            b.shape.tolist(),
            b.turns.tolist(),
            b.tempo_ratio.tolist(),
            b.asynchrony.tolist(),
            lead.tolist(),
            resting.tolist(),
            strict=True,
        )
        out: list[AttunementWindow] = []
        for start, end, sc, att, flag, tim, inten, shp, trn, ratio, asyn, ld, rest in cols:
            dims = tuple(name for name, f in zip(DIMENSIONS, flag, strict=True) if f)
            client_role, therapist_role = roles(ld, att, s.lead_threshold)
            out.append(
                AttunementWindow(
                    start=start,
                    end=end,
                    score=sc,
                    attuned=att,
                    dimensions=dims,
                    timing=tim,
                    intensity=inten,
                    shape=shp,
                    turns=trn,
                    tempo_ratio=_opt(ratio),
                    asynchrony_s=_opt(asyn),
                    lead=ld,
                    client_role=client_role,
                    therapist_role=therapist_role,
                    resting=rest,
                )
            )
        return out

    def _resting(self, ends: FloatArray) -> NDArray[np.bool_]:
        """Whether each window's centre lies in a pause of both players of `rest_split_s`."""
        centre = ends - self.s.window_s / 2.0
        last = np.full(len(ends), -np.inf)
        nxt = ends.copy()
        for store in self._onsets.values():
            t = store.t
            if len(t) == 0:
                continue
            i = np.searchsorted(t, centre)
            before = np.where(i > 0, t[np.maximum(i - 1, 0)], -np.inf)
            after = np.where(i < len(t), t[np.minimum(i, len(t) - 1)], np.inf)
            last = np.maximum(last, before)
            nxt = np.minimum(nxt, after)
        return np.asarray(np.minimum(nxt, ends) - last >= self.s.rest_split_s)

    def _lead(self, ks: NDArray[np.int64], steps: int) -> LeadEvidence:
        """Lead evidence over the `steps` windows up to each window in ks."""
        idx = np.maximum(ks[:, None] - steps + np.arange(steps + 1)[None, :], 0)
        dc = np.diff(self._vc.series.values[idx], axis=1)
        dt = np.diff(self._vt.series.values[idx], axis=1)
        return lead_evidence(dc, dt, round(self.s.lead_max_delay_s / self.s.step_s))

    # -- moments -------------------------------------------------------------------------

    def _advance_moments(self) -> bool:
        """Extend, close or start the run of attuned windows; True when a moment just began."""
        k = len(self.windows) - 1
        s = self.s
        window = self.windows[k]
        if window.attuned:
            first = k if self._run is None else self._run[0]
            self._run = (first, k)
        elif self._run is not None and (
            window.resting or (k - self._run[1]) * s.step_s > s.merge_gap_s
        ):
            self._close_run()
        if self._run is None or self._announced:
            return False
        first, last = self._run
        if (last - first + 1) * s.step_s >= s.min_moment_s:
            self._announced = True
            return True
        return False

    def _span(self, first: int, last: int) -> tuple[float, float]:
        half = self.s.window_s / 2.0
        step = self.s.step_s
        start = self.windows[first].end - half - step / 2.0
        end = self.windows[last].end - half + step / 2.0
        return max(0.0, start), end

    def _close_run(self) -> None:
        assert self._run is not None
        first, last = self._run
        self._run = None
        self._announced = False
        if (last - first + 1) * self.s.step_s < self.s.min_moment_s:
            return
        self.moments.append(self._moment(first, last))

    def _moment(self, first: int, last: int) -> Moment:
        s = self.s
        start, end = self._span(first, last)
        judged = [k for k in range(first, last + 1) if self.windows[k].attuned]
        windows = [self.windows[k] for k in judged]
        strength = float(np.mean([w.score for w in windows]))
        dims = tuple(
            d for d in DIMENSIONS if sum(d in w.dimensions for w in windows) * 2 >= len(windows)
        )
        macro = self._lead(np.array([last]), last - max(0, first - 2))
        # Votes on who led, each in [-1, 1] (+ therapist): echoed changes, who moved to meet
        # whom, sustained changes taken up, who came in first after breaths, who plays early.
        w = VOTE_WEIGHTS
        c = self._onsets["client"].t, self._onsets["client"].v
        t = self._onsets["therapist"].t, self._onsets["therapist"].v
        votes = {
            "changes": w["changes"] * float(macro.score[0] * macro.reliability[0]),
            "convergence": w["convergence"]
            * convergence_lead(
                c, t, start - s.convergence_before_s, min(start + s.convergence_after_s, end)
            ),
            "events": w["events"] * self._events(first, last),
            "entries": w["entries"] * entry_lead(c, t, start, end, s.entry_gap_s, s.entry_join_s),
            "asynchrony": w["asynchrony"]
            * asynchrony_lead(c, t, start, end, s.asynchrony_max_s, s.asynchrony_full_s),
        }
        span = slice(first, last + 1)
        times = np.array([w.end for w in self.windows[span]]) - self._meter.recent_s / 2.0
        episode = match_then_guide(
            (self._vc.series.values[span], self._vc.loud_series.values[span]),
            (self._vt.series.values[span], self._vt.loud_series.values[span]),
            times,
            s,
        )
        pattern: str | None = None
        if episode is not None:
            episode = replace(episode, match_start=start)
            self.episodes.append(episode)
            pattern = "match-then-guide"
        elif sum(w.turns >= 0.5 for w in windows) * 5 >= 2 * len(windows):
            pattern = "call-and-response"
            # In turns, who answers whom says most about who leads.
            ct, cv = self._onsets["client"].window(start, end)
            tt, tv = self._onsets["therapist"].window(start, end)
            votes["answers"] = w["answers"] * echo_lead(
                (ct, cv), (tt, tv), s.phrase_gap_s, s.turn_max_gap_s
            )
        lead = sum(votes.values())
        if episode is not None:
            lead = max(lead, s.moment_lead_threshold + 1e-6)  # therapist-led by definition
        evidence = sum(abs(v) for v in votes.values())
        leader = moment_leader(lead, evidence, s.moment_lead_threshold)
        return Moment(start, end, dims, strength, leader, pattern, "auto")

    def _events(self, first: int, last: int) -> float:
        """Whose sustained changes of loudness or pace the other took up, over the moment."""
        lo = max(first - round(self.s.window_s / self.s.step_s), 0)
        span = slice(lo, last + 1)
        c = (self._vc.loud_series.values[span], self._vc.pace_series.values[span])
        t = (self._vt.loud_series.values[span], self._vt.pace_series.values[span])
        score, pairs = event_lead(c, t, round(self.s.lead_max_delay_s / self.s.step_s))
        return score * min(pairs / 2.0, 1.0)


def analyze_attunement(
    notes: Sequence[Note],
    duration_s: float,
    settings: AttunementSettings | None = None,
    manual_marks: Sequence[float] = (),
    manual_tolerance_s: float = 3.0,
) -> AttunementResult:
    """Offline analysis of a whole session: the live tracker stepped over every window."""
    tracker = AttunementTracker(settings)
    tracker.add_notes(notes)
    result = tracker.finish(duration_s)
    if manual_marks:
        moments = join_manual(result.moments, manual_marks, manual_tolerance_s)
        result = AttunementResult(result.windows, moments, result.episodes)
    return result


def summarize(
    result: AttunementResult,
    duration_s: float,
    breath_matched_phrases: int | None = None,
    affect_shifts: int | None = None,
) -> AttunementSummary:
    """Session-level figures of an analysis (optionally joined with the session's own counts)."""
    return summarize_moments(
        result.moments, result.episodes, duration_s, breath_matched_phrases, affect_shifts
    )
