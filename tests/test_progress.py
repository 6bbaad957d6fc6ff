"""A client's progress: per-session figures, the bar chart, and the screen from home."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from attune_tui.model.session import CheckIn, Session
from attune_tui.review.progress import bar_chart, client_progress, session_figures
from attune_tui.store import Store
from attune_tui.ui.app import AttuneApp
from attune_tui.ui.screens.home import HomeScreen
from attune_tui.ui.screens.progress import ProgressScreen
from attune_tui.ui.screens.review import ReviewScreen

START = datetime(2025, 1, 6, 10, 0).astimezone()


def session(n: int, pct: float | None, checkin: CheckIn | None, status: str = "ended") -> Session:
    summary = None
    if pct is not None:
        summary = {"moments": n + 1, "attuned_pct": pct, "time_to_first_moment_s": 30.0 - n}
    return Session.model_validate(
        {
            "id": f"s{n}",
            "client": "C-014",
            "preset": "free-improvisation",
            "started_at": START + timedelta(days=7 * n),
            "status": status,
            "duration_s": 1800.0,
            "checkin": checkin,
            "summary": summary,
        }
    )


def test_figures_oldest_first_without_live_sessions() -> None:
    sessions = [
        session(2, 40.0, CheckIn(goals=8, tasks=7, bond=9)),
        session(0, 12.5, None),
        session(1, None, CheckIn(goals=5, tasks=5, bond=6)),
        session(3, 50.0, None, status="live"),
    ]
    figures = client_progress(sessions)
    assert [f.session_id for f in figures] == ["s0", "s1", "s2"]
    first, second, third = figures
    assert (first.moments, first.attuned_pct, first.first_moment_s) == (1, 12.5, 30.0)
    assert first.goals is None and first.alliance is None
    assert second.moments is None and second.attuned_pct is None
    assert third.alliance == 8.0 and third.minutes == 30.0
    assert third.date == f"{START + timedelta(days=14):%Y-%m-%d}"


def test_bar_chart_levels_and_gaps() -> None:
    rows = bar_chart([100.0, 50.0, None, 0.0, 6.25], top=100.0, height=2, bar=1)
    # full bar; half (lower row only); gap; zero; one eighth of the lower row
    assert rows == ["█        ", "█ █     ▁"]
    assert bar_chart([5.0], top=10.0, height=1, bar=3) == ["▄▄▄"]


def test_session_figures_read_the_record(store: Store) -> None:
    live = store.start_session("C-014", "free-improvisation", [])
    ended = live.end(CheckIn(goals=6, tasks=7, bond=8), {"moments": 3, "attuned_pct": 22.0})
    live.close()
    figures = session_figures(ended)
    assert (figures.moments, figures.attuned_pct, figures.bond) == (3, 22.0, 8)


async def test_progress_screen_from_home(store: Store) -> None:
    for n, pct in enumerate((10.0, 35.0)):
        live = store.start_session("C-014", "free-improvisation", [])
        live.end(CheckIn(goals=5 + n, tasks=6, bond=7), {"moments": n + 1, "attuned_pct": pct})
        live.close()
    app = AttuneApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ProgressScreen)
        table = app.screen.query_one("#progress-table")
        assert table.row_count == 2  # type: ignore[attr-defined]
        assert [f.attuned_pct for f in app.screen.figures] == pytest.approx([10.0, 35.0])
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ProgressScreen)
