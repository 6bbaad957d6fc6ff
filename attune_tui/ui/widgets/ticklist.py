"""A list of choices to tick whose unticked boxes are empty.

Textual's `SelectionList` draws an X in every box and tells ticked from unticked by colour
alone; on a dim laptop screen, a projector or a terminal without colour the two look the same.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList


class TickList(SelectionList[str]):
    """`SelectionList` with an empty box for an unticked choice."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        index = self.scroll_offset.y + y
        if not 0 <= index < self.option_count:
            return strip
        if self.get_option_at_index(index).value in self.selected:
            return strip
        segments = list(strip)
        if len(segments) > 1 and segments[1].text == Checkbox.BUTTON_INNER:
            box = segments[1]
            segments[1] = Segment(" " * len(box.text), box.style, box.control)
        return Strip(segments, strip.cell_length)
