"""Start a session: a client code and a preset, nothing else to fill in."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static

from attune_tui.model.client import validate_client_code


class StartDialog(ModalScreen[tuple[str, str] | None]):
    """Dismisses with (client code, preset name), or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="start.cancel")]

    def __init__(self, client: str, presets: list[str]) -> None:
        super().__init__()
        self.client = client
        self.presets = presets

    def compose(self) -> ComposeResult:
        with Vertical(id="start"):
            yield Static("[b]Start a session[/b]: client code, then pick a preset (enter)")
            yield Input(self.client, id="start-client", placeholder="C-014")
            yield OptionList(*self.presets, id="start-presets")
            yield Static(id="start-error")

    def on_mount(self) -> None:
        target = "#start-presets" if self.client else "#start-client"
        self.query_one(target).focus()
        if "free-improvisation" in self.presets:
            self.query_one(OptionList).highlighted = self.presets.index("free-improvisation")

    @on(Input.Submitted, "#start-client")
    def _to_presets(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected, "#start-presets")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        try:
            code = validate_client_code(self.query_one("#start-client", Input).value)
        except ValueError as exc:
            self.query_one("#start-error", Static).update(f"[red]{exc}[/red]")
            self.query_one("#start-client").focus()
            return
        self.dismiss((code, str(event.option.prompt)))

    def action_cancel(self) -> None:
        self.dismiss(None)
