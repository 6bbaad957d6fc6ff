"""Key semantics of a live session, without a screen."""

from __future__ import annotations

from attune_tui.live.logger import ObservationLogger, toggle_pause
from attune_tui.model.preset import Preset
from attune_tui.store import LiveSession


def test_code_logs_at_press_less_reaction_lag(live: LiveSession, preset: Preset) -> None:
    logger = ObservationLogger(live, preset)
    outcome = logger.press("r", 10.0)
    assert outcome.action == "logged" and outcome.observation is not None
    assert outcome.observation.t == 10.0 - preset.reaction_lag_ms / 1000
    assert logger.press("?", 11.0).action == "ignored"


def test_modifier_after_code_and_timeout(live: LiveSession, preset: Preset) -> None:
    logger = ObservationLogger(live, preset)
    first = logger.press("t", 5.0).observation
    assert first is not None and logger.pending is not None
    picked = logger.press("2", 6.0)
    assert picked.action == "modifier" and picked.observation is not None
    assert picked.observation.modifiers == {"direction": "slower"}
    second = logger.press("t", 7.0).observation
    assert logger.press("1", 7.0 + preset.modifier_timeout_s + 0.1).action == "ignored"
    assert second is not None and live.log.current[second.id].modifiers == {}


def test_a_key_that_is_neither_a_choice_nor_a_code_is_answered(
    live: LiveSession, preset: Preset
) -> None:
    logger = ObservationLogger(live, preset)
    logger.press("t", 5.0)
    slip = logger.press("7", 5.5)  # tempo has two directions: 1 and 2
    assert slip.action == "not-a-choice" and slip.code is not None
    assert slip.code.code == "tempo" and logger.pending is not None  # still waiting
    assert logger.press("\x05", 5.6).action == "ignored"  # a control key keeps its own meaning
    assert logger.press("2", 6.0).action == "modifier"
    assert logger.press("7", 6.5).action == "ignored"  # nothing is waiting now


def test_next_code_never_blocked_by_pending_modifier(live: LiveSession, preset: Preset) -> None:
    logger = ObservationLogger(live, preset)
    logger.press("a", 1.0)
    outcome = logger.press("r", 1.2)
    assert outcome.action == "logged" and logger.pending is None
    assert [o.code for o in live.log.ordered()] == ["affect", "turn-taking"]


def test_affect_shift_records_from_and_to(live: LiveSession, preset: Preset) -> None:
    logger = ObservationLogger(live, preset)
    logger.press("a", 1.0)
    logger.press("2", 1.5)  # agitated
    logger.press("a", 20.0)
    logger.press("1", 20.5)  # calm
    shifts = [o.modifiers for o in live.log.ordered() if o.code == "affect"]
    assert shifts == [{"to": "agitated"}, {"from": "agitated", "to": "calm"}]


def test_states_toggle_and_exclusive_groups_stop_each_other(
    live: LiveSession, preset: Preset
) -> None:
    logger = ObservationLogger(live, preset)
    assert logger.press("h", 1.0).action == "state-on"  # matching
    assert logger.press("s", 1.5).action == "state-on"  # silence: other group, stays
    assert logger.press("l", 3.0).action == "state-on"  # leading stops matching
    assert logger.press("s", 4.0).action == "state-off"
    states = {o.code: o for o in live.log.ordered()}
    lag = preset.reaction_lag_ms / 1000
    assert states["matching"].end == 3.0 - lag
    assert states["leading"].end is None
    assert states["silence"].end == 4.0 - lag


def test_text_note_keeps_time_typing_began(live: LiveSession, preset: Preset) -> None:
    logger = ObservationLogger(live, preset)
    outcome = logger.press("n", 30.0)
    assert outcome.action == "text" and outcome.code is not None
    note = logger.note(outcome.code, 30.0, "  client smiled  ")
    assert note is not None and note.text == "client smiled"
    assert note.t == 30.0 - preset.reaction_lag_ms / 1000
    assert logger.note(outcome.code, 31.0, "   ") is None


def test_pedal_and_undo(live: LiveSession, preset: Preset) -> None:
    logger = ObservationLogger(live, preset)
    pedal = logger.pedal(2.0).observation
    assert pedal is not None and pedal.source == "pedal" and pedal.code == preset.pedal_code
    logger.press("r", 3.0)
    undone = logger.undo()
    assert undone is not None and undone.observation.code == "turn-taking" and undone.removed
    assert [o.code for o in live.log.ordered()] == ["attunement"]


def test_undo_takes_back_a_state_key_press_not_the_state(live: LiveSession, preset: Preset) -> None:
    logger = ObservationLogger(live, preset)
    logger.press("s", 11.0)  # silence on
    logger.press("s", 13.0)  # silence off
    undone = logger.undo()
    assert undone is not None and not undone.removed
    assert undone.observation.code == "silence" and undone.observation.end is None
    (silence,) = live.log.ordered()
    assert silence.t == 11.0 - preset.reaction_lag_ms / 1000 and silence.is_open_state
    assert logger.undo() is not None and live.log.ordered() == []  # the start goes next


def test_undoing_a_state_runs_the_one_it_ended_on_again(live: LiveSession, preset: Preset) -> None:
    logger = ObservationLogger(live, preset)
    logger.press("h", 1.0)  # matching on
    logger.press("l", 4.0)  # leading on: ends matching (same group)
    assert [o.end is None for o in live.log.ordered()] == [False, True]
    undone = logger.undo()
    assert undone is not None and undone.observation.code == "leading" and undone.removed
    (matching,) = live.log.ordered()
    assert matching.code == "matching" and matching.is_open_state
    assert undone.running_again == (matching,)
    ends = [r for r in live.log.history[matching.id] if r["op"] == "set"]
    assert [r["source"] for r in ends] == ["key", "key"]  # ended by `l`, run on by the undo


def test_pause_is_a_state_in_the_record(live: LiveSession) -> None:
    assert toggle_pause(live, 5.0) is True
    assert toggle_pause(live, 9.0) is False
    (pause,) = live.log.ordered()
    assert (pause.code, pause.t, pause.end) == ("pause", 5.0, 9.0)
