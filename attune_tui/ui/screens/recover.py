"""Offer to recover a session that a crash left open, with everything its journal kept."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from attune_tui.model.session import Session
from attune_tui.ui.format import clock_text


class RecoverScreen(ModalScreen[bool]):
    """Dismisses True to recover now, False to leave it for later."""

    BINDINGS = [
        Binding("r,enter", "choose(True)", "Recover", id="recover.yes"),
        Binding("l,escape", "choose(False)", "Later", id="recover.later"),
    ]

    def __init__(self, session: Session, observations: int, ended: float | None = None) -> None:
        super().__init__()
        self.session = session
        self.count = observations
        self.ended = ended
        """Where the session was ended (ctrl+e), if it was, before the program stopped."""

    def compose(self) -> ComposeResult:
        s = self.session
        if self.ended is None:
            what = "attune stopped before it was ended (a crash, a kill or a power loss)."
        else:
            what = (
                f"It was ended at {clock_text(self.ended)}, but attune stopped (a crash, a kill"
                " or a power loss) before its check-in was saved: the check-in is lost, the"
                " session's length is kept."
            )
        with Vertical(id="recover"):
            yield Static(
                f"[b]A session was not closed[/b]\n\n"
                f"Client {s.client}, started {s.started_at:%Y-%m-%d %H:%M}, preset {s.preset}.\n"
                f"{what}\n"
                f"All {self.count} observations saved before that are on disk.\n\n"
                f"[b]r[/b] recover it now (mark it ended as 'recovered')   [b]l[/b] later"
            )

    def action_choose(self, recover: bool) -> None:
        self.dismiss(recover)
