"""Which stretch of the session the timeline shows, at how many seconds per column.

Zoom keeps the cursor's column where it is so the eye does not lose its place; panning follows
the cursor so that moving along the session is one key, whatever the zoom.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

MIN_SCALE_S = 0.1
"""The finest zoom: a tenth of a second per column, about the precision of a key press."""


@dataclass
class Viewport:
    """A window on [0, duration] drawn over `width` columns, and the cursor inside it."""

    duration: float
    width: int = 80
    start: float = 0.0
    scale: float = 1.0  # seconds per column
    cursor: float = 0.0

    @classmethod
    def fit(cls, duration: float, width: int) -> Viewport:
        """The whole session in view."""
        view = cls(max(duration, MIN_SCALE_S), max(width, 1))
        view.scale = view.max_scale
        return view

    @property
    def max_scale(self) -> float:
        return max(self.duration / self.width, MIN_SCALE_S)

    @property
    def end(self) -> float:
        return self.start + self.width * self.scale

    @property
    def cursor_column(self) -> int:
        return self.column(self.cursor)

    def column(self, t: float) -> int:
        """The column drawing time t (may be outside 0..width-1 when t is out of view)."""
        return math.floor((t - self.start) / self.scale + 1e-9)

    def edges(self) -> NDArray[np.float64]:
        """width + 1 column boundaries in seconds."""
        return self.start + self.scale * np.arange(self.width + 1, dtype=np.float64)

    def resize(self, width: int) -> None:
        self.width = max(width, 1)
        self.scale = min(self.scale, self.max_scale)
        self.follow()

    def zoom(self, factor: float) -> None:
        """factor < 1 zooms in; the cursor keeps its column."""
        column = self.cursor_column
        self.scale = min(max(self.scale * factor, MIN_SCALE_S), self.max_scale)
        self.start = self.cursor - column * self.scale
        self.follow()

    def move(self, columns: int) -> None:
        """Move the cursor by whole columns; the view pans when the cursor leaves it."""
        self.goto(self.cursor + columns * self.scale)

    def goto(self, t: float, centre: bool = False) -> None:
        """Put the cursor at t; a jump out of view (`centre`) shows t mid-screen."""
        self.cursor = min(max(t, 0.0), self.duration)
        if centre and not self.start <= self.cursor < self.end:
            self.start = self.cursor - (self.width // 2) * self.scale
        self.follow()

    def follow(self) -> None:
        """Pan just enough to keep the cursor in view, never past the session's ends."""
        if self.cursor < self.start:
            self.start = self.cursor
        elif self.cursor >= self.end - self.scale:
            self.start = self.cursor - (self.width - 1) * self.scale
        latest = max(self.duration - (self.width - 1) * self.scale, 0.0)
        self.start = min(max(self.start, 0.0), latest)
