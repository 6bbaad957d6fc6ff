"""A client's sessions side by side: attunement and alliance figures per session, and a chart.

Figures come from each session record (the summary stored when the session ended or was last
edited in review), so the progress screen reads one small file per session, not the MIDI.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from attune_tui.model.session import Session

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

    @property
    def alliance(self) -> float | None:
        """Mean of the therapist's goals, tasks and bond ratings (0-10)."""
        if self.goals is None or self.tasks is None or self.bond is None:
            return None
        return round((self.goals + self.tasks + self.bond) / 3.0, 1)


def session_figures(session: Session) -> SessionFigures:
    summary = session.summary or {}
    checkin = session.checkin
    moments = summary.get("moments")
    pct = summary.get("attuned_pct")
    first = summary.get("time_to_first_moment_s")
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
    )


def client_progress(sessions: Sequence[Session]) -> list[SessionFigures]:
    """Figures of every session that ended (or was recovered), oldest first."""
    done = [s for s in sessions if s.status != "live"]
    return [session_figures(s) for s in sorted(done, key=lambda s: (s.started_at, s.id))]


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
