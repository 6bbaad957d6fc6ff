"""Home: pick or add a client, start or continue a session, see a client's sessions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, OptionList, Static

from attune_tui.errors import StoreError
from attune_tui.model.client import validate_client_code

if TYPE_CHECKING:
    from attune_tui.ui.app import AttuneApp


class HomeScreen(Screen[None]):
    """Clients on the left, the selected client's sessions on the right."""

    BINDINGS = [
        Binding("a", "add_client", "Add client", id="home.add"),
        Binding("s", "start", "Start session", id="home.start"),
        Binding("c", "continue", "Continue", id="home.continue"),
        Binding("v", "review", "Review", id="home.review"),
        Binding("p", "progress", "Progress", id="home.progress", tooltip="Client's sessions"),
        Binding("q", "app.quit", "Quit", id="home.quit"),
    ]

    @property
    def attune(self) -> AttuneApp:
        from attune_tui.ui.app import AttuneApp

        assert isinstance(self.app, AttuneApp)
        return self.app

    def compose(self) -> ComposeResult:
        yield Static("[b]attune[/b]  clients and sessions", id="title")
        with Horizontal():
            with Vertical(id="clients-pane"):
                yield OptionList(id="clients")
                yield Input(id="new-client", placeholder="code, e.g. C-014")
            yield DataTable(id="sessions", cursor_type="row")
        yield Static(id="home-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#new-client", Input).display = False
        table = self.query_one("#sessions", DataTable)
        table.add_columns("session", "preset", "status", "minutes", "check-in")
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        clients = self.query_one("#clients", OptionList)
        highlighted = self.selected_client()
        clients.clear_options()
        try:
            codes = [c.code for c in self.attune.store.clients()]
        except StoreError as exc:  # the client list is damaged: say so, list who has sessions
            self.notify(str(exc), severity="error", timeout=30)
            codes = sorted({s.client for s in self.attune.store.sessions()[0]})
        clients.add_options(codes)
        if codes:
            clients.highlighted = codes.index(highlighted) if highlighted in codes else 0
        clients.focus()
        self._show_sessions()

    def selected_client(self) -> str | None:
        clients = self.query_one("#clients", OptionList)
        if clients.highlighted is None or clients.option_count == 0:
            return None
        return str(clients.get_option_at_index(clients.highlighted).prompt)

    def selected_session(self) -> str | None:
        table = self.query_one("#sessions", DataTable)
        if table.row_count == 0:
            return None
        return str(table.get_row_at(table.cursor_row)[0])

    @on(OptionList.OptionHighlighted, "#clients")
    def _show_sessions(self) -> None:
        table = self.query_one("#sessions", DataTable)
        table.clear()
        client = self.selected_client()
        if client is None:
            self._status("No clients yet: press [b]a[/b] to add a pseudonymous code.")
            return
        sessions, problems = self.attune.store.sessions(client)
        orphans = {s.id for s in self.attune.store.orphaned()}  # as `attune sessions` says
        for s in sessions:
            checkin = f"{s.checkin.goals}/{s.checkin.tasks}/{s.checkin.bond}" if s.checkin else ""
            status = "not closed" if s.id in orphans else s.status
            minutes = self.attune.store.recorded_s(s) / 60
            table.add_row(s.id, s.preset, status, f"{minutes:.1f}", checkin)
        note = f"  [yellow]{len(problems)} unreadable session file(s)[/]" if problems else ""
        noun = "session" if len(sessions) == 1 else "sessions"
        self._status(f"{client}: {len(sessions)} {noun}.{note}")

    def action_add_client(self) -> None:
        box = self.query_one("#new-client", Input)
        box.display = True
        box.focus()

    @on(Input.Submitted, "#new-client")
    def _add(self, event: Input.Submitted) -> None:
        try:
            code = validate_client_code(event.value)
        except ValueError as exc:
            self._status(f"[red]{exc}[/red]")
            return
        try:
            self.attune.store.add_client(code)
        except StoreError as exc:
            self._status(f"[red]{escape(str(exc))}[/red]")
            return
        event.input.value = ""
        event.input.display = False
        self.reload()
        clients = self.query_one("#clients", OptionList)
        for index in range(clients.option_count):
            if clients.get_option_at_index(index).prompt == code:
                clients.highlighted = index

    def action_start(self) -> None:
        self.app.push_screen(
            self.attune.start_dialog(self.selected_client() or ""), self.attune.start_from_dialog
        )

    def action_continue(self) -> None:
        session_id = self.selected_session()
        if session_id is not None:
            self.attune.continue_session(session_id)

    def action_review(self) -> None:
        session_id = self.selected_session()
        if session_id is not None:
            self.attune.open_review(session_id)

    def action_progress(self) -> None:
        client = self.selected_client()
        if client is not None:
            self.attune.open_progress(client)

    def _status(self, message: str) -> None:
        self.query_one("#home-status", Static).update(message)
