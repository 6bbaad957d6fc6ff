"""Presets: the observation vocabulary, its keys, and the thresholds, as validated data.

A preset is a TOML file. Everything a therapist may want to change between protocols (codes,
keys, modifier choices, exclusive state groups, reaction lag, check-in items, analysis
thresholds) lives here rather than in code.
"""

from __future__ import annotations

import string
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from attune_tui.analysis.attunement_settings import AttunementSettings
from attune_tui.analysis.settings import FeatureSettings
from attune_tui.midi.handsfree import HandsFreeSettings
from attune_tui.midi.roles import RoleSettings

RESERVED_KEYS = frozenset({"backspace", "escape", "enter", "tab", "space", "?"})
"""Keys the live screen keeps for itself: undo, cancel, confirm, focus, pedal, help."""

_KEY_NAMES = frozenset(string.ascii_lowercase + string.digits + ",.;'[]-=`\\")


class Choice(BaseModel):
    """One modifier value and the key that picks it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    label: str = Field(min_length=1)


class Modifier(BaseModel):
    """What can be added after a code: a choice list (keys given or 1-9) or a 1-5 scale."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    choices: tuple[Choice, ...] = ()
    scale: tuple[int, int] | None = None

    @field_validator("choices", mode="before")
    @classmethod
    def _number_plain_choices(cls, value: object) -> object:
        """Plain strings get the keys 1, 2, 3 ... in order, the usual numeric-pad habit."""
        if isinstance(value, list):
            return [
                {"key": str(i + 1), "label": c} if isinstance(c, str) else c
                for i, c in enumerate(value)
            ]
        return value

    @model_validator(mode="after")
    def _one_of(self) -> Self:
        if bool(self.choices) == (self.scale is not None):
            raise ValueError("give either 'choices' (a list) or 'scale' (e.g. [1, 5]), not both")
        if self.scale is not None:
            low, high = self.scale
            if not 0 <= low < high <= 9:
                raise ValueError(
                    "'scale' must be [low, high] with 0 <= low < high <= 9, e.g. [1, 5]"
                )
        keys = [c.key for c in self.choices]
        if len(set(keys)) != len(keys):
            raise ValueError(f"two choices share a key in {keys}: give each choice its own key")
        return self

    def keys(self) -> dict[str, str | int]:
        """Key -> value picked by that key."""
        if self.scale is not None:
            return {str(v): v for v in range(self.scale[0], self.scale[1] + 1)}
        return {c.key: c.label for c in self.choices}


class Code(BaseModel):
    """An observation code bound to one key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z][a-z0-9_-]*$", max_length=32)
    key: str
    label: str = Field(min_length=1)
    category: str = Field(min_length=1)
    kind: Literal["point", "state", "text"] = "point"
    """point: a moment; state: toggles on and off; text: opens a note timed at the key press."""
    description: str = ""
    modifier: Modifier | None = None
    group: str | None = None
    """State codes in the same group are mutually exclusive: starting one stops the others."""

    @field_validator("key")
    @classmethod
    def _check_key(cls, value: str) -> str:
        if value in RESERVED_KEYS:
            raise ValueError(f"key {value!r} is reserved by the live screen; pick another")
        if value not in _KEY_NAMES and not (value.startswith("f") and value[1:].isdigit()):
            raise ValueError(
                f"key {value!r} is not a single lower-case letter, digit, punctuation key or f1-f12"
            )
        return value

    @model_validator(mode="after")
    def _group_needs_state(self) -> Self:
        if self.group is not None and self.kind != "state":
            raise ValueError("'group' makes states exclusive: set kind = \"state\" or remove it")
        return self


class CheckInItem(BaseModel):
    """A check-in question rated 0-10 at the end of a session."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    field: Literal["goals", "tasks", "bond"]
    label: str


DEFAULT_CHECKIN = (
    CheckInItem(field="goals", label="We worked on what matters to the client"),
    CheckInItem(field="tasks", label="We agreed on how to work today"),
    CheckInItem(field="bond", label="The connection between us felt strong"),
)


class MidiSettings(BaseModel):
    """Who plays what, and which MIDI controls log codes instead of music."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    roles: RoleSettings = Field(default_factory=RoleSettings)
    hands_free: HandsFreeSettings = Field(default_factory=HandsFreeSettings)


class Preset(BaseModel):
    """A whole preset file after validation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    description: str = ""
    reaction_lag_ms: int = Field(default=0, ge=0, le=2000)
    """Subtracted from a key press's time: the therapist presses a little after the moment."""
    modifier_timeout_s: float = Field(default=4.0, gt=0, le=30)
    """How long a modifier can still be picked after its code; after that it is kept without."""
    codes: tuple[Code, ...] = Field(min_length=1)
    pedal_code: str | None = None
    """The code a foot pedal logs (pedals usually send the space key); none: the pedal is off."""
    checkin: tuple[CheckInItem, ...] = DEFAULT_CHECKIN
    analysis: FeatureSettings = Field(default_factory=FeatureSettings)
    """Per-player thresholds: tempo, dynamics bands, phrases, breath matching."""
    attunement: AttunementSettings = Field(default_factory=AttunementSettings)
    """When two players count as meeting, and who leads."""
    midi: MidiSettings = Field(default_factory=MidiSettings)

    @field_validator("codes")
    @classmethod
    def _unique(cls, codes: tuple[Code, ...]) -> tuple[Code, ...]:
        seen_keys: dict[str, str] = {}
        seen_codes: set[str] = set()
        for code in codes:
            if code.code in seen_codes:
                raise ValueError(f"code {code.code!r} is defined twice: rename or remove one")
            seen_codes.add(code.code)
            if code.key in seen_keys:
                raise ValueError(
                    f"key {code.key!r} is used by both {seen_keys[code.key]!r} and {code.code!r}:"
                    " give each code its own key"
                )
            seen_keys[code.key] = code.code
        for code in codes:
            if code.modifier is None:
                continue
            clash = set(code.modifier.keys()) & set(seen_keys)
            if clash:
                raise ValueError(
                    f"modifier keys {sorted(clash)} of {code.code!r} are also code keys: "
                    "a modifier key must not start another observation"
                )
        return codes

    @model_validator(mode="after")
    def _pedal_is_a_code(self) -> Self:
        codes = self.by_code()
        if self.pedal_code is not None and self.pedal_code not in codes:
            raise ValueError(
                f"pedal_code {self.pedal_code!r} is not one of the codes: "
                f"use one of {sorted(codes)}"
            )
        for mapping in self.midi.hands_free.mappings:
            if mapping.code not in codes:
                raise ValueError(
                    f"midi.hands_free code {mapping.code!r} is not one of the codes: use one of "
                    f"{sorted(codes)}"
                )
        return self

    def by_key(self) -> dict[str, Code]:
        return {c.key: c for c in self.codes}

    def by_code(self) -> dict[str, Code]:
        return {c.code: c for c in self.codes}
