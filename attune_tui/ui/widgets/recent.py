"""The last observations, newest first: confirmation that a press was logged (and saved)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from attune_tui.model.observation import Observation
from attune_tui.model.preset import Preset
from attune_tui.ui.format import clock_text

AUTO_LABELS = {
    "tempo_change": "tempo",
    "dynamics_change": "dynamics",
    "phrase_end": "phrase",
    "silence_start": "silence",
    "midi-gap": "MIDI gap",
}


class RecentObservations(Static):
    """Shows only observations that are already durable: the store returned before this runs."""

    def __init__(self, preset: Preset, rows: int = 12, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.labels = {c.code: c.label for c in preset.codes}
        self.rows = rows
        self.border_title = "Logged"

    def show(self, observations: list[Observation], pending_id: str | None = None) -> None:
        text = Text()
        latest = sorted(observations, key=lambda o: o.t, reverse=True)[: self.rows]
        for obs in latest:
            line = Text(f"{clock_text(obs.t)}  ", style="dim")
            if obs.source == "auto" and obs.player is not None:
                label = AUTO_LABELS.get(obs.code, obs.code.replace("_", " "))
                line.append(f"{obs.player} {label}: {obs.modifiers.get('detail', '')}", style="dim")
                text.append_text(line)
                text.append("\n")
                continue
            line.append(self.labels.get(obs.code, obs.code), style="bold")
            if obs.kind == "state":
                line.append(" (on)" if obs.end is None else f" (to {clock_text(obs.end)})")
            details = [f"{k} {v}" for k, v in obs.modifiers.items()]
            if obs.modifiers.get("from"):
                details = [f"{obs.modifiers['from']} → {obs.modifiers.get('to', '?')}"]
            if details:
                line.append("  " + ", ".join(details))
            if obs.text:
                line.append(f"  “{obs.text}”", style="italic")
            if obs.source != "key":
                line.append(f"  [{obs.source}]", style="dim")
            if obs.id == pending_id:
                line.append("  …", style="bold yellow")
            text.append_text(line)
            text.append("\n")
        if not latest:
            text.append("Nothing logged yet. Press a key from the legend.", style="dim")
        self.update(text, layout=False)  # fills its pane: the size never changes
