"""What a key press means in a live session, independent of any screen.

A code key logs at once (timestamped at the press, less the preset's reaction lag). If the code
has a modifier, the next matching key within `modifier_timeout_s` adds it to that observation;
any other key simply logs its own code, so a modifier never blocks the next observation. State
codes toggle, and starting one stops the others of its group. The affect shift records `from`
as the previous affect's `to`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from attune_tui.model.observation import Observation, ObservationSource
from attune_tui.model.preset import Code, Preset
from attune_tui.store.live import LiveSession, Undone

Action = Literal["logged", "modifier", "state-on", "state-off", "text", "not-a-choice", "ignored"]


@dataclass(frozen=True, slots=True)
class Pending:
    """An observation still open for its modifier until `deadline` (session seconds)."""

    observation_id: str
    code: Code
    deadline: float


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a press did, for the screen to show."""

    action: Action
    observation: Observation | None = None
    code: Code | None = None


class ObservationLogger:
    """Turns key (and pedal) presses into durable observations for one live session."""

    def __init__(self, live: LiveSession, preset: Preset) -> None:
        self.live = live
        self.preset = preset
        self.pending: Pending | None = None
        self._keys = preset.by_key()
        self._codes = preset.by_code()
        self._lag = preset.reaction_lag_ms / 1000.0

    def stamp(self, t: float) -> float:
        """Session time of the moment a press refers to: the press less the reaction lag, but
        never before this sitting began (a continued session's first part is closed)."""
        return max(t - self._lag, self.live.resumed_at)

    def press(self, key: str, t: float, source: ObservationSource = "key") -> Outcome:
        """Handle a key pressed at session time `t` (taken when the key event arrived)."""
        self.expire(t)
        if self.pending is not None:
            value = self._modifier_value(self.pending.code, key)
            if value is not None:
                return self._pick(self.pending, value)
        code = self._keys.get(key)
        if code is None:
            if self.pending is not None and _typed(key):  # a slip: say so, keep waiting
                return Outcome("not-a-choice", None, self.pending.code)
            return Outcome("ignored")
        return self.log_code(code, t, source)

    def pedal(self, t: float) -> Outcome:
        """A foot pedal press: logs the preset's pedal code, if it has one."""
        if self.preset.pedal_code is None:
            return Outcome("ignored")
        return self.log_code(self._codes[self.preset.pedal_code], t, "pedal")

    def log_code(self, code: Code, t: float, source: ObservationSource) -> Outcome:
        self.pending = None
        at = self.stamp(t) if source in ("key", "pedal", "midi") else t
        if code.kind == "text":
            return Outcome("text", None, code)
        if code.kind == "state":
            return self._toggle(code, at, source)
        obs = self.live.add(code.code, at, modifiers=self._from_affect(code), source=source)
        if code.modifier is not None:
            self.pending = Pending(obs.id, code, t + self.preset.modifier_timeout_s)
        return Outcome("logged", obs, code)

    def note(self, code: Code, started: float, text: str) -> Observation | None:
        """Save a free-text note at the time typing began; empty text saves nothing."""
        if not text.strip():
            return None
        return self.live.add(code.code, self.stamp(started), kind="note", text=text.strip())

    def expire(self, t: float) -> None:
        """Drop a pending modifier whose time is up: the observation stays without one."""
        if self.pending is not None and t > self.pending.deadline:
            self.pending = None

    def undo(self) -> Undone | None:
        self.pending = None
        return self.live.undo()

    def previous_affect(self) -> str | None:
        affects = [o for o in self.live.log.ordered() if o.code == "affect" and "to" in o.modifiers]
        return str(affects[-1].modifiers["to"]) if affects else None

    def _from_affect(self, code: Code) -> dict[str, str | int]:
        if code.modifier is None or code.modifier.name != "to":
            return {}
        previous = self.previous_affect()
        return {"from": previous} if previous else {}

    def _modifier_value(self, code: Code, key: str) -> str | int | None:
        return code.modifier.keys().get(key) if code.modifier else None

    def _pick(self, pending: Pending, value: str | int) -> Outcome:
        self.pending = None
        obs = self.live.log.current.get(pending.observation_id)
        if obs is None or pending.code.modifier is None:
            return Outcome("ignored")
        modifiers = dict(obs.modifiers) | {pending.code.modifier.name: value}
        return Outcome("modifier", self.live.update(obs.id, modifiers=modifiers), pending.code)

    def _toggle(self, code: Code, at: float, source: ObservationSource) -> Outcome:
        for state in self.live.open_states():
            if state.code == code.code:
                return Outcome("state-off", self.live.stop_state(state.id, at, source), code)
        group = self.preset.group_of(code.code)
        ending = [state.id for state in self.live.open_states() if state.code in group]
        obs = self.live.start_state(code.code, at, source, ending)
        return Outcome("state-on", obs, code)


def _typed(key: str) -> bool:
    """A character key (not a control key, which has its own meaning on the screen)."""
    return len(key) == 1 and key.isprintable() and not key.isspace()


def toggle_pause(live: LiveSession, t: float) -> bool:
    """Pause or resume: a system state in the journal. Returns True when now paused.

    Keys still log while paused (nothing a therapist presses is dropped); the pause shows in the
    record and the review as a gap in the session.
    """
    for state in live.open_states():
        if state.code == "pause":
            live.update(state.id, source="auto", end=round(t, 4))
            return False
    live.add("pause", t, kind="state", source="auto")
    return True
