"""Presets: the observation vocabulary, its keys, and the thresholds, as validated data.

A preset is a TOML file. Everything a therapist may want to change between protocols (codes,
keys, modifier choices, exclusive state groups, reaction lag, check-in items, analysis
thresholds) lives here rather than in code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    field_validator,
    model_validator,
)

from attune_tui.analysis.attunement_settings import AttunementSettings
from attune_tui.analysis.settings import FeatureSettings
from attune_tui.midi.handsfree import HandsFreeSettings
from attune_tui.midi.roles import RoleSettings
from attune_tui.model.preset_checks import (
    Issue,
    PresetKey,
    code_table_issues,
    items,
    number_plain,
    repeated_choices,
    validate_whole,
)


class Choice(BaseModel):
    """One modifier value and the key that picks it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: PresetKey
    label: str = Field(min_length=1)


class Modifier(BaseModel):
    """What can be added after a code: a choice list (keys given or 1-9) or a scale within 0-9."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    choices: tuple[Choice, ...] = ()
    scale: tuple[int, int] | None = None

    @field_validator("choices", mode="before")
    @classmethod
    def _number_plain_choices(cls, value: object) -> object:
        """A 10th plain choice would need the key '10', which no single key press gives."""
        if isinstance(value, list) and any(isinstance(c, str) for c in value[9:]):
            raise ValueError(
                f"plain choices are keyed 1-9 by position, and there are {len(value)}: give"
                ' the 10th and later their own key, e.g. { key = "a", label = "..." }'
            )
        return number_plain(value)

    @field_validator("scale", mode="before")
    @classmethod
    def _scale_shape(cls, value: object) -> object:
        """One message for any wrong shape, rather than pydantic's per-item complaints."""
        if value is not None and not (
            isinstance(value, list | tuple)
            and len(value) == 2
            and all(type(v) is int for v in value)
        ):
            raise ValueError(f"must be two whole numbers [low, high], e.g. [1, 5], not {value!r}")
        return value

    @field_validator("scale")
    @classmethod
    def _scale_range(cls, value: tuple[int, int] | None) -> tuple[int, int] | None:
        """Scale values are picked with the digit keys, so they must fit 0-9 and rise."""
        if value is None:
            return value
        low, high = value
        if low > high:
            raise ValueError(
                f"[{low}, {high}] runs downwards: put the low end first, [{high}, {low}]"
            )
        if low == high:
            raise ValueError(f"[{low}, {high}] has a single value: make high larger than low")
        if low < 0 or high > 9:
            raise ValueError(
                f"[{low}, {high}] goes beyond the digit keys 0-9: keep both ends within 0-9"
            )
        return value

    @model_validator(mode="wrap")
    @classmethod
    def _one_of(cls, data: object, handler: ModelWrapValidatorHandler[Self]) -> Self:
        """Exactly one of a non-empty choice list and a scale, and no repeated choice,
        reported with any field errors (a bad choice key must not hide a repeated one)."""
        issues: list[Issue] = []
        if isinstance(data, Mapping):
            choices, scale = data.get("choices"), data.get("scale")
            issues += repeated_choices(choices)
            if choices is not None and scale is not None and items(choices):
                issues.append(((), "give either 'choices' or 'scale', not both: remove one"))
            elif choices is not None and scale is None and choices in ([], ()):
                issues.append(
                    (
                        ("choices",),
                        "is empty: list at least one choice, e.g. choices = "
                        '["faster", "slower"], or give a scale instead, e.g. scale = [1, 5]',
                    )
                )
            elif choices is None and scale is None:
                issues.append(
                    (
                        (),
                        "has neither 'choices' nor 'scale': add one, e.g. "
                        'choices = ["faster", "slower"] or scale = [1, 5]',
                    )
                )
        return validate_whole(data, handler, issues)

    def keys(self) -> dict[str, str | int]:
        """Key -> value picked by that key."""
        if self.scale is not None:
            return {str(v): v for v in range(self.scale[0], self.scale[1] + 1)}
        return {c.key: c.label for c in self.choices}


class Code(BaseModel):
    """An observation code bound to one key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z][a-z0-9_-]*$", max_length=32)
    key: PresetKey
    label: str = Field(min_length=1)
    category: str = Field(min_length=1)
    kind: Literal["point", "state", "text"] = "point"
    """point: a moment; state: toggles on and off; text: opens a note timed at the key press."""
    description: str = ""
    modifier: Modifier | None = None
    group: str | None = None
    """State codes in the same group are mutually exclusive: starting one stops the others."""

    @model_validator(mode="wrap")
    @classmethod
    def _group_needs_state(cls, data: object, handler: ModelWrapValidatorHandler[Self]) -> Self:
        """Only states can exclude each other; checked even when other fields are wrong."""
        issues: list[Issue] = []
        if isinstance(data, Mapping) and data.get("group") is not None:
            kind = data.get("kind", "point")
            if kind != "state":
                issues.append(
                    (
                        ("group",),
                        f"'group' makes states exclusive, and this code's kind is {kind!r}:"
                        ' set kind = "state" or remove the group',
                    )
                )
        return validate_whole(data, handler, issues)


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

    @model_validator(mode="wrap")
    @classmethod
    def _consistent(cls, data: object, handler: ModelWrapValidatorHandler[Self]) -> Self:
        """Checks across codes, reported together with every field error in one run."""
        issues = code_table_issues(data) if isinstance(data, Mapping) else []
        return validate_whole(data, handler, issues)

    def by_key(self) -> dict[str, Code]:
        return {c.key: c for c in self.codes}

    def by_code(self) -> dict[str, Code]:
        return {c.code: c for c in self.codes}

    def with_roles(self, roles: RoleSettings | None) -> Preset:
        """This preset as one session used it: with that session's own roles, if it had any."""
        if roles is None or roles == self.midi.roles:
            return self
        return self.model_copy(update={"midi": self.midi.model_copy(update={"roles": roles})})

    def labels(self) -> dict[str, str]:
        """Code to the label the therapist sees (see `wording.code_label` for other codes)."""
        return {c.code: c.label for c in self.codes}

    def group_of(self, code: str) -> frozenset[str]:
        """The codes of `code`'s exclusive group, itself included; empty if it has none."""
        known = self.by_code().get(code)
        if known is None or known.group is None:
            return frozenset()
        return frozenset(c.code for c in self.codes if c.group == known.group)
