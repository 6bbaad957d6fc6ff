"""A client's sessions side by side: attunement and alliance figures per session, and a chart.

Figures come from each session record (the summary stored when the session ended or was last
edited in review), so the progress screen reads small files per session, not the MIDI. Only
when the therapist rejected a moment in review is the saved analysis read as well, to leave
that moment out of the figures as every other summary does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from attune_tui.analyze import saved_analysis
from attune_tui.errors import StoreError
from attune_tui.model.session import Session
from attune_tui.report.reviewed import REJECTED, reviewed_analysis
from attune_tui.store.journal import read_journal
from attune_tui.store.observations import ObservationLog
from attune_tui.store.store import JOURNAL

Summary = Mapping[str, Any] | None

BLOCKS = " ▁▂▃▄▅▆▇█"


@dataclass(frozen=True, slots=True)
class SessionFigures:
    """One session's row of the progress table (None where the session has no such figure)."""

    session_id: str
    date: str
    minutes: float
    moments: int | None
    attuned_pct: float | None
    first_moment_s: float | None
    goals: int | None
    tasks: int | None
    bond: int | None
    rejected: int = 0
    """Moments rejected in review: left out of `moments` and the times, and said so."""

    @property
    def alliance(self) -> float | None:
        """Mean of the therapist's goals, tasks and bond ratings (0-10)."""
        if self.goals is None or self.tasks is None or self.bond is None:
            return None
        return round((self.goals + self.tasks + self.bond) / 3.0, 1)


def session_figures(session: Session, summary: Summary = None) -> SessionFigures:
    """A session's row from `summary`, by default the one stored in its record."""
    summary = summary if summary is not None else session.summary or {}
    checkin = session.checkin
    moments = summary.get("moments")
    pct = summary.get("attuned_pct")
    first = summary.get("time_to_first_moment_s")
    rejected = summary.get("rejected_moments")
    return SessionFigures(
        session_id=session.id,
        date=f"{session.started_at:%Y-%m-%d}",
        minutes=round(session.duration_s / 60.0, 1),
        moments=int(moments) if isinstance(moments, int | float) else None,
        attuned_pct=float(pct) if isinstance(pct, int | float) else None,
        first_moment_s=float(first) if isinstance(first, int | float) else None,
        goals=checkin.goals if checkin else None,
        tasks=checkin.tasks if checkin else None,
        bond=checkin.bond if checkin else None,
        rejected=int(rejected) if isinstance(rejected, int | float) else 0,
    )


def client_progress(
    sessions: Sequence[Session], summary_of: Callable[[Session], Summary] | None = None
) -> list[SessionFigures]:
    """Figures of every session that ended (or was recovered), oldest first; `summary_of`
    gives a session's summary as reviewed (see `reviewed_summary`), else its record's."""
    done = sorted((s for s in sessions if s.status != "live"), key=lambda s: (s.started_at, s.id))
    return [session_figures(s, summary_of(s) if summary_of else None) for s in done]


def reviewed_summary(folder: Path, session: Session) -> Summary:
    """The session's summary without the moments rejected in review (its record's if none was,
    or if no saved analysis is left to recount from)."""
    try:
        journal = read_journal(folder / JOURNAL)
    except StoreError:
        return session.summary  # the review names the unreadable journal
    verdicts = ObservationLog().extend(r for r in journal.records if r.get("op") == "moment")
    if REJECTED not in verdicts.moment_verdicts.values():
        return session.summary
    document = saved_analysis(folder)
    if document is None:
        return session.summary
    summary: Summary = reviewed_analysis(document, verdicts.moment_verdicts).get("summary")
    return summary


def bar_chart(values: Sequence[float | None], top: float, height: int, bar: int = 2) -> list[str]:
    """Vertical bars, one per value (`bar` columns wide, one space apart), `height` rows high,
    top row first; a missing value is a gap. Eighth-block characters give height * 8 levels."""
    rows = []
    for row in range(height - 1, -1, -1):
        cells = []
        for value in values:
            if value is None:
                cells.append(" " * bar)
                continue
            eighths = round(max(min(value / top, 1.0), 0.0) * height * 8) if top > 0 else 0
            fill = min(max(eighths - row * 8, 0), 8)
            cells.append(BLOCKS[fill] * bar)
        rows.append(" ".join(cells))
    return rows
