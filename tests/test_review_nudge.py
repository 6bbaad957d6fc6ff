"""`<` `>` in review: a whole mark moves by the step, kept inside the session."""

from __future__ import annotations

import pytest

from attune_tui.model.observation import Observation
from attune_tui.review.nudge import Nudge, nudged

END = 172.0


def mark(t: float, end: float | None = None, kind: str = "point") -> Observation:
    return Observation.model_validate({"id": "m", "t": t, "code": "c", "kind": kind, "end": end})


def state(t: float, end: float | None) -> Observation:
    return mark(t, end, kind="state")


def test_a_point_moves_by_the_step() -> None:
    assert nudged(mark(5.0), 0.1, END) == Nudge({"t": 5.1})
    assert nudged(mark(5.0), -0.1, END) == Nudge({"t": 4.9})


def test_a_stopped_state_moves_whole() -> None:
    move = nudged(state(60.0, 75.0), 0.1, END)
    assert move == Nudge({"t": 60.1, "end": 75.1})
    assert move.fields["end"] - move.fields["t"] == pytest.approx(15.0)
    assert nudged(state(60.0, 75.0), -0.1, END) == Nudge({"t": 59.9, "end": 74.9})


def test_an_open_state_moves_its_start_only() -> None:
    assert nudged(state(60.0, None), 0.1, END) == Nudge({"t": 60.1})


def test_the_step_is_cut_at_the_session_start() -> None:
    move = nudged(state(0.04, 10.0), -0.1, END)
    assert move.fields == {"t": 0.0, "end": 9.96}
    assert "0.04 s" in move.note and "session's start" in move.note
    assert nudged(mark(0.0), -0.1, END) == Nudge(note="c is already at the session's start.")


def test_the_step_is_cut_at_the_session_end() -> None:
    move = nudged(state(160.0, 171.93), 0.1, END)
    assert move.fields == {"t": 160.07, "end": END}
    assert "0.07 s" in move.note and "session's end (02:52.0)" in move.note
    refused = nudged(state(160.0, END), 0.1, END)
    assert refused == Nudge(note="c already ends at the session's end.")
    assert nudged(mark(END), 0.1, END).fields == {}
    assert nudged(state(END - 0.05, None), 0.1, END).fields == {"t": END}


def test_a_mark_past_the_end_can_still_move_earlier() -> None:
    """Ends stopped by the clock can pass a duration stored to the millisecond."""
    assert nudged(state(160.0, END + 0.0004), 0.1, END).fields == {}
    assert nudged(state(160.0, END + 0.0004), -0.1, END).fields == {
        "t": 159.9,
        "end": 171.9004,
    }


def test_no_stored_duration_sets_no_upper_limit() -> None:
    assert nudged(state(60.0, 75.0), 0.1, 0.0) == Nudge({"t": 60.1, "end": 75.1})


def test_a_state_stops_at_the_next_state_of_its_group() -> None:
    matching = Observation(id="m", t=42.0, code="matching", kind="state", end=45.0)
    leading = Observation(id="l", t=45.0, code="leading", kind="state", end=60.0)
    move = nudged(matching, 0.1, END, [matching, leading])
    assert move.fields == {} and move.note == "matching already ends at the start of leading."
    back = nudged(leading, -0.1, END, [matching, leading])
    assert back.fields == {} and back.note == "leading already starts at the end of matching."
    assert nudged(leading, 0.1, END, [matching, leading]).fields == {"t": 45.1, "end": 60.1}
