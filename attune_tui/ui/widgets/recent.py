"""The last observations, newest first: confirmation that a press was logged (and saved)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from attune_tui.model.observation import Observation
from attune_tui.model.preset import Preset
from attune_tui.ui.format import clock_text
from attune_tui.wording import DETAIL, code_label, found_in_playing


class RecentObservations(Static):
    """The therapist's own marks, newest first, and below them the last few found in the MIDI.

    Automatic observations can come several a minute; they are kept apart so they never push
    the therapist's marks off the screen. A pause is the therapist's, so it stays with the
    marks. Shows only what is durable: the store returned first.
    """

    AUTO_ROWS = 3

    def __init__(self, preset: Preset, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.labels = preset.labels()
        self.border_title = "Logged"
        self._shown: tuple[list[Observation], str | None] | None = None

    def on_resize(self) -> None:
        """How many rows fit is known only once laid out: a continued session's earlier
        marks are shown before the first layout, so show them again at the real size."""
        if self._shown is not None:
            self.show(*self._shown)

    def show(self, observations: list[Observation], pending_id: str | None = None) -> None:
        self._shown = (observations, pending_id)
        newest = sorted(observations, key=lambda o: o.t, reverse=True)
        marks = [o for o in newest if not found_in_playing(o.code, o.source)]
        found = [o for o in newest if found_in_playing(o.code, o.source)][: self.AUTO_ROWS]
        rows = max(self.size.height - 2 - (len(found) + 1 if found else 0), 3)
        text = Text()
        for obs in marks[:rows]:
            text.append_text(self._mark(obs, obs.id == pending_id))
            text.append("\n")
        if not marks:
            text.append("Nothing logged yet. Press a key from the legend.\n", style="dim")
        if found:
            text.append("\nfound in the playing\n", style="dim italic")
            for obs in found:
                text.append_text(self._found(obs))
                text.append("\n")
        self.update(text, layout=False)  # fills its pane: the size never changes

    def _found(self, obs: Observation) -> Text:
        label = code_label(obs.code, {})
        line = Text(f"{clock_text(obs.t)}  ", style="dim")
        detail = str(obs.modifiers.get(DETAIL, obs.modifiers.get("port", ""))).strip()
        who = f"{obs.player} " if obs.player else ""
        line.append(f"{who}{label}: {detail}" if detail else f"{who}{label}", style="dim")
        return line

    def _mark(self, obs: Observation, pending: bool) -> Text:
        line = Text(f"{clock_text(obs.t)}  ", style="dim")
        line.append(code_label(obs.code, self.labels), style="bold")
        if obs.kind == "state":
            line.append(" (on)" if obs.end is None else f" (to {clock_text(obs.end)})")
        details = [f"{k} {v}" for k, v in obs.modifiers.items()]
        if obs.modifiers.get("from"):
            details = [f"{obs.modifiers['from']} → {obs.modifiers.get('to', '?')}"]
        if details:
            line.append("  " + ", ".join(details))
        if obs.text:
            line.append(f"  “{obs.text}”", style="italic")
        if obs.source not in ("key", "auto"):  # auto here: a pause, the therapist's own key
            line.append(f"  [{obs.source}]", style="dim")
        if pending:
            line.append("  …", style="bold yellow")
        return line
