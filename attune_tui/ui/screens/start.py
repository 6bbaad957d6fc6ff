"""Start a session: a client code, a preset, the MIDI inputs to log from and who plays what.

The inputs are listed in a thread (a MIDI system can take a moment to answer) and come ticked as
`midi.names.preselected` says, the players as `midi.roles.role_choices` puts first, so the
usual set-ups (one keyboard, or the client's keyboards of last time) need no key at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from rich.markup import escape
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, SelectionList, Static
from textual.worker import Worker, WorkerState

from attune_tui.midi.names import find_port, preselected, session_name
from attune_tui.midi.ports import MidiUnavailable, list_inputs
from attune_tui.midi.roles import RoleSettings, describe, role_choices
from attune_tui.model.client import validate_client_code
from attune_tui.ui.widgets.ticklist import TickList


class StartChoice(NamedTuple):
    """What the dialog was filled in with; `roles` None: as the preset says."""

    client: str
    preset: str
    midi: tuple[str, ...]
    roles: RoleSettings | None = None


class LastSetup(NamedTuple):
    """A client's newest session with MIDI: its inputs and its own roles (None: the preset's)."""

    inputs: list[str]
    roles: RoleSettings | None


NO_SETUP = LastSetup([], None)


class StartDialog(ModalScreen[StartChoice | None]):
    """Dismisses with the client code, the preset, the MIDI inputs and the roles, or None."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="start.cancel"),
        Binding("ctrl+r", "rescan", "Look for MIDI inputs again", id="start.rescan"),
        Binding("ctrl+o", "players", "Who plays what", id="start.players"),
    ]

    def __init__(
        self,
        client: str,
        presets: dict[str, RoleSettings],
        *,
        backend: str | None = None,
        asked: Sequence[str] = (),
        asked_roles: RoleSettings | None = None,
        last: Callable[[str], LastSetup] = lambda code: NO_SETUP,
    ) -> None:
        """`presets` maps each preset's name to how it tells the players apart; `asked` and
        `asked_roles` come from the command line; `last` gives a client's last set-up."""
        super().__init__()
        self.client = client
        self.presets = sorted(presets)
        self.preset_roles = presets
        self.backend = backend
        self.asked = tuple(asked)
        self.asked_roles = asked_roles
        self._last = last
        self._last_of: dict[str, LastSetup] = {}  # read once per client code
        self._names: list[str] = []  # the inputs last listed
        self._problem: str | None = None  # why none could be listed
        self._listed = False
        self._touched = False  # the therapist ticked or unticked: keep their choice from then on
        self._waiting: tuple[str, str] | None = None  # picked while the inputs were listed
        self._roles: list[RoleSettings | None] = [None]
        self._role = 0  # index into `_roles`
        self._role_picked: RoleSettings | None = None  # the therapist's pick with ctrl+o
        self._role_touched = False

    def compose(self) -> ComposeResult:
        with Vertical(id="start"):
            yield Static("[b]Start a session[/b]: client code, then pick a preset (enter)")
            yield Input(self.client, id="start-client", placeholder="C-014")
            yield OptionList(*self.presets, id="start-presets")
            yield Static("MIDI inputs: looking…", id="start-midi")
            yield TickList(id="start-inputs")
            yield Static(id="start-players")
            yield Static(id="start-error")

    def on_mount(self) -> None:
        target = "#start-presets" if self.client else "#start-client"
        self.query_one(target).focus()
        if "free-improvisation" in self.presets:
            self.query_one(OptionList).highlighted = self.presets.index("free-improvisation")
        self.query_one(SelectionList).display = False
        self._offer_roles()
        self._scan()

    # listing -------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="start-inputs", exit_on_error=False)
    def _scan(self) -> list[str]:
        """The inputs present now; comes back as a worker state change."""
        return list_inputs(self.backend)

    @on(Worker.StateChanged)
    def _scanned(self, event: Worker.StateChanged) -> None:
        """Show what the listing found; if a preset was picked while it ran, start now, with
        what would have been ticked: the therapist chose not to wait for the list."""
        worker = event.worker
        if worker.group != "start-inputs":
            return
        if worker.state == WorkerState.SUCCESS:  # a name listed twice is one input
            self._names, self._problem = list(dict.fromkeys(worker.result or [])), None
        elif worker.state == WorkerState.ERROR:
            error = worker.error
            why = str(error) if isinstance(error, MidiUnavailable) else f"listing failed: {error}"
            self._names, self._problem = [], f"[yellow]MIDI off[/]: {escape(why)} Keys only."
        else:
            return
        self._listed = True
        if self._waiting is not None:
            code, preset = self._waiting
            ticks = tuple(self._ticks())
            self._offer_roles(ticks)
            self.dismiss(StartChoice(code, preset, ticks, self._roles[self._role]))
        else:
            self._show_inputs()

    def _value(self, name: str) -> str:
        """How a listed input is named to the session (`names.session_name`)."""
        return session_name(self._names, name)

    def _ticks(self) -> list[str]:
        """What to tick, in the order the inputs are listed (by input, the first plays the
        client) and those not plugged in after: the therapist's own choice once made, else
        `preselected`."""
        if self._touched:
            return list(self._midi())
        last = self.last(self._client_code())
        chosen = preselected(self._names, self.asked, last.inputs)
        picked = set(chosen)
        listed = [self._value(n) for n in self._names if n in picked]
        return listed + [p for p in chosen if p not in self._names]  # as asked, not plugged in

    def _show_inputs(self) -> None:
        """The listed inputs, ticked as `_ticks` says, with the asked-for ones not plugged in."""
        names, ticked = self._names, self._ticks()
        options = [(escape(n), self._value(n), self._value(n) in ticked) for n in names]
        listed = {value for _, value, _ in options}
        absent = [p for p in ticked if p not in listed and find_port(names, p) is None]
        options += [(f"{escape(p)} [dim](not plugged in)[/]", p, True) for p in absent]
        inputs = self.query_one(SelectionList)
        inputs.clear_options()
        inputs.add_options(options)
        inputs.display = bool(options)
        self._offer_roles()
        head = self.query_one("#start-midi", Static)
        if self._problem is not None:
            head.update(self._problem)
        elif options:
            head.update("MIDI inputs: [b]tab[/] to them, [b]space[/] ticks, [b]ctrl+r[/] relists")
        else:
            head.update("MIDI inputs: none found; plug one in and press [b]ctrl+r[/]. Keys only.")

    def _client_code(self) -> str:
        """The code as typed so far, as it will be stored."""
        return self.query_one("#start-client", Input).value.strip().upper()

    def last(self, code: str) -> LastSetup:
        """The client's last set-up, read from the store once per code: only for a code that
        could be one, so that typing `C-` does not read every `C-...` session."""
        try:
            validate_client_code(code)
        except ValueError:
            return NO_SETUP
        if code not in self._last_of:
            self._last_of[code] = self._last(code)
        return self._last_of[code]

    @on(Input.Changed, "#start-client")
    def _client_changed(self) -> None:
        """Another client: their last inputs unless the therapist has ticked some, and the
        players offered for them."""
        if self._listed and not self._touched:
            self._show_inputs()
        else:
            self._offer_roles()

    @on(events.DescendantFocus)
    def _first_input(self, event: events.DescendantFocus) -> None:
        """Tabbing to the inputs lands on the first, so that space ticks it at once."""
        if isinstance(event.widget, SelectionList) and event.widget.highlighted is None:
            event.widget.highlighted = 0 if event.widget.option_count else None

    @on(SelectionList.SelectionToggled, "#start-inputs")
    def _toggled(self) -> None:
        """The therapist's ticks stand from now on; the players follow them."""
        self._touched = True
        self._offer_roles()

    def action_rescan(self) -> None:
        """A keyboard plugged in after the dialog opened."""
        self.query_one("#start-midi", Static).update("MIDI inputs: looking…")
        self._scan()

    # players -------------------------------------------------------------------------------
    @on(OptionList.OptionHighlighted, "#start-presets")
    def _preset_highlighted(self) -> None:
        """Each preset tells the players apart in its own way."""
        self._offer_roles()

    def _offer_roles(self, ticks: Sequence[str] | None = None) -> None:
        """The ways to tell the players apart for the highlighted preset and the ticked
        inputs; the therapist's own pick stays while it is on offer."""
        if ticks is None:
            ticks = self._midi()
        base = self._preset_roles()
        last = self.last(self._client_code())
        self._roles = role_choices(base, self.asked_roles, ticks, last.roles, last.inputs)
        keep = self._role_touched and self._role_picked in self._roles
        self._role = self._roles.index(self._role_picked) if keep else 0
        self._show_roles(base)

    def _show_roles(self, base: RoleSettings) -> None:
        chosen = self._roles[self._role]
        said = f"{describe(base)} (the preset's)" if chosen is None else describe(chosen)
        more = ", [b]ctrl+o[/] changes" if len(self._roles) > 1 else ""
        self.query_one("#start-players", Static).update(f"Players: {escape(said)}{more}")

    def _preset_roles(self) -> RoleSettings:
        """How the highlighted preset tells the players apart."""
        index = self.query_one("#start-presets", OptionList).highlighted
        name = self.presets[index] if index is not None else None
        return self.preset_roles.get(name, RoleSettings()) if name else RoleSettings()

    def action_players(self) -> None:
        """The next way to tell the players apart."""
        self._role = (self._role + 1) % len(self._roles)
        self._role_picked = self._roles[self._role]
        self._role_touched = True
        self._show_roles(self._preset_roles())

    # choosing ------------------------------------------------------------------------------
    def _midi(self) -> tuple[str, ...]:
        """The ticked inputs in the order they are listed, however they were ticked: by input,
        the first plays the client until ctrl+o turns them round."""
        inputs = self.query_one(SelectionList[str])
        values = [inputs.get_option_at_index(i).value for i in range(inputs.option_count)]
        return tuple(v for v in values if v in inputs.selected)

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
        preset = str(event.option.prompt)
        if not self._listed:  # the inputs are still being listed: start once they are
            self._waiting = (code, preset)
            return
        self.dismiss(StartChoice(code, preset, self._midi(), self._roles[self._role]))

    def action_cancel(self) -> None:
        self.dismiss(None)
