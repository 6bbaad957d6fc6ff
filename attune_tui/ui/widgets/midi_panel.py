"""Compact per-player panels and the attunement meter: quiet enough to glance at.

They are redrawn from `EngineUpdate`s (five a second), never once per note.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Sparkline, Static

from attune_tui.analysis.notes import Player

if TYPE_CHECKING:
    from attune_tui.analysis.features import PlayerSnapshot
    from attune_tui.live.engine import EngineUpdate

_TREND = {"crescendo": "cresc. ↗", "decrescendo": "decresc. ↘", "steady": ""}


class PlayerPanel(Vertical):
    """Tempo, dynamics, density, register and phrase state of one player, with sparklines."""

    def __init__(self, player: Player) -> None:
        super().__init__(classes="player-panel")
        self.player = player
        self.border_title = player.capitalize()

    def compose(self) -> ComposeResult:
        yield Static(id=f"{self.player}-figures", classes="figures")
        with Horizontal(classes="sparks"):
            yield Static("bpm", classes="spark-label")
            yield Sparkline([], id=f"{self.player}-bpm", classes="spark")
        with Horizontal(classes="sparks"):
            yield Static("vel", classes="spark-label")
            yield Sparkline([], id=f"{self.player}-vel", classes="spark")

    def show(self, snap: PlayerSnapshot, history: dict[str, list[float]], notes: int) -> None:
        text = Text()
        if snap.bpm is not None:
            text.append(f"{snap.bpm:5.1f} bpm", style="bold")
            text.append(f" ({snap.tempo_confidence:.0%})", style="dim")
        else:
            text.append("  --  bpm", style="dim")
        text.append("   ")
        text.append(snap.marking or "--", style="bold")
        trend = _TREND.get(snap.trend, "")
        if trend:
            text.append(f" {trend}")
        text.append(f"\n{snap.density:4.1f} notes/s  ")
        if snap.pitch_low is not None and snap.pitch_high is not None:
            text.append(f"{_pitch(snap.pitch_low)}-{_pitch(snap.pitch_high)}  ")
        if snap.in_phrase:
            text.append("phrase", style="green")
        elif snap.silence_s >= 1:
            text.append(f"rest {snap.silence_s:.0f} s", style="dim")
        text.append(f"   {notes} notes", style="dim")
        self.query_one(f"#{self.player}-figures", Static).update(text, layout=False)
        self.query_one(f"#{self.player}-bpm", Sparkline).data = history.get("bpm", [])[-60:]
        self.query_one(f"#{self.player}-vel", Sparkline).data = history.get("velocity", [])[-60:]


class AttunementMeter(Static):
    """A bar for the current window's attunement, its dimensions, and each player's role."""

    def show(self, update: EngineUpdate) -> None:
        state = update.attunement
        text = Text("attunement ")
        if state is None:
            text.append("waiting for both players", style="dim")
            self.update(text, layout=False)
            return
        width = 20
        filled = round(state.meter * width)
        text.append("█" * filled, style="green" if state.attuned else "yellow")
        text.append("░" * (width - filled), style="dim")
        text.append(f" {state.meter:.2f} ")
        if state.dimensions:
            text.append(" · ".join(state.dimensions), style="bold")
        text.append(f"   client {state.client_role}, therapist {state.therapist_role}", style="dim")
        if state.in_moment:
            text.append("   ● moment", style="bold green")
        self.update(text, layout=False)  # fixed height: no layout pass five times a second


class MidiStatus(Static):
    """One line about the MIDI inputs: connected, disconnected, or unavailable."""


def _pitch(note: int) -> str:
    names = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
    return f"{names[note % 12]}{note // 12 - 1}"
