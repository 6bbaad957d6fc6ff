"""Phrases and silences: the shape a therapist hears, cut from notes by the rests between them.

A phrase ends where nothing has sounded for `rest_s`; a silence is a rest of at least `silence_s`.
One incremental segmenter serves the live tracker (notes arrive while still held) and the offline
pipeline (notes arrive complete), so both cut the same phrases.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from attune_tui.analysis.notes import Note, Player

BoundaryCode = Literal["phrase_start", "phrase_end", "silence_start", "silence_end"]


class PhraseSettings(BaseModel):
    """What counts as the rest between phrases, as a silence, and as a phrase at all."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rest_s: float = Field(default=1.0, gt=0)
    """Seconds with no sounding note that split two phrases. Players breathe between phrases
    in 0.8-1.2 s; shorter gaps are articulation inside a phrase."""

    silence_s: float = Field(default=3.0, gt=0)
    """Seconds with no sounding note that make a silence worth an observation: long enough to
    be a choice (waiting, withdrawing, listening), not a pause for breath."""

    min_notes: int = Field(default=3, ge=1)
    """Fewest notes a phrase needs; one or two stray notes between rests are not phrasing."""

    @model_validator(mode="after")
    def _silence_not_shorter_than_rest(self) -> PhraseSettings:
        if self.silence_s < self.rest_s:
            raise ValueError(
                f"silence_s ({self.silence_s}) must be at least rest_s ({self.rest_s}): "
                "a silence is a long rest"
            )
        return self


@dataclass(frozen=True, slots=True)
class Phrase:
    """A run of notes between rests: from the first onset to when the last note stopped."""

    player: Player
    start: float
    end: float
    notes: int
    peak_velocity: int

    @property
    def length(self) -> float:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Boundary:
    """A phrase or silence starting or ending, at the time it happened (not when it was known)."""

    t: float
    code: BoundaryCode
    detail: str


class PhraseSegmenter:
    """Cuts one player's notes into phrases and silences as the notes and the clock arrive.

    Feed onsets in order with `note_on`, ends of held notes with `note_off`, and the passing of
    time with `tick(t)` (meaning: no further onset before `t`). Boundaries are appended to
    `boundaries` in the order they become known; finished phrases to `phrases`.
    """

    def __init__(self, player: Player, settings: PhraseSettings) -> None:
        self.player: Player = player
        self._rest = settings.rest_s
        self._silence = settings.silence_s
        self._min_notes = settings.min_notes
        self.phrases: list[Phrase] = []
        self.boundaries: list[Boundary] = []
        self._held = 0
        self._last_end = 0.0  # the session start counts as the end of the last sound
        self._start: float | None = None
        self._count = 0
        self._peak = 0
        self._in_silence = False

    @property
    def sound_end(self) -> float:
        """When the last sound stopped; infinite while a note is held."""
        return math.inf if self._held else self._last_end

    @property
    def phrase_start(self) -> float | None:
        """Start of the current phrase once it has enough notes to be one."""
        return self._start if self._count >= self._min_notes else None

    def note_on(self, onset: float, end: float | None, velocity: int) -> None:
        """A note starts; `end` is None while it is held (live), known when it is complete."""
        last = math.inf if self._held else self._last_end
        gap = onset - last
        if self._start is not None and gap >= self._rest:
            self._close_phrase()
        if gap >= self._silence and not self._in_silence:
            self._open_silence(last)
        if self._in_silence:
            self._in_silence = False
            self.boundaries.append(
                Boundary(onset, "silence_end", f"{onset - last:.1f} s of silence")
            )
        if self._start is None:
            self._start = onset
        self._count += 1
        if velocity > self._peak:
            self._peak = velocity
        if self._count == self._min_notes:
            self.boundaries.append(Boundary(self._start, "phrase_start", ""))
        if end is None:
            self._held += 1
        elif end > self._last_end:
            self._last_end = end

    def notes_on(
        self,
        onsets: Sequence[float],
        ends: Sequence[float | None],
        velocities: Sequence[int],
        lo: int,
        hi: int,
    ) -> None:
        """`note_on` for notes `lo..hi-1` of parallel lists: the offline hot path.

        A note inside a running phrase (no rest before it) only updates counters, so that case is
        handled here without the full boundary logic of `note_on`.
        """
        rest = self._rest
        for j in range(lo, hi):
            onset, end, velocity = onsets[j], ends[j], velocities[j]
            if (
                self._start is None
                or self._count < self._min_notes
                or (not self._held and onset - self._last_end >= rest)
            ):
                self.note_on(onset, end, velocity)
                continue
            self._count += 1
            if velocity > self._peak:
                self._peak = velocity
            if end is None:
                self._held += 1
            elif end > self._last_end:
                self._last_end = end

    def note_off(self, end: float) -> None:
        """A note given to `note_on` without an end has stopped sounding."""
        if self._held:
            self._held -= 1
            if end > self._last_end:
                self._last_end = end

    def tick(self, t: float) -> None:
        """Time reached `t` with no further onset before it: rests may now end a phrase."""
        last = math.inf if self._held else self._last_end
        if self._start is not None and t - last >= self._rest:
            self._close_phrase()
        if not self._in_silence and t - last >= self._silence:
            self._open_silence(last)

    def finish(self, t: float) -> None:
        """The session ended at `t`: the phrase still going ends with it."""
        if self._start is not None:
            self._close_phrase(end=t if self._held else self._last_end)

    def _open_silence(self, since: float) -> None:
        self._in_silence = True
        self.boundaries.append(Boundary(since, "silence_start", ""))

    def _close_phrase(self, end: float | None = None) -> None:
        assert self._start is not None
        if self._count >= self._min_notes:
            phrase = Phrase(
                self.player,
                self._start,
                self._last_end if end is None else end,
                self._count,
                self._peak,
            )
            self.phrases.append(phrase)
            self.boundaries.append(
                Boundary(phrase.end, "phrase_end", f"{phrase.length:.1f} s, {phrase.notes} notes")
            )
        self._start = None
        self._count = 0
        self._peak = 0


def segment_phrases(
    notes: Iterable[Note], player: Player, settings: PhraseSettings, until: float
) -> list[Phrase]:
    """The phrases of one player's complete notes in a session that ended at `until`."""
    segmenter = PhraseSegmenter(player, settings)
    for note in sorted((n for n in notes if n.player == player), key=lambda n: n.t):
        segmenter.note_on(note.t, note.end, note.velocity)
    segmenter.finish(until)
    return segmenter.phrases
