"""The review screen driven by keys on a real stored session, read back from the store."""

from __future__ import annotations

import io
import math
import stat
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

import orjson
import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Static

from attune_tui.analysis.offline import JSON_VERSION
from attune_tui.analyze import capture_stamp, save_analysis, session_analysis
from attune_tui.midi.journal import JournalWriter
from attune_tui.midi.smf import read_events
from attune_tui.model.observation import Observation
from attune_tui.model.preset import Preset
from attune_tui.model.session import CheckIn
from attune_tui.report.export import export_session
from attune_tui.review.exports import formats
from attune_tui.store import Store
from attune_tui.store.observations import moment_key
from attune_tui.ui.app import AttuneApp, LiveRequest
from attune_tui.ui.screens.home import HomeScreen
from attune_tui.ui.screens.review import ReviewScreen
from attune_tui.ui.widgets.review_dialogs import ExportDialog, ObservationDialog, ObservationEdit

SIZE = (160, 50)
DEMO = Path(__file__).parent.parent / "attune_tui" / "data" / "demo.mid"
DURATION_S = 172.0


class _FixedTime(datetime):
    """The session's start, fixed so its id (shown on screen) is the same on every run."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> _FixedTime:
        return cls(2025, 3, 4, 10, 0, 0, tzinfo=UTC)

    def astimezone(self, tz: tzinfo | None = None) -> _FixedTime:
        return self


@pytest.fixture
def session_id(store: Store, preset: Preset, monkeypatch: pytest.MonkeyPatch) -> str:
    """The bundled demo duet captured in a session with a few marks, ended and analysed."""
    monkeypatch.setattr("attune_tui.store.store.datetime", _FixedTime)
    live = store.start_session("C-014", preset.name, [])
    with JournalWriter(live.folder / "midi.jsonl") as writer:
        for event in read_events(DEMO):
            writer.append(event)
    live.add("tempo", 5.0, modifiers={"direction": "faster"})
    live.add("breath", 12.0)
    live.add("breath", 16.0)
    live.add("affect", 30.0, modifiers={"to": "calm"})
    live.add("attunement", 42.0, source="pedal")
    live.add("note", 50.0, kind="note", text="held the beat")
    state = live.add("matching", 60.0, kind="state")
    live.update(state.id, end=75.0)
    session = live.end(CheckIn(goals=7, tasks=8, bond=6, summary="steady pulse"))
    live.close()
    store.save_session(session.model_copy(update={"duration_s": DURATION_S}))
    data = store.load(session.id)
    save_analysis(data.folder, session_analysis(data, preset, fresh=True))
    return session.id


def review_app(store: Store, session_id: str) -> AttuneApp:
    return AttuneApp(store, review=session_id)


async def opened(app: AttuneApp, pilot: Pilot[Any]) -> ReviewScreen:
    await pilot.pause()
    assert isinstance(app.screen, ReviewScreen)
    return app.screen


def pane_text(screen: ReviewScreen, selector: str) -> str:
    console = Console(width=120, record=True, file=io.StringIO())
    console.print(screen.query_one(selector, Static).content)
    return console.export_text()


async def settle(app: AttuneApp, pilot: Pilot[Any]) -> None:
    """Let a pending re-analysis or export start and finish."""
    await pilot.pause(0.8)
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_review_moves_zooms_and_jumps(store: Store, session_id: str) -> None:
    app = review_app(store, session_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(app, pilot)
        view = screen.timeline.view
        assert view.start == 0.0 and view.end >= DURATION_S
        scale = view.scale
        await pilot.press("right", "right")
        assert view.cursor == pytest.approx(2 * scale)
        await pilot.press("plus")
        assert view.scale == pytest.approx(scale / 2)
        await pilot.press("shift+right")
        assert view.cursor == pytest.approx(2 * scale + 10 * scale / 2)
        await pilot.press("end")
        assert view.cursor == pytest.approx(DURATION_S, abs=0.5)
        assert view.start <= view.cursor < view.end
        await pilot.press("home", "right_square_bracket")
        first = screen.timeline.timeline.moments[0]
        assert screen.timeline.selected == first.key and view.cursor == first.start
        assert "moment" in pane_text(screen, "#review-details")
        await pilot.press("n")
        selected = screen.selected_observation()
        assert selected is not None and selected.t > first.start
        await pilot.press("N", "N")
        selected = screen.selected_observation()
        assert selected is not None and selected.code == "breath"
        await pilot.press("end")  # moving the cursor lets go of the mark
        assert screen.selected_observation() is None
        await pilot.press("N")  # and the jump starts from the cursor
        selected = screen.selected_observation()
        assert selected is not None and selected.code == "matching"


async def test_a_short_terminal_keeps_the_panes_and_scrolls_the_lanes(
    store: Store, session_id: str
) -> None:
    app = review_app(store, session_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(app, pilot)
        box = screen.query_one("#review-timeline-box")
        assert screen.query_one("#review-summary-pane").size.height >= 4  # inside its border
        head = screen.query_one("#review-head", Static)
        assert head.size.height == 2 and "s/col)" in str(head.render())  # wrapped, not cut
        await pilot.press("down")
        await pilot.pause()
        assert box.scroll_y > 0


async def test_accept_and_reject_moments_are_stored(store: Store, session_id: str) -> None:
    app = review_app(store, session_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(app, pilot)
        auto = next(m for m in screen.timeline.timeline.moments if m.source == "auto")
        screen.timeline.view.goto(auto.start - 1.0)
        await pilot.press("right_square_bracket", "x")
        assert screen.timeline.timeline.moment(auto.key).verdict == "rejected"  # type: ignore[union-attr]
        await pilot.press("right_square_bracket", "a")
    verdicts = store.load(session_id).log.moment_verdicts
    assert verdicts[auto.key] == "rejected"
    assert list(verdicts.values()).count("accepted") == 1
    assert auto.key == moment_key(auto.start, auto.end)


async def test_edit_keeps_original_time_and_history(store: Store, session_id: str) -> None:
    app = review_app(store, session_id)
    async with app.run_test(size=SIZE) as pilot:
        await opened(app, pilot)
        await pilot.press("n", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ObservationDialog)
        await pilot.press("up", "up", "shift+up", "tab", "down", "down", "tab", *"settled")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("greater_than_sign")
    data = store.load(session_id)
    tempo = next(o for o in data.observations if o.code == "tempo")
    assert tempo.t == pytest.approx(6.3) and tempo.original_t == 5.0
    assert tempo.modifiers == {"direction": "steady"} and tempo.text == "settled"
    history = data.log.history[tempo.id]
    assert [r["op"] for r in history] == ["add", "set", "set"]
    assert all(r["source"] == "edit" for r in history[1:])
    assert history[2]["fields"] == {"t": 6.3}


async def test_editing_only_the_text_leaves_the_time_exact(store: Store, session_id: str) -> None:
    editor = store.edit_session(session_id)
    tempo = next(o for o in editor.log.ordered() if o.code == "tempo")
    editor.update(tempo.id, source="edit", t=5.037)  # off the tenths the dialog shows
    editor.close()
    app = review_app(store, session_id)
    async with app.run_test(size=SIZE) as pilot:
        await opened(app, pilot)
        await pilot.press("n", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ObservationDialog)
        await pilot.press("tab", "tab", *"settled", "ctrl+s")
        await pilot.pause()
    edited = store.load(session_id).log.current[tempo.id]
    assert edited.text == "settled" and edited.t == 5.037


async def test_editing_a_note_adds_to_its_text(store: Store, session_id: str) -> None:
    note = next(o for o in store.load(session_id).observations if o.code == "note")
    app = review_app(store, session_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(app, pilot)
        screen._select(note.id, note.t)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ObservationDialog)
        await pilot.press("tab", *" again ", "ctrl+s")
        await pilot.pause()
    assert store.load(session_id).log.current[note.id].text == "held the beat again"


async def test_deleting_a_mark_reanalyses(store: Store, session_id: str, preset: Preset) -> None:
    before = session_analysis(store.load(session_id), preset)
    assert [m["source"] for m in before["moments"]].count("both") == 1
    app = review_app(store, session_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(app, pilot)
        await pilot.press(*["n"] * 5)
        mark = screen.selected_observation()
        assert mark is not None and mark.code == "attunement"
        await pilot.press("d", "y")
        await settle(app, pilot)
        assert all(m.source == "auto" for m in screen.timeline.timeline.moments)
    data = store.load(session_id)
    assert mark.id in data.log.deleted
    saved = orjson.loads((data.folder / "analysis.json").read_bytes())
    assert all(m["source"] == "auto" for m in saved["moments"])
    assert data.session.summary is not None
    assert data.session.summary["moments_by_source"] == {"auto": 4, "manual": 0, "both": 0}


async def test_session_without_analysis_is_analysed_after_opening(
    store: Store, session_id: str
) -> None:
    folder = store.folder(session_id)
    (folder / "analysis.json").unlink()
    app = review_app(store, session_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(app, pilot)
        await settle(app, pilot)
        assert len(screen.timeline.timeline.moments) == 4
        assert "met in four moments" in pane_text(screen, "#review-summary")
    assert (folder / "analysis.json").exists()


async def test_add_at_cursor(store: Store, session_id: str) -> None:
    app = review_app(store, session_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(app, pilot)
        screen.timeline.view.goto(100.0)
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, ObservationDialog)
        await pilot.press("down", "tab", "tab", "down", "down", "ctrl+s")
        await settle(app, pilot)
        added = screen.selected_observation()
    assert added is not None
    stored = store.load(session_id).log.current[added.id]
    assert (stored.code, stored.t, stored.source) == ("dynamics", 100.0, "edit")
    assert stored.modifiers == {"change": "softer"}


@pytest.mark.parametrize("fmt", ["html", "md"])
async def test_export_writes_a_private_file(
    store: Store, session_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    folder = tmp_path / "exports"
    monkeypatch.setenv("ATTUNE_EXPORT_DIR", str(folder))
    app = review_app(store, session_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        await pilot.press(*["down"] * formats().index(fmt), "enter")
        await settle(app, pilot)
        assert screen.last_export == str(folder / f"{session_id}.{fmt}")
    written = folder / f"{session_id}.{fmt}"
    assert written.stat().st_size > 500
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert "C-014" in written.read_text(encoding="utf-8")


async def test_ending_a_session_opens_its_review(store: Store) -> None:
    app = AttuneApp(store, start=LiveRequest(client="C-014"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("t", "1", "ctrl+e")
        await pilot.pause()
        await pilot.press("escape")  # end without a check-in
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert [o.code for o in app.screen.timeline.timeline.observations] == ["tempo"]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


def fixed_analysis(duration: float) -> dict[str, Any]:
    """An analysis document made from formulas: the snapshot tests the screen, not the analysis
    (which changes as its trackers are tuned)."""
    seconds = range(1, int(duration) + 1)
    players = ("client", "therapist")
    return {
        "version": JSON_VERSION,
        "duration_s": duration,
        "tempo": [
            {"t": float(t), "player": p, "bpm": 90.0 + 30.0 * math.sin(t / (20.0 + 7 * i)),
             "confidence": 0.9}
            for t in seconds for i, p in enumerate(players)
        ],
        "dynamics": [
            {"t": float(t), "player": p,
             "velocity": None if 60 <= t < 66 else 64.0 + 40.0 * math.cos(t / (15.0 + 5 * i))}
            for t in seconds for i, p in enumerate(players)
        ],
        "phrases": [
            {"player": p, "start": float(a + 2 * i), "end": float(a + 8 + 2 * i),
             "breath_matched": a % 30 == 0}
            for a in range(0, int(duration) - 10, 12) for i, p in enumerate(players)
        ],
        "moments": [
            {"start": 24.5, "end": 45.5, "dimensions": ["intensity", "timing"], "strength": 0.9,
             "leader": "client", "pattern": None, "source": "both"},
            {"start": 51.5, "end": 93.5, "dimensions": ["intensity", "timing", "shape"],
             "strength": 0.91, "leader": "therapist", "pattern": "match-then-guide",
             "source": "auto"},
            {"start": 120.0, "end": 124.0, "dimensions": [], "strength": 0.0, "leader": "none",
             "pattern": None, "source": "manual"},
        ],
        "summary": {
            "moments": 3, "attuned_s": 67.0, "attuned_pct": 39.0, "longest_moment_s": 42.0,
            "time_to_first_moment_s": 24.5,
            "moments_by_dimension": {"intensity": 2, "timing": 2, "shape": 1},
            "leader_shares": {"client": 0.31, "therapist": 0.63, "mutual": 0.0, "none": 0.06},
            "moments_by_source": {"auto": 1, "manual": 1, "both": 1},
            "match_then_guide_episodes": 1, "breath_matched_phrases": 3, "affect_shifts": 1,
            "affect_shifts_near_moments": [{"t": 30.0, "distance_s": 0.0}],
        },
    }  # fmt: skip


def test_review_snapshot(store: Store, session_id: str, snap_compare: Callable[..., bool]) -> None:
    folder = store.folder(session_id)
    save_analysis(folder, fixed_analysis(DURATION_S) | {"capture": capture_stamp(folder)})

    async def select_moment(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        await pilot.press("right_square_bracket", "right_square_bracket")
        await pilot.pause()

    app = review_app(store, session_id)
    assert snap_compare(app, terminal_size=SIZE, run_before=select_moment)


def _state(store: Store, session_id: str) -> Observation:
    return next(o for o in store.load(session_id).observations if o.code == "matching")


def _place(store: Store, session_id: str, oid: str, **fields: Any) -> None:
    """Put a mark where an edge case needs it, as an earlier review would have."""
    editor = store.edit_session(session_id)
    editor.update(oid, source="edit", **fields)
    editor.close()


async def _nudge_selected(app: AttuneApp, pilot: Pilot[Any], oid: str, *keys: str) -> list[str]:
    """Select the mark, press the keys, and return what the screen told the therapist."""
    screen = await opened(app, pilot)
    screen._select(oid)
    await pilot.press(*keys)
    await pilot.pause()
    return [n.message for n in app._notifications]


async def test_nudging_a_state_moves_its_start_and_end(store: Store, session_id: str) -> None:
    state = _state(store, session_id)
    assert (state.t, state.end) == (60.0, 75.0)
    app = review_app(store, session_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(app, pilot)
        await pilot.press(*["n"] * 7)
        assert screen.selected_observation() == state
        await pilot.press("greater_than_sign")
        await pilot.pause()
        shown = screen.selected_observation()
        assert shown is not None and (shown.t, shown.end) == (60.1, 75.1)
    data = store.load(session_id)
    moved = data.log.current[state.id]
    assert moved.end is not None and moved.t == pytest.approx(60.1)
    assert moved.end == pytest.approx(75.1) and moved.end - moved.t == pytest.approx(15.0)
    assert moved.original_t == 60.0
    last = data.log.history[state.id][-1]
    assert last["op"] == "set" and last["source"] == "edit"
    assert last["fields"] == {"t": 60.1, "end": 75.1, "original_t": 60.0}
    row = next(
        line
        for line in export_session(store, session_id, "csv").decode().splitlines()
        if state.id in line
    )
    assert ",60.100,75.100,matching,state," in row


async def test_nudging_a_state_earlier_keeps_its_length(store: Store, session_id: str) -> None:
    state = _state(store, session_id)
    app = review_app(store, session_id)
    async with app.run_test(size=SIZE) as pilot:
        await _nudge_selected(app, pilot, state.id, "less_than_sign", "less_than_sign")
    moved = store.load(session_id).log.current[state.id]
    assert moved.end is not None and moved.t == pytest.approx(59.8)
    assert moved.end == pytest.approx(74.8) and moved.end - moved.t == pytest.approx(15.0)


async def test_a_state_stops_at_the_session_end(store: Store, session_id: str) -> None:
    state = _state(store, session_id)
    _place(store, session_id, state.id, t=157.0, end=DURATION_S - 0.05)
    app = review_app(store, session_id)
    async with app.run_test(size=SIZE) as pilot:
        said = await _nudge_selected(app, pilot, state.id, "greater_than_sign")
        assert any("session's end" in m and "0.05 s" in m for m in said)
        await pilot.press("greater_than_sign")
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert any("already ends at the session's end" in m for m in said)
    data = store.load(session_id)
    moved = data.log.current[state.id]
    assert moved.t == pytest.approx(157.05) and moved.end == pytest.approx(DURATION_S)
    assert len(data.log.history[state.id]) == 4  # add, stop, placed, one clamped move


async def test_a_mark_stops_at_the_session_start(store: Store, session_id: str) -> None:
    tempo = next(o for o in store.load(session_id).observations if o.code == "tempo")
    _place(store, session_id, tempo.id, t=0.05)
    app = review_app(store, session_id)
    async with app.run_test(size=SIZE) as pilot:
        said = await _nudge_selected(app, pilot, tempo.id, "less_than_sign")
        assert any("session's start" in m for m in said)
        await pilot.press("less_than_sign")
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert any("already at the session's start" in m for m in said)
    data = store.load(session_id)
    assert data.log.current[tempo.id].t == 0.0
    assert len(data.log.history[tempo.id]) == 3  # add, placed, one clamped move


async def test_nudging_an_open_state_moves_its_start(store: Store, session_id: str) -> None:
    editor = store.edit_session(session_id)
    open_state = editor.add("matching", 100.0, kind="state", source="edit")
    editor.close()
    app = review_app(store, session_id)
    async with app.run_test(size=SIZE) as pilot:
        await _nudge_selected(app, pilot, open_state.id, "greater_than_sign")
    moved = store.load(session_id).log.current[open_state.id]
    assert moved.t == pytest.approx(100.1) and moved.end is None


async def test_summary_pane_leaves_a_rejected_moment_out(store: Store, session_id: str) -> None:
    app = review_app(store, session_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(app, pilot)
        before = str(screen.query_one("#review-summary", Static).render())
        await pilot.press("right_square_bracket", "right_square_bracket")
        await pilot.press("x")
        await pilot.pause()
        after = str(screen.query_one("#review-summary", Static).render())
        assert "1 moment rejected in review is left out" in after
        assert before.splitlines()[0] != after.splitlines()[0]


async def test_a_state_added_or_edited_over_another_of_its_group_is_refused(
    store: Store, session_id: str
) -> None:
    app = review_app(store, session_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(app, pilot)
        screen._added(ObservationEdit("leading", 65.0, 70.0, {}, ""))  # inside Matching 60-75
        screen._added(ObservationEdit("matching", 50.0, 62.0, {}, ""))  # over its start
        await pilot.pause()
        refused = [n.message for n in app._notifications if "would overlap" in n.message]
        assert refused[0].startswith("Leading would overlap Matching (01:00.0-01:15.0): states")
        assert len(refused) == 2
        screen._added(ObservationEdit("leading", 75.0, 80.0, {}, ""))  # where Matching ends
        await pilot.pause()
        (leading,) = [o for o in screen.timeline.timeline.observations if o.code == "leading"]
        screen._changed(leading, ObservationEdit("leading", 74.0, 80.0, {}, ""))
        await pilot.pause()
    states = [
        (o.code, o.t, o.end) for o in store.load(session_id).observations if o.kind == "state"
    ]
    assert states == [("matching", 60.0, 75.0), ("leading", 75.0, 80.0)]
