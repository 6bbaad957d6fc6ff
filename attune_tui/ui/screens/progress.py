"""A client's progress: each session's attunement figures and alliance check-in, oldest first.

The table gives the figures; the two bar charts show the trend of attuned time and of the
therapist's alliance rating at a glance, one bar per session, numbered as the table's rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from attune_tui.report.text import plural
from attune_tui.review.progress import (
    SessionFigures,
    bar_chart,
    client_progress,
    reviewed_summary,
)
from attune_tui.review.summary import duration_text

if TYPE_CHECKING:
    from attune_tui.ui.app import AttuneApp

CHART_HEIGHT = 6
BAR = 3


class ProgressScreen(Screen[None]):
    """Sessions of one client as a table and two small charts."""

    BINDINGS = [
        Binding("v", "review", "Review", id="progress.review",
                tooltip="Open the review of the selected session (or enter)"),
        Binding("escape,q", "close", "Back", id="progress.back"),
    ]  # fmt: skip

    def __init__(self, client: str) -> None:
        super().__init__()
        self.client = client
        self.figures: list[SessionFigures] = []

    @property
    def attune(self) -> AttuneApp:
        from attune_tui.ui.app import AttuneApp

        assert isinstance(self.app, AttuneApp)
        return self.app

    def compose(self) -> ComposeResult:
        yield Static(id="progress-title")
        yield DataTable(id="progress-table", cursor_type="row")
        with Horizontal(id="progress-charts"):
            yield Static(id="progress-attuned", classes="progress-chart")
            yield Static(id="progress-alliance", classes="progress-chart")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#progress-table", DataTable)
        table.add_columns(
            "#", "date", "session", "min", "moments", "attuned %", "first moment",
            "goals", "tasks", "bond",
        )  # fmt: skip
        self.reload()
        table.focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        store = self.attune.store
        sessions, problems = store.sessions(self.client)
        self.figures = client_progress(sessions, lambda s: reviewed_summary(store.folder(s.id), s))
        table = self.query_one("#progress-table", DataTable)
        table.clear()
        for number, f in enumerate(self.figures, start=1):
            table.add_row(*_row(number, f), key=f.session_id)
        note = f"  [yellow]{len(problems)} unreadable session file(s)[/]" if problems else ""
        self.query_one("#progress-title", Static).update(
            f"[b]{self.client}[/b]  progress over {plural(len(self.figures), 'session')}{note}"
        )
        self._charts()

    def _charts(self) -> None:
        attuned = [f.attuned_pct for f in self.figures]
        alliance = [f.alliance for f in self.figures]
        self.query_one("#progress-attuned", Static).update(
            _chart("Attuned time, % of the session", attuned, 100.0)
        )
        self.query_one("#progress-alliance", Static).update(
            _chart("Alliance (therapist, mean of goals, tasks, bond)", alliance, 10.0)
        )

    @on(DataTable.RowSelected, "#progress-table")
    def action_review(self) -> None:
        table = self.query_one("#progress-table", DataTable)
        if table.row_count:
            self.attune.open_review(self.figures[table.cursor_row].session_id)

    def action_close(self) -> None:
        self.dismiss()


def _row(number: int, f: SessionFigures) -> list[str]:
    def text(value: object) -> str:
        return "" if value is None else str(value)

    first = "" if f.first_moment_s is None else duration_text(f.first_moment_s)
    moments = text(f.moments) + (f" ({f.rejected} rejected, left out)" if f.rejected else "")
    attuned = "" if f.attuned_pct is None else f"{f.attuned_pct:.0f}"
    return [
        str(number), f.date, f.session_id, f"{f.minutes:.1f}", moments, attuned, first,
        text(f.goals), text(f.tasks), text(f.bond),
    ]  # fmt: skip


def _chart(title: str, values: list[float | None], top: float) -> str:
    if not values:
        return f"[b]{title}[/b]\n(no sessions yet)"
    bars = bar_chart(values, top, CHART_HEIGHT, BAR)
    axis = [f"{top:>4.0f} ┤"] + ["     │"] * (CHART_HEIGHT - 2) + ["   0 ┤"]
    lines = [f"{a}{b}" for a, b in zip(axis, bars, strict=True)]
    numbers = " ".join(f"{i:>{BAR}}" for i in range(1, len(values) + 1))
    return "\n".join([f"[b]{title}[/b]", *lines, f"      {numbers}"])
