"""The review timeline: one row per lane, drawn line by line from the visible columns only.

The lanes are folded into columns by `review.columns` (numpy over the screen width, not over
the session), the rows are cached as strips until the view, the selection or the data change,
and a key press redraws only this widget. That keeps a pan step on a two-hour session within a
frame.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from attune_tui.analysis.notes import PLAYERS, Player
from attune_tui.review.columns import (
    FloatArray,
    levels,
    mark_columns,
    series_columns,
    span_columns,
)
from attune_tui.review.timeline import (
    VELOCITY_RANGE,
    ObservationLane,
    Series,
    Spans,
    Timeline,
)
from attune_tui.review.viewport import Viewport
from attune_tui.ui.format import clock_text
from attune_tui.wording import AUTO_CATEGORY

GUTTER = 15
BLOCKS = " ▁▂▃▄▅▆▇█"
TICK_STEPS_S = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)
MIN_TICK_COLUMNS = 12

# Cells carry an index into PALETTE; the styles (on the widget's background, plain, selected,
# under the cursor) are resolved once per redraw rather than combined per cell.
PALETTE = (
    Style(),  # plain
    Style(color="grey62"),  # label
    Style(color="grey50"),  # ruler
    Style(color="bright_white", bold=True),  # cursor mark
    Style(color="cyan"),  # client
    Style(color="magenta"),  # therapist
    Style(color="green", bold=True),  # breath-matched phrase
    Style(color="bright_green"),  # breath tap
    Style(color="yellow"),  # observation lane
    Style(color="yellow", dim=True),  # state span
    Style(color="grey70"),  # automatic lane
    Style(color="green"),  # accepted moment
    Style(color="yellow"),  # open moment
    Style(color="red"),  # rejected moment
    Style(color="dodger_blue1"),  # manual moment
)
(PLAIN, LABEL, RULER, CURSOR_MARK, CLIENT, THERAPIST, MATCHED, BREATH, LANE, STATE, AUTO_LANE,
 ACCEPTED, OPEN, REJECTED, MANUAL) = range(len(PALETTE))  # fmt: skip
N = len(PALETTE)
SELECTED = N  # added to a style index: the selected item
CURSOR = 2 * N  # added to a style index: the cursor's column
SELECTED_STYLE = Style(reverse=True, bold=True)
CURSOR_STYLE = Style(bgcolor="grey30")
PLAYER = {"client": CLIENT, "therapist": THERAPIST}
MOMENT = {
    "accepted": ("█", ACCEPTED),
    "open": ("▒", OPEN),
    "rejected": ("╌", REJECTED),
    "manual": ("▓", MANUAL),
}
SOURCE_LETTER = {"auto": "A", "manual": "M", "both": "B"}
SHORT = {"client": "client", "therapist": "therap."}

Row = tuple[list[str], list[int]]
"""One lane over the visible columns: a character and a palette index per column."""


class TimelineView(Widget):
    """Lanes of one session over a zoomable, pannable time axis with a cursor."""

    class Resized(Message):
        """The view's width changed, and with it the seconds per column."""

    def __init__(self, timeline: Timeline, **kwargs: str | None) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.timeline = timeline
        self.view = Viewport.fit(timeline.duration, 80)
        self.selected: str | None = None  # an observation id or a moment key
        self._fitted = False
        self._strips: list[Strip] | None = None
        self.builds = 0  # rows rebuilt so far: the benchmark waits on it for a first paint

    # state -----------------------------------------------------------------------------
    def show(self, timeline: Timeline) -> None:
        """New data (after an edit or a re-analysis); the view and cursor stay where they are."""
        self.timeline = timeline
        self.view.duration = max(timeline.duration, self.view.duration)
        self.changed()

    def changed(self) -> None:
        """The view or the selection moved: rebuild the rows on the next paint."""
        self._strips = None
        self.refresh()

    def on_resize(self) -> None:
        width = max(self.size.width - GUTTER, 1)
        if not self._fitted:
            self.view = Viewport.fit(self.timeline.duration, width)
            self._fitted = True
        else:
            self.view.resize(width)
        self.changed()
        self.post_message(self.Resized())

    @property
    def rows(self) -> int:
        return 11 + len(self.timeline.lanes)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self.rows

    def render_line(self, y: int) -> Strip:
        if self._strips is None:
            self._strips = self._build()
            self.builds += 1
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width, self.rich_style)

    # rows ------------------------------------------------------------------------------
    def _build(self) -> list[Strip]:
        view, tl = self.view, self.timeline
        edges = view.edges()
        low, high = tl.tempo_range
        rows: list[tuple[str, Row]] = [("", self._ruler()), ("moments", self._moments(edges))]
        for player in PLAYERS:
            top, bottom = _plot(tl.tempo[player], edges, low, high, PLAYER[player], 2)
            rows += [(f"{SHORT[player]} bpm", top), (f"  {low:.0f}-{high:.0f}", bottom)]
        for player in PLAYERS:
            (line,) = _plot(tl.dynamics[player], edges, *VELOCITY_RANGE, PLAYER[player], 1)
            rows.append((f"{SHORT[player]} dyn", line))
        for player in PLAYERS:
            rows.append((f"{SHORT[player]} phr", _phrases(tl.phrases[player], edges, player)))
        rows.append(("breaths", _breaths(tl.breaths, edges)))
        rows += [(lane.category[: GUTTER - 1], self._lane(lane, edges)) for lane in tl.lanes]
        base = self.rich_style
        palette = [base + style for style in PALETTE]
        palette += [style + SELECTED_STYLE for style in palette[:N]]
        palette += [style + CURSOR_STYLE for style in palette[: 2 * N]]
        cursor = view.cursor_column
        return [_strip(label, row, cursor, palette) for label, row in rows]

    def _ruler(self) -> Row:
        view = self.view
        chars = [" "] * view.width
        styles = [RULER] * view.width
        step = next(
            (s for s in TICK_STEPS_S if s / view.scale >= MIN_TICK_COLUMNS), TICK_STEPS_S[-1]
        )
        first = int(np.ceil(view.start / step)) * step
        for t in range(first, int(view.end) + 1, step):
            column = view.column(t)
            for i, char in enumerate("╵" + clock_text(t)):
                if 0 <= column + i < view.width:
                    chars[column + i] = char
        if 0 <= view.cursor_column < view.width:
            chars[view.cursor_column] = "▼"
            styles[view.cursor_column] = CURSOR_MARK
        return chars, styles

    def _moments(self, edges: FloatArray) -> Row:
        moments = self.timeline.moments
        starts = np.array([m.start for m in moments], dtype=np.float64)
        ends = np.array([m.end for m in moments], dtype=np.float64)
        chars: list[str] = []
        styles: list[int] = []
        previous = -1
        for index in span_columns(starts, ends, edges).tolist():
            if index < 0:
                chars.append(" ")
                styles.append(PLAIN)
            else:
                moment = moments[index]
                char, style = MOMENT.get(moment.verdict, MOMENT["open"])
                if index != previous:  # a band opens with its source's letter, highlighted
                    char, style = SOURCE_LETTER.get(moment.source, "A"), style + SELECTED
                elif moment.key == self.selected:
                    style += SELECTED
                chars.append(char)
                styles.append(style)
            previous = index
        return chars, styles

    def _lane(self, lane: ObservationLane, edges: FloatArray) -> Row:
        width = len(edges) - 1
        mark = AUTO_LANE if lane.category == AUTO_CATEGORY else LANE
        states = span_columns(lane.states.starts, lane.states.ends, edges)
        chars = np.where(states >= 0, "─", " ").tolist()
        styles = np.where(states >= 0, STATE, PLAIN).tolist()
        first, counts = mark_columns(lane.times, edges)
        for column in np.flatnonzero(counts).tolist():
            n = int(counts[column])
            chars[column] = lane.letters[first[column]] if n == 1 else _count_char(n)
            styles[column] = mark
        selected = self.timeline.observation(self.selected) if self.selected in lane.ids else None
        if selected is not None:
            column = int(np.searchsorted(edges, selected.t, side="right")) - 1
            if 0 <= column < width:
                styles[column] += SELECTED
        return chars, styles


def _strip(label: str, row: Row, cursor: int, palette: list[Style]) -> Strip:
    """Runs of one style become one segment; the cursor's column is drawn on its own."""
    chars, styles = row
    if 0 <= cursor < len(styles):
        styles[cursor] += CURSOR
    ids = np.asarray(styles)
    bounds = [0, *(np.flatnonzero(ids[1:] != ids[:-1]) + 1).tolist(), len(styles)]
    text = "".join(chars)
    segments = [Segment(f"{label:<{GUTTER - 1}} "[:GUTTER], palette[LABEL])]
    segments += [Segment(text[a:b], palette[styles[a]]) for a, b in pairwise(bounds)]
    return Strip(segments, GUTTER + len(chars))


def _plot(
    series: Series, edges: FloatArray, low: float, high: float, style: int, height: int
) -> list[Row]:
    """Block plot `height` rows high (top row first): 8 levels per row."""
    steps = levels(series_columns(series.t, series.values, edges), low, high, 8 * height)
    rows: list[Row] = []
    for row in range(height - 1, -1, -1):
        fills = np.clip(steps - 8 * row, 0, 8)
        if row > 0:
            fills = np.where(steps > 8 * row, fills, 0)
        rows.append(([BLOCKS[f] for f in fills.tolist()], [style] * len(fills)))
    return rows


def _phrases(spans: Spans, edges: FloatArray, player: Player) -> Row:
    chars: list[str] = []
    styles: list[int] = []
    previous = -1
    for index in span_columns(spans.starts, spans.ends, edges).tolist():
        if index < 0:
            chars.append(" ")
            styles.append(PLAIN)
        else:
            chars.append("╺" if index != previous and previous >= 0 else "━")
            styles.append(MATCHED if spans.flags[index] else PLAYER[player])
        previous = index
    return chars, styles


def _breaths(times: FloatArray, edges: FloatArray) -> Row:
    _, counts = mark_columns(times, edges)
    chars = [_count_char(n) if n > 1 else ("•" if n else " ") for n in counts.tolist()]
    return chars, [BREATH if n else PLAIN for n in counts.tolist()]


def _count_char(n: int) -> str:
    """How many marks share a column (9+ shows as +)."""
    return str(n) if n <= 9 else "+"
