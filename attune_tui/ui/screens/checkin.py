"""End-of-session check-in: the working alliance (goals, tasks, bond) 0-10, and one line."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.validation import Integer
from textual.widgets import Button, Input, Label, Static

from attune_tui.model.preset import Preset
from attune_tui.model.session import CheckIn


class CheckInScreen(ModalScreen[CheckIn | None]):
    """Dismisses with the check-in, or None to end without one (escape)."""

    BINDINGS = [
        Binding("escape", "skip", "End without check-in", id="checkin.skip"),
        Binding("ctrl+s", "save", "Save", id="checkin.save"),
    ]

    def __init__(self, preset: Preset, earlier: CheckIn | None = None) -> None:
        """`earlier` is the check-in of a continued session's first part: the form opens
        with it, so it is amended rather than typed again (and escape keeps it)."""
        super().__init__()
        self.preset = preset
        self.earlier = earlier

    def compose(self) -> ComposeResult:
        with Vertical(id="checkin"):
            yield Static(
                "[b]End of session check-in[/b]  (0-10; client's own rating optional;"
                + (
                    " escape: keep the earlier one)"
                    if self.earlier is not None
                    else " escape: end without it)"
                )
            )
            with Grid(id="checkin-grid"):
                yield Label("")
                yield Label("[b]therapist[/b]")
                yield Label("[b]client[/b]")
                for item in self.preset.checkin:
                    yield Label(item.label)
                    yield Input(id=f"t-{item.field}", type="integer", validators=[Integer(0, 10)])
                    yield Input(id=f"c-{item.field}", type="integer", validators=[Integer(0, 10)])
            yield Input(id="summary", placeholder="One-line summary of the session")
            yield Static(id="checkin-error")
            yield Button("Save and end (ctrl+s)", id="save", variant="primary")

    def on_mount(self) -> None:
        earlier = self.earlier
        if earlier is not None:
            values = earlier.model_dump()
            for item in self.preset.checkin:
                for prefix, name in (("t", item.field), ("c", f"client_{item.field}")):
                    value = values.get(name)
                    if value is not None:
                        self.query_one(f"#{prefix}-{item.field}", Input).value = str(value)
            self.query_one("#summary", Input).value = earlier.summary
        self.query_one(f"#t-{self.preset.checkin[0].field}", Input).focus()

    @on(Button.Pressed, "#save")
    @on(Input.Submitted, "#summary")
    def action_save(self) -> None:
        values: dict[str, object] = {"summary": self.query_one("#summary", Input).value.strip()}
        for item in self.preset.checkin:
            for prefix, name in (("t", item.field), ("c", f"client_{item.field}")):
                raw = self.query_one(f"#{prefix}-{item.field}", Input).value.strip()
                if raw:
                    if not raw.isdigit() or not 0 <= int(raw) <= 10:
                        who = "therapist's" if prefix == "t" else "client's"
                        self._error(
                            f"{item.label} ({who} rating): give a whole number from 0 to 10"
                        )
                        return
                    values[name] = int(raw)
                elif prefix == "t":
                    self._error(f"{item.label}: the therapist's rating is needed (0-10)")
                    return
        self.dismiss(CheckIn.model_validate(values))

    def action_skip(self) -> None:
        self.dismiss(None)

    def _error(self, message: str) -> None:
        self.query_one("#checkin-error", Static).update(f"[red]{message}[/red]")
