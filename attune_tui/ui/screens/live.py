"""The live session screen: a big clock, the keys, and what has been logged.

Keys are read in `on_key` and handed to the screen-free `ObservationLogger`; the screen shows
an observation only after the logger returned, that is after the journal was fsynced.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Key
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Digits, Footer, Input, Static

from attune_tui.analysis.breath import BREATH_CODE, breath_rate
from attune_tui.errors import StoreError
from attune_tui.live.logger import ObservationLogger, Outcome, toggle_pause
from attune_tui.midi.capture import PortStatus
from attune_tui.midi.ports import MidiUnavailable
from attune_tui.midi.roles import describe
from attune_tui.model.preset import Code, Modifier, Preset
from attune_tui.model.session import CheckIn
from attune_tui.store.live import LiveSession
from attune_tui.ui.format import clock_text
from attune_tui.ui.screens.checkin import CheckInScreen
from attune_tui.ui.widgets.legend import KeyLegend
from attune_tui.ui.widgets.midi_panel import AttunementMeter, MidiStatus, PlayerPanel
from attune_tui.ui.widgets.recent import RecentObservations
from attune_tui.wording import code_label

if TYPE_CHECKING:
    from attune_tui.analysis.features import AutoEvent
    from attune_tui.live.engine import EngineUpdate, LiveEngine
    from attune_tui.ui.app import AttuneApp

T = TypeVar("T")
STORED_AUTO = frozenset({"tempo_change", "dynamics_change", "phrase_end", "silence_start"})
"""Automatic observations worth a line in the record; a phrase's start is implied by its end
(which carries its length) and the full phrase list is in the session analysis."""

_CHAR_KEYS = {"comma": ",", "full_stop": ".", "semicolon": ";", "apostrophe": "'", "minus": "-"}


@dataclass(frozen=True, slots=True)
class MidiRequest:
    """The MIDI side of a live session: ports to open, or a file to replay through them."""

    ports: tuple[str, ...] = ()
    backend: str | None = None
    replay: Path | None = None
    speed: float = 1.0


class EngineUpdated(Message):
    """A snapshot from the engine thread."""

    def __init__(self, update: EngineUpdate) -> None:
        super().__init__()
        self.update = update


class MidiCode(Message):
    """A hands-free code played on the MIDI keyboard or pedal."""

    def __init__(self, code: str, t: float) -> None:
        super().__init__()
        self.code = code
        self.t = t


class AutoFound(Message):
    """An automatic observation (tempo or dynamics change, phrase, silence)."""

    def __init__(self, event: AutoEvent) -> None:
        super().__init__()
        self.event = event


class AnalysisFailed(Message):
    """The live analysis stopped; the capture is still being recorded."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class PortChanged(Message):
    """A MIDI input disappeared or came back."""

    def __init__(self, port: str, status: PortStatus, t: float) -> None:
        super().__init__()
        self.port = port
        self.status = status
        self.t = t


class LiveScreen(Screen[None]):
    """One live session. Every action is also in the command palette (ctrl+p)."""

    AUTO_FOCUS = ""  # keys must reach the screen, not an input

    BINDINGS = [
        Binding("backspace", "undo", "Undo", id="live.undo", tooltip="Undo the last mark"),
        Binding("space", "pedal", "Pedal", id="live.pedal", show=False),
        Binding("f5", "pause", "Pause", id="live.pause", tooltip="Pause or resume"),
        # priority: also while typing a note, where the text box would take it
        Binding(
            "ctrl+e", "end", "End session", id="live.end", tooltip="End and check in", priority=True
        ),
        Binding("escape", "cancel", "Cancel", id="live.cancel", show=False),
    ]

    def __init__(self, live: LiveSession, preset: Preset, midi: MidiRequest | None = None) -> None:
        super().__init__()
        self.live = live
        self.preset = preset
        self.midi = midi
        self.engine: LiveEngine | None = None
        self.logger = ObservationLogger(live, preset)
        self.paused = any(o.code == "pause" for o in live.open_states())
        self._note: tuple[Code, float] | None = None
        self._breath: float | None = None  # breaths per minute from the taps, as shown
        self._breath_checked = -1  # the whole second it was last worked out at

    @property
    def attune(self) -> AttuneApp:
        from attune_tui.ui.app import AttuneApp

        assert isinstance(self.app, AttuneApp)
        return self.app

    def compose(self) -> ComposeResult:
        with Horizontal(id="topbar"):
            yield Digits("00:00", id="clock")
            yield Static(id="info")
        with Horizontal(id="body"):
            yield KeyLegend(self.preset, id="legend")
            with Vertical(id="main"):
                yield Static(id="banner")
                yield Static(id="prompt")
                yield RecentObservations(self.preset, id="recent")
                if self.midi is not None:
                    with Vertical(id="midi"):
                        yield MidiStatus(id="midi-status")
                        yield AttunementMeter(id="meter")
                        with Horizontal(id="players"):
                            yield PlayerPanel("client")
                            yield PlayerPanel("therapist")
        yield Input(
            id="note", placeholder="Note (enter saves, escape cancels)", select_on_focus=False
        )
        yield Footer()

    def on_mount(self) -> None:
        self._refresh_info()
        self._refresh_log()
        self.set_interval(0.1, self._tick)
        if self.midi is not None:
            self._start_engine(self.midi)

    def on_unmount(self) -> None:
        self.stop_engine()

    # MIDI ----------------------------------------------------------------------------------
    def _start_engine(self, midi: MidiRequest) -> None:
        # loaded here: the analysis (and numpy) is only needed when MIDI is in play
        from attune_tui.live.engine import EngineCallbacks, LiveEngine

        post = self.post_message  # thread-safe and non-blocking: all the engine may call
        callbacks = EngineCallbacks(
            update=lambda u: post(EngineUpdated(u)),
            code=lambda code, t: post(MidiCode(code, t)),
            auto=lambda event: post(AutoFound(event)),
            status=lambda port, status, t: post(PortChanged(port, status, t)),
            failed=lambda reason: post(AnalysisFailed(reason)),
        )
        status = self.query_one(MidiStatus)
        self.engine = LiveEngine(
            self.live.clock,
            self.preset,
            self.live.folder,
            callbacks,
            ports=midi.ports,
            backend=midi.backend,
            replay=midi.replay,
            speed=midi.speed,
        )
        try:
            self.engine.start()
        except MidiUnavailable as exc:
            self.engine.stop()
            self.engine = None
            status.update(f"[yellow]MIDI off: {exc}[/]  Key logging works as usual.")
            return
        source = f"replaying {midi.replay.name}" if midi.replay else ", ".join(midi.ports)
        players = describe(self.preset.midi.roles)
        status.update(escape(f"MIDI: {source or 'no inputs'}; players: {players}"))

    def stop_engine(self) -> None:
        if self.engine is not None:
            self.engine.stop()
            self.engine = None

    def on_engine_updated(self, message: EngineUpdated) -> None:
        update = message.update
        for panel in self.query(PlayerPanel):
            panel.show(
                update.players[panel.player], update.history[panel.player],
                update.notes[panel.player],
            )  # fmt: skip
        self.query_one(AttunementMeter).show(update)
        if update.moment_began:
            self.notify("Attunement moment", timeout=2)

    def on_analysis_failed(self, message: AnalysisFailed) -> None:
        self.query_one(MidiStatus).update(
            f"[b red]Live analysis stopped ({message.reason}).[/] The MIDI is still recorded;"
            " the review analyses it again."
        )

    def on_midi_code(self, message: MidiCode) -> None:
        if self.live.closed:  # see on_auto_found
            return
        code = self.preset.by_code().get(message.code)
        if code is not None:
            outcome = self._guard(lambda: self.logger.log_code(code, message.t, "midi"))
            if outcome is not None:
                self._show(outcome)

    def on_auto_found(self, message: AutoFound) -> None:
        if self.live.closed:  # derived from the raw capture, which keeps it: nothing is lost
            return
        event = message.event
        if event.code not in STORED_AUTO:
            return
        self._guard(
            lambda: self.live.add(
                event.code, event.t, source="auto", player=event.player,
                modifiers={"detail": event.detail},
            )
        )  # fmt: skip
        self._refresh_log()

    def on_port_changed(self, message: PortChanged) -> None:
        if self.live.closed:  # the MIDI journal has the status change
            return
        status = self.query_one(MidiStatus)
        if message.status == "disconnected":
            self._guard(
                lambda: self.live.add(
                    "midi-gap",
                    message.t,
                    kind="state",
                    source="auto",
                    modifiers={"port": message.port},
                )
            )
            status.update(f"[b red]{message.port}: disconnected[/]  key logging goes on")
        else:
            gaps = [
                g.id
                for g in self.live.open_states()
                if g.code == "midi-gap" and g.modifiers.get("port") == message.port
            ]
            for gap_id in gaps:
                self._guard(partial(self.live.update, gap_id, source="auto", end=message.t))
            status.update(f"[green]{message.port}: connected[/]")
        self._refresh_log()

    # keys ----------------------------------------------------------------------------------
    def on_key(self, event: Key) -> None:
        if self._note is not None:
            self._type_ahead(event)
            return
        key = event.key if event.key.startswith("f") and event.key[1:].isdigit() else None
        key = key or _CHAR_KEYS.get(event.key) or event.character
        if not key or len(key) > 3:
            return
        t = self.live.clock.at(event.time)
        outcome = self._guard(lambda: self.logger.press(key, t))
        modifier = outcome.code.modifier if outcome and outcome.code else None
        if outcome is not None and outcome.action == "not-a-choice" and modifier is not None:
            self.notify(
                f"{key} is not a {modifier.name}: press {choices_text(modifier, markup=False)}",
                severity="warning", timeout=3,
            )  # fmt: skip
        if outcome is not None and outcome.action != "ignored":
            event.stop()
            event.prevent_default()
            self._show(outcome)

    def action_pedal(self) -> None:
        outcome = self._guard(lambda: self.logger.pedal(self.live.clock.now()))
        if outcome is not None:
            self._show(outcome)

    def action_undo(self) -> None:
        undone = self._guard(self.logger.undo)
        if undone is not None:
            labels = self.preset.labels()
            obs = undone.observation
            label = code_label(obs.code, labels)
            if undone.removed:
                message = f"Undone: {label} at {clock_text(obs.t)} (kept in the record)"
            else:
                message = f"Undone: {label}'s stop; it runs on from {clock_text(obs.t)}"
            for state in undone.running_again:
                message += f"; {code_label(state.code, labels)} runs on"
            self.notify(message)
        self._refresh_log()

    def action_pause(self) -> None:
        paused = self._guard(lambda: toggle_pause(self.live, self.live.clock.now()))
        if paused is not None:
            self.paused = paused
            self._refresh_info()
            self._refresh_log()

    def action_cancel(self) -> None:
        self.logger.pending = None
        self._refresh_log()

    def action_end(self) -> None:
        """The session ends at this key, not when the check-in closes: the clock stops and the
        MIDI capture with it, so the check-in adds nothing to the session's time or music.
        A note being typed is saved first."""
        if self._note is not None:
            self._submit_note(self.query_one("#note", Input).value)
        self._guard(self.live.stop)  # the clock stops even if the disk refuses the record
        self._refresh_info()
        self.stop_engine()
        self._tick()
        self.app.push_screen(CheckInScreen(self.preset, self.live.session.checkin), self._ended)

    def _ended(self, checkin: CheckIn | None) -> None:
        """Close the session once the messages already queued here (the engine's last
        findings) are stored: `call_later` runs behind them, so none meets a closed journal."""
        self.stop_engine()
        self.call_later(self._finish, checkin)

    def _finish(self, checkin: CheckIn | None) -> None:
        session = self._guard(lambda: self.attune.finish_session(self.live, self.preset, checkin))
        if session is not None:
            self.attune.after_session(session.id)

    # notes ---------------------------------------------------------------------------------
    def _open_note(self, code: Code, t: float) -> None:
        self._note = (code, t)
        note = self.query_one("#note", Input)
        note.value = ""
        at = clock_text(self.logger.stamp(t))  # the time it is saved at, lag taken off
        note.placeholder = f"{code.label} at {at} (enter saves, escape cancels)"
        note.display = True
        note.focus()

    def _type_ahead(self, event: Key) -> None:
        """Keys typed right after the note key can arrive here before the note field has
        focus: they belong to the note, not to the codes, and must not be lost.

        The field keeps every character it receives, so a character that reaches the screen
        was typed ahead. `enter` and `backspace` also pass here after the field has seen them;
        their bindings are then resolved by the app, in order, so only handle them while the
        field does not have focus yet.
        """
        note = self.query_one("#note", Input)
        if event.key in ("enter", "backspace") and self.focused is note:
            return
        if event.key == "enter":
            self._submit_note(note.value)
        elif event.key == "backspace":
            note.value = note.value[:-1]
        elif event.is_printable and event.character:
            note.value += event.character
        else:
            return
        note.cursor_position = len(note.value)
        event.stop()
        event.prevent_default()

    @on(Input.Submitted, "#note")
    def _save_note(self, event: Input.Submitted) -> None:
        self._submit_note(event.value)

    def _submit_note(self, text: str) -> None:
        if self._note is not None:
            code, started = self._note
            self._guard(lambda: self.logger.note(code, started, text))
        self._close_note()

    def key_escape(self) -> None:
        if self._note is not None:
            self._close_note()

    def _close_note(self) -> None:
        self._note = None
        note = self.query_one("#note", Input)
        note.display = False
        self.set_focus(None)
        # the field's own focus may still be queued (a note typed and saved in one burst):
        # this runs after it, so the keys that follow log codes instead of filling the field
        self.app.call_later(self._unfocus_closed_note)
        self._refresh_log()

    def _unfocus_closed_note(self) -> None:
        if self._note is None and self.focused is self.query_one("#note", Input):
            self.set_focus(None)

    # display -------------------------------------------------------------------------------
    def _show(self, outcome: Outcome) -> None:
        if outcome.action == "text" and outcome.code is not None:
            self._open_note(outcome.code, self.live.clock.now())
            return
        self._refresh_log()

    def _guard(self, action: Callable[[], T]) -> T | None:
        """Run a store action; on failure say so loudly and show nothing as logged."""
        try:
            result = action()
        except StoreError as exc:
            banner = self.query_one("#banner", Static)
            banner.update(f"⚠ {exc}")
            banner.display = True
            self.notify(str(exc), severity="error", timeout=10)
            return None
        self.query_one("#banner", Static).display = False
        return result

    def _tick(self) -> None:
        now = self.live.clock.now()
        shown = clock_text(now)
        clock = self.query_one("#clock", Digits)
        if clock.value != shown:
            clock.update(shown)
        before = self.logger.pending
        self.logger.expire(now)
        if before is not None:
            self._refresh_prompt(now)
            if self.logger.pending is None:
                self._refresh_log()
        if int(now) != self._breath_checked:  # taps go stale with time, not only with keys
            self._refresh_breath(now)

    def _refresh_breath(self, now: float) -> None:
        """The client's breath rate from the inhales tapped so far, in the header: with or
        without MIDI, since breath entrainment often has only the therapist playing, or no one."""
        self._breath_checked = int(now)
        taps = [o.t for o in self.live.log.current.values() if o.code == BREATH_CODE]
        rate = breath_rate(taps, now, self.preset.analysis.breath)
        if rate != self._breath:
            self._breath = rate
            self._refresh_info()

    def _refresh_info(self) -> None:
        s = self.live.session
        state = "[reverse] PAUSED [/]" if self.paused else "[green]● live[/]"
        if self.live.clock.stopped is not None:
            state = "[b]■ ended[/b], check-in"
        breath = f"   [cyan]breath {self._breath:.1f}/min[/]" if self._breath is not None else ""
        self.query_one("#info", Static).update(
            f"[b]{s.client}[/b]  {self.preset.title}\n{state}  session {s.id}{breath}"
        )

    def _refresh_prompt(self, now: float) -> None:
        prompt = self.query_one("#prompt", Static)
        pending = self.logger.pending
        if pending is None or pending.code.modifier is None:
            prompt.update("")
            return
        choices = choices_text(pending.code.modifier)
        left = max(pending.deadline - now, 0.0)
        prompt.update(
            f"{pending.code.label} → {pending.code.modifier.name}: {choices}  ({left:.0f} s)"
        )

    def _refresh_log(self) -> None:
        pending = self.logger.pending
        self.query_one(RecentObservations).show(
            self.live.log.ordered(), pending.observation_id if pending else None
        )
        self.query_one(KeyLegend).show({o.code for o in self.live.open_states()})
        self._refresh_prompt(self.live.clock.now())
        self._refresh_breath(self.live.clock.now())


def choices_text(modifier: Modifier, markup: bool = True) -> str:
    """The keys of a modifier: `1-5` for a scale, `1 calm  2 tense` for choices."""
    bold = (lambda k: f"[b]{k}[/b]") if markup else (lambda k: k)
    if modifier.scale is not None:
        low, high = modifier.scale
        return f"{bold(str(low))}-{bold(str(high))}"
    return "  ".join(f"{bold(c.key)} {c.label}" for c in modifier.choices)
