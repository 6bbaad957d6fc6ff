"""Observation codes from the instrument itself: a foot switch, a pedal double tap, a pad.

While playing, the therapist's hands are on the instrument; a foot switch or a reserved key is
the only way to log a moment. A preset maps such events to codes (data, not code), and the
matcher turns each event into a code or lets it through as music. Events that fire a code are
consumed: the pipeline must not pass them to the note tracker, so a reserved key never becomes
a note and a double tap is not read as sustain.

Presses fire on the rising edge only (a switch that repeats 127 fires once). A release is not
consumed: it reaches the tracker, where it changes nothing, because the press it ends was never
seen there (a reserved note-off closes no note; the second lift of a double tap finds the pedal
already up). Pure: no clock, times come from the events.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator

from attune_tui.midi.events import RawEvent

HandsFreeKind = Literal["cc", "double_tap", "note", "note_range"]


class HandsFreeMapping(BaseModel):
    """One control that logs a code."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    kind: HandsFreeKind
    """'cc': a switch controller (e.g. 67, 80); 'double_tap': two presses of a controller
    (sustain, 64) within `window_ms`; 'note': reserved notes or drum pads; 'note_range':
    every key from the first number to the second, inclusive."""
    numbers: tuple[int, ...] = Field(validation_alias=AliasChoices("numbers", "number"))
    """Controller or note numbers (0-127); `number = 80` is accepted for one."""
    code: str = Field(min_length=1)
    """Observation code to log."""
    threshold: int = Field(default=64, ge=1, le=127)
    """Controller value at or above which a switch or pedal counts as pressed."""
    window_ms: float = Field(default=400.0, gt=0)
    """Longest gap between the two presses of a double tap."""
    channel: int | None = Field(default=None, ge=1, le=16)
    """Only this MIDI channel (1-16, as on the instrument); None for any."""

    @field_validator("numbers", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return (value,) if isinstance(value, int) else value

    @field_validator("numbers")
    @classmethod
    def _midi_range(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if not value or not all(0 <= n <= 127 for n in value):
            raise ValueError(f"numbers must be MIDI numbers 0-127, got {list(value)}")
        return value

    @model_validator(mode="after")
    def _shape(self) -> HandsFreeMapping:
        if self.kind == "note_range" and (
            len(self.numbers) != 2 or self.numbers[0] > self.numbers[1]
        ):
            raise ValueError("note_range needs two numbers, low then high")
        if self.kind == "double_tap" and len(self.numbers) != 1:
            raise ValueError("double_tap needs exactly one controller number")
        return self

    def notes(self) -> range | tuple[int, ...]:
        """The note numbers a 'note' or 'note_range' mapping reserves."""
        if self.kind == "note_range":
            return range(self.numbers[0], self.numbers[1] + 1)
        return self.numbers


class HandsFreeSettings(BaseModel):
    """The hands-free controls of a preset; none by default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mappings: tuple[HandsFreeMapping, ...] = ()


_Source = tuple[str, int, int]
"""(port, channel, controller) of a switch."""


class HandsFreeMatcher:
    """Feeds on every event before the note tracker; a returned code means "consumed"."""

    def __init__(self, settings: HandsFreeSettings) -> None:
        self._notes: dict[int, list[HandsFreeMapping]] = {}
        self._controls: dict[int, list[HandsFreeMapping]] = {}
        for mapping in settings.mappings:
            if mapping.kind in ("note", "note_range"):
                for note in mapping.notes():
                    self._notes.setdefault(note, []).append(mapping)
            else:
                for number in mapping.numbers:
                    self._controls.setdefault(number, []).append(mapping)
        self._pressed: dict[_Source, bool] = {}
        self._first_tap: dict[_Source, float] = {}

    def feed(self, event: RawEvent) -> str | None:
        """The code this event fires, or None when it is music (or a release)."""
        data = event.data
        if len(data) < 3:
            return None
        kind, channel = data[0] & 0xF0, data[0] & 0x0F
        if kind == 0x90 and data[2] > 0 and data[1] in self._notes:
            return _first_code(self._notes[data[1]], channel)
        if kind == 0xB0 and data[1] in self._controls:
            return self._control(event, self._controls[data[1]], channel)
        return None

    def _control(
        self, event: RawEvent, mappings: list[HandsFreeMapping], channel: int
    ) -> str | None:
        number, value = event.data[1], event.data[2]
        for mapping in mappings:
            if mapping.channel is not None and mapping.channel - 1 != channel:
                continue
            source = (event.port, channel, number)
            was_pressed = self._pressed.get(source, False)
            pressed = value >= mapping.threshold
            self._pressed[source] = pressed
            if not pressed or was_pressed:
                return None
            if mapping.kind == "cc":
                return mapping.code
            return self._tap(source, mapping, event.t)
        return None

    def _tap(self, source: _Source, mapping: HandsFreeMapping, t: float) -> str | None:
        first = self._first_tap.pop(source, None)
        if first is not None and (t - first) * 1000.0 <= mapping.window_ms:
            return mapping.code
        self._first_tap[source] = t
        return None


def _first_code(mappings: list[HandsFreeMapping], channel: int) -> str | None:
    for mapping in mappings:
        if mapping.channel is None or mapping.channel - 1 == channel:
            return mapping.code
    return None
