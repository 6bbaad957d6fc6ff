"""Small text formatting shared by the screens.

Session times come from `attune_tui.clocktext`, the formatter the reports use too, so a time
read on screen is the time printed in the note.
"""

from __future__ import annotations

from attune_tui.clocktext import clock_text

__all__ = ["clock_text"]
