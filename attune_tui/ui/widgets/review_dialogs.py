"""Dialogs of the review screen: add or edit an observation, confirm a deletion, pick an export.

Each is a typed `ModalScreen` that dismisses with its result (None when cancelled), so the
review screen does every store write itself, in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.events import Key
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from attune_tui.model.observation import ModifierValue, Observation
from attune_tui.model.preset import Code, Preset
from attune_tui.review.details import parse_seconds, seconds_text

NO_MODIFIER = "-"


@dataclass(frozen=True, slots=True)
class ObservationEdit:
    """What the observation dialog returns: the fields as the therapist left them."""

    code: str
    t: float
    end: float | None
    modifiers: dict[str, ModifierValue]
    text: str


class TimeInput(Input):
    """A time field that up/down nudge by a tenth of a second (shift: a whole second)."""

    BINDINGS = [
        Binding("up", "nudge(0.1)", "+0.1 s", id="review.time.later", show=False),
        Binding("down", "nudge(-0.1)", "-0.1 s", id="review.time.earlier", show=False),
        Binding("shift+up", "nudge(1.0)", "+1 s", id="review.time.later_1s", show=False),
        Binding("shift+down", "nudge(-1.0)", "-1 s", id="review.time.earlier_1s", show=False),
    ]

    def action_nudge(self, seconds: float) -> None:
        try:
            t = parse_seconds(self.value)
        except ValueError:
            return
        self.value = seconds_text(max(round(t + seconds, 1), 0.0))


class KeyedOptionList(OptionList):
    """Options picked by the key their label shows, as on the live screen (`3` for the third
    choice), as well as by up/down. Only while the list has focus: the fields keep their keys."""

    def __init__(self, *options: Option, keys: dict[str, str] | None = None, id: str) -> None:
        super().__init__(*options, id=id)
        self.choice_keys = keys or {}
        """Key -> option id, for options whose id is not their key."""

    def on_key(self, event: Key) -> None:
        if event.character is None:
            return
        try:
            index = self.get_option_index(self.choice_keys.get(event.character, event.character))
        except OptionDoesNotExist:
            return
        self.highlighted = index
        event.stop()
        event.prevent_default()


class ObservationDialog(ModalScreen[ObservationEdit | None]):
    """Add an observation at the cursor (pick its code) or edit one (time, modifier, text)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="review.obs.save", tooltip="Save the observation"),
        Binding("escape", "cancel", "Cancel", id="review.obs.cancel"),
    ]

    def __init__(self, preset: Preset, t: float, observation: Observation | None = None) -> None:
        super().__init__()
        self.preset = preset
        self.observation = observation
        self.t = observation.t if observation is not None else t
        known = preset.by_code()
        self.code: Code | None = known.get(observation.code) if observation else preset.codes[0]
        self.code_name = observation.code if observation else preset.codes[0].code

    def compose(self) -> ComposeResult:
        title = "Edit observation" if self.observation else "Add observation"
        with Vertical(id="review-dialog"):
            yield Static(f"[b]{title}[/b]  tab: next field  ctrl+s: save  escape: cancel")
            if self.observation is None:
                yield Label("Code")
                yield KeyedOptionList(
                    *(Option(f"{c.key}  {c.label}  ({c.category})", id=c.code)
                      for c in self.preset.codes),
                    keys={c.key: c.code for c in self.preset.codes},
                    id="obs-code",
                )  # fmt: skip
            else:
                yield Static(f"Code: [b]{self.code_name}[/b]", id="obs-code-fixed")
            yield Label("Time (up/down: 0.1 s, shift: 1 s)")
            yield TimeInput(seconds_text(self.t), id="obs-time")
            yield Label("End (a state's stop)", id="obs-end-label")
            yield TimeInput(self._end_text(), id="obs-end")
            yield Label("Modifier", id="obs-modifier-label")
            yield KeyedOptionList(id="obs-modifier")  # option ids are the choice keys
            yield Label("Text")
            text = self.observation.text if self.observation else ""
            yield Input(text, id="obs-text", select_on_focus=False)  # tab must not wipe it
            yield Static(id="obs-error")

    def _end_text(self) -> str:
        if self.observation is not None and self.observation.end is not None:
            return seconds_text(self.observation.end)
        return seconds_text(self.t + 5.0)

    def on_mount(self) -> None:
        self._show_code_fields()
        first = "#obs-code" if self.observation is None else "#obs-time"
        self.query_one(first).focus()

    @on(OptionList.OptionHighlighted, "#obs-code")
    def _code_picked(self, event: OptionList.OptionHighlighted) -> None:
        self.code_name = event.option.id or self.code_name
        self.code = self.preset.by_code().get(self.code_name)
        self._show_code_fields()

    def _show_code_fields(self) -> None:
        is_state = (self.code is not None and self.code.kind == "state") or (
            self.observation is not None and self.observation.end is not None
        )
        for selector in ("#obs-end", "#obs-end-label"):
            self.query_one(selector).display = is_state
        modifier = self.code.modifier if self.code is not None else None
        options = self.query_one("#obs-modifier", OptionList)
        options.clear_options()
        for selector in ("#obs-modifier", "#obs-modifier-label"):
            self.query_one(selector).display = modifier is not None
        if modifier is None:
            return
        current = self.observation.modifiers.get(modifier.name) if self.observation else None
        options.add_option(Option(f"{NO_MODIFIER}  none", id=NO_MODIFIER))
        for key, value in modifier.keys().items():
            options.add_option(Option(f"{key}  {modifier.name}: {value}", id=key))
        keys = list(modifier.keys().values())
        options.highlighted = keys.index(current) + 1 if current in keys else 0
        self.query_one("#obs-modifier-label", Label).update(f"Modifier: {modifier.name}")

    def action_save(self) -> None:
        try:
            t = self._read_time("#obs-time", self.t)
            end_box = self.query_one("#obs-end", Input)
            stored_end = self.observation.end if self.observation else None
            end = self._read_time("#obs-end", stored_end) if end_box.display else None
        except ValueError as exc:
            self.query_one("#obs-error", Static).update(f"[red]{exc}[/red]")
            return
        if end is not None and end < t:
            self.query_one("#obs-error", Static).update("[red]the end comes before the time[/red]")
            return
        self.dismiss(
            ObservationEdit(
                self.code_name,
                t,
                end,
                self._modifiers(),
                self.query_one("#obs-text", Input).value.strip(),
            )
        )

    def _read_time(self, selector: str, stored: float | None) -> float:
        """The field's time; a field left as shown keeps the stored time to the millisecond
        (the field shows tenths, so reading it back would move a mark that was not touched)."""
        text = self.query_one(selector, Input).value
        if stored is not None and text == seconds_text(stored):
            return stored
        return parse_seconds(text)

    def _modifiers(self) -> dict[str, ModifierValue]:
        """The picked modifier, with any other modifiers the observation already had."""
        kept = dict(self.observation.modifiers) if self.observation else {}
        modifier = self.code.modifier if self.code is not None else None
        if modifier is None:
            return kept
        options = self.query_one("#obs-modifier", OptionList)
        index = options.highlighted
        key = options.get_option_at_index(index).id if index is not None else NO_MODIFIER
        kept.pop(modifier.name, None)
        if key and key != NO_MODIFIER:
            kept[modifier.name] = modifier.keys()[key]
        return kept

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question: y or enter says yes, n or escape says no."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", id="review.confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="review.confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="review-dialog"):
            yield Static(self.question)
            yield Static("[b]y[/b] yes   [b]n[/b] no")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ExportDialog(ModalScreen[tuple[str, bool] | None]):
    """Pick a format (enter writes it); r toggles redaction for sharing outside the clinic."""

    BINDINGS = [
        Binding("r", "redact", "Redact", id="review.export.redact", tooltip="Toggle redaction"),
        Binding("escape", "cancel", "Cancel", id="review.export.cancel"),
    ]

    def __init__(self, formats: list[str], folder: str) -> None:
        super().__init__()
        self.formats = formats
        self.folder = folder

    def compose(self) -> ComposeResult:
        with Vertical(id="review-dialog"):
            yield Static(f"[b]Export[/b] to {self.folder}  (enter: write, escape: cancel)")
            yield OptionList(*(Option(f, id=f) for f in self.formats), id="export-formats")
            yield Checkbox("Redacted (r): no free text, no client code, year only", id="redact")

    def on_mount(self) -> None:
        self.query_one("#export-formats", OptionList).focus()

    def action_redact(self) -> None:
        box = self.query_one("#redact", Checkbox)
        box.value = not box.value

    @on(OptionList.OptionSelected, "#export-formats")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss((event.option.id or "", self.query_one("#redact", Checkbox).value))

    def action_cancel(self) -> None:
        self.dismiss(None)
