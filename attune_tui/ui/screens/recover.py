"""Offer to recover a session that a crash left open, with everything its journal kept."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from attune_tui.model.session import Session


class RecoverScreen(ModalScreen[bool]):
    """Dismisses True to recover now, False to leave it for later."""

    BINDINGS = [
        Binding("r,enter", "choose(True)", "Recover", id="recover.yes"),
        Binding("l,escape", "choose(False)", "Later", id="recover.later"),
    ]

    def __init__(self, session: Session, observations: int) -> None:
        super().__init__()
        self.session = session
        self.count = observations

    def compose(self) -> ComposeResult:
        s = self.session
        with Vertical(id="recover"):
            yield Static(
                f"[b]A session was not closed[/b]\n\n"
                f"Client {s.client}, started {s.started_at:%Y-%m-%d %H:%M}, preset {s.preset}.\n"
                f"attune stopped before it was ended (a crash, a kill or a power loss).\n"
                f"All {self.count} observations saved before that are on disk.\n\n"
                f"[b]r[/b] recover it now (mark it ended as 'recovered')   [b]l[/b] later"
            )

    def action_choose(self, recover: bool) -> None:
        self.dismiss(recover)
