"""The key legend, always visible: a glance tells which key logs what, and which states are on."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from attune_tui.model.preset import Preset

PEDAL_BINDING = "live.pedal"


class KeyLegend(Static):
    """Keys of the preset's codes; open states are highlighted, a pending modifier is listed."""

    def __init__(self, preset: Preset, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.preset = preset
        self.border_title = "Keys"
        self.pedal_key = ""

    def on_mount(self) -> None:
        self.pedal_key = self._bound_key(PEDAL_BINDING)
        self.show(set())

    def _bound_key(self, binding_id: str) -> str:
        """The key the screen binds now: `keymap.toml` may have moved it from its default."""
        return "/".join(
            self.app.get_key_display(active.binding)
            for active in self.screen.active_bindings.values()
            if active.binding.id == binding_id
        )

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
        if self.preset.pedal_code and self.pedal_key:
            table.add_row(self.pedal_key, Text(f"pedal: {self.preset.pedal_code}", style="dim"))
        self.update(table, layout=False)  # fills its pane: the size never changes
