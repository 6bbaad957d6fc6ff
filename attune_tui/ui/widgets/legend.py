"""The key legend, always visible: a glance tells which key logs what, and which states are on."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from attune_tui.model.preset import Preset


class KeyLegend(Static):
    """Keys of the preset's codes; open states are highlighted, a pending modifier is listed."""

    def __init__(self, preset: Preset, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.preset = preset
        self.border_title = "Keys"

    def on_mount(self) -> None:
        self.show(set())

    def show(self, open_states: set[str]) -> None:
        table = Table.grid(padding=(0, 1))
        table.add_column(justify="right", style="bold")
        table.add_column()
        for code in self.preset.codes:
            label = Text(code.label)
            if code.kind == "state":
                label.append(" ●" if code.code in open_states else " ○", style="dim")
                if code.code in open_states:
                    label.stylize("reverse")
            if code.modifier is not None:
                label.append(" +", style="dim")
            table.add_row(code.key, label)
        if self.preset.pedal_code:
            table.add_row("space", Text(f"pedal: {self.preset.pedal_code}", style="dim"))
        self.update(table, layout=False)  # fills its pane: the size never changes
