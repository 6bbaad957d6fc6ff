"""The review of a stored session: timeline, details, summary, edits and exports, by keyboard.

Edits go through `Store.edit_session`, so each is a journal record with its time and source
and the original time of a moved mark is kept. The session lock is taken at the first edit and
held until the screen closes. Edits that can change the analysis (breath taps, attunement
marks, affect shifts) re-run it in a thread worker, a moment after the last edit, so a burst
of nudges costs one analysis; the timeline shows the new moments when it is done. A session
without a saved analysis opens at once on its observations and is analysed the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from rich.table import Table
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState

from attune_tui.analysis.breath import BREATH_CODE
from attune_tui.analyze import (
    AFFECT_CODE,
    ATTUNEMENT_CODE,
    analyze_stored,
    save_analysis,
    saved_analysis,
)
from attune_tui.errors import AttuneError
from attune_tui.model.observation import Observation, ObservationKind
from attune_tui.model.preset import Preset
from attune_tui.review.details import moment_rows, observation_rows, seconds_text
from attune_tui.review.exports import export_dir, formats, write_export
from attune_tui.review.navigate import next_moment, next_observation
from attune_tui.review.nudge import clash, nudged
from attune_tui.review.summary import review_sentences
from attune_tui.review.timeline import Timeline, build_timeline
from attune_tui.store import LiveSession, SessionData
from attune_tui.store.observations import ObservationLog
from attune_tui.ui.widgets.review_dialogs import (
    ConfirmDialog,
    ExportDialog,
    ObservationDialog,
    ObservationEdit,
)
from attune_tui.ui.widgets.timeline import TimelineView
from attune_tui.wording import code_label

LANE_STEP = 3
"""Rows scrolled by up/down: a few lanes at a time."""

if TYPE_CHECKING:
    from attune_tui.ui.app import AttuneApp

T = TypeVar("T")
ANALYSED_CODES = frozenset({BREATH_CODE, ATTUNEMENT_CODE, AFFECT_CODE})
"""Codes the analysis reads: editing one of these changes moments or the summary."""
REANALYSE_AFTER_S = 0.6
BIG_STEP = 10
ZOOM = 2.0


class ReviewScreen(Screen[None]):
    """One stored session on a timeline. Every action is also in the command palette."""

    AUTO_FOCUS = ""

    BINDINGS = [
        Binding("left", "move(-1)", "←", id="review.left", show=False),
        Binding("right", "move(1)", "→", id="review.right", show=False),
        Binding("shift+left", f"move(-{BIG_STEP})", "⇐", id="review.left_big", show=False),
        Binding("shift+right", f"move({BIG_STEP})", "⇒", id="review.right_big", show=False),
        Binding("up", "lanes(-1)", "↑", id="review.up", show=False),
        Binding("down", "lanes(1)", "↓", id="review.down", show=False),
        Binding("home", "edge(False)", "Start", id="review.home", show=False),
        Binding("end", "edge(True)", "End", id="review.end", show=False),
        Binding("plus,equals_sign", "zoom(0.5)", "Zoom in", id="review.zoom_in", key_display="+"),
        Binding("minus", "zoom(2.0)", "Zoom out", id="review.zoom_out", key_display="-"),
        Binding(
            "right_square_bracket", "moment(True)", "Next moment", id="review.next_moment",
            key_display="]", tooltip="Jump to the next attunement moment",
        ),
        Binding(
            "left_square_bracket", "moment(False)", "Prev moment", id="review.prev_moment",
            key_display="[", show=False,
        ),
        Binding(
            "n", "observation(True)", "Next obs.", id="review.next_obs",
            tooltip="Jump to the next observation",
        ),
        Binding("N", "observation(False)", "Prev obs.", id="review.prev_obs", show=False),
        Binding("a", "verdict('accepted')", "Accept", id="review.accept",
                tooltip="Accept the selected automatic moment"),
        Binding("x", "verdict('rejected')", "Reject", id="review.reject",
                tooltip="Reject the selected automatic moment"),
        Binding("u", "verdict('open')", "Undecide", id="review.undecide", show=False,
                tooltip="Set the selected moment back to not reviewed"),
        Binding("i", "add", "Add", id="review.add", tooltip="Add an observation at the cursor"),
        Binding("enter", "edit", "Edit", id="review.edit",
                tooltip="Edit the selected observation"),
        Binding("less_than_sign", "nudge(-0.1)", "Earlier", id="review.earlier", show=False,
                tooltip="Move the selected observation 0.1 s earlier"),
        Binding("greater_than_sign", "nudge(0.1)", "Later", id="review.later", show=False,
                tooltip="Move the selected observation 0.1 s later"),
        Binding("delete,d", "delete", "Delete", id="review.delete",
                tooltip="Delete the selected observation (kept in the journal)"),
        Binding("e", "export", "Export", id="review.export", tooltip="Write a report or data file"),
        Binding("escape,q", "close", "Back", id="review.back"),
    ]  # fmt: skip

    def __init__(self, data: SessionData, preset: Preset) -> None:
        super().__init__()
        self.session_id = data.session.id
        self.data = data
        self.preset = preset
        self.analysis: dict[str, Any] | None = None
        self.quick_summary: dict[str, Any] | None = None
        self.editor: LiveSession | None = None
        self._reanalyse: Timer | None = None
        self.last_export: str | None = None
        self._warned: set[str] = set()

    @property
    def attune(self) -> AttuneApp:
        from attune_tui.ui.app import AttuneApp

        assert isinstance(self.app, AttuneApp)
        return self.app

    @property
    def timeline(self) -> TimelineView:
        return self.query_one(TimelineView)

    def compose(self) -> ComposeResult:
        self.analysis = saved_analysis(self.data.folder)
        yield Static(id="review-head")
        with VerticalScroll(id="review-timeline-box"):  # scrolls (up/down) on a short terminal
            yield TimelineView(self._build(), id="review-timeline")
        with Horizontal(id="review-lower"):
            with VerticalScroll(id="review-details-pane"):
                yield Static(id="review-details")
            with VerticalScroll(id="review-summary-pane"):
                yield Static(id="review-summary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#review-details-pane").border_title = "Selected"
        self.query_one("#review-summary-pane").border_title = "Summary"
        self._refresh_all()
        self._warn(self.data.problems)
        if self.analysis is not None:
            self._warn(self.analysis.get("problems", ()))
        else:
            self._start_analysis()
            self._head("analysing the session…")

    def _warn(self, problems: Sequence[str]) -> None:
        """Skipped records and capture lines: the screen must not look whole when it is not.
        Each is said once, not again after every re-analysis."""
        for problem in problems:
            if problem in self._warned:
                continue
            self._warned.add(problem)
            self.notify(
                problem,
                title="Part of the record could not be read",
                severity="warning",
                timeout=30,
            )

    def on_unmount(self) -> None:
        if self.editor is not None:
            self.editor.close()
            self.editor = None

    # data --------------------------------------------------------------------------------
    def _build(self) -> Timeline:
        log = self.editor.log if self.editor is not None else self.data.log
        return build_timeline(
            log.ordered(),
            log.moment_verdicts,
            self.analysis,
            self.preset,
            self.data.session.duration_s,
        )

    def _edit(self, action: Callable[[LiveSession], T]) -> T | None:
        """Run one store edit; the session is opened for edits (and locked) the first time."""
        try:
            if self.editor is None:
                self.editor = self.attune.store.edit_session(self.session_id)
            result = action(self.editor)
            self.editor.rechain_affects()
        except AttuneError as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return None
        self.timeline.show(self._build())
        self._refresh_all()
        return result

    def _edited(self, *codes: str) -> None:
        """Re-run the analysis shortly if an edited code is one the analysis reads."""
        if not ANALYSED_CODES.intersection(codes):
            return
        if self._reanalyse is not None:
            self._reanalyse.stop()
        self._reanalyse = self.set_timer(REANALYSE_AFTER_S, self._start_analysis)
        self._head("re-analysing…")

    def _start_analysis(self) -> None:
        """Analyse a copy of the current observations, so later edits cannot race the thread."""
        source = self.editor if self.editor is not None else self.data
        log = ObservationLog(current=dict(source.log.current))
        self._analyse(SessionData(source.session, log, self.data.folder))

    @work(thread=True, exclusive=True, group="review-analysis", exit_on_error=False)
    def _analyse(self, snapshot: SessionData) -> dict[str, Any]:
        """Runs in a thread: compute and save (with the summary in the session record); the
        result comes back as a worker state change."""

        def first_summary(summary: dict[str, Any]) -> None:
            self.attune.store.save_session(snapshot.session.model_copy(update={"summary": summary}))
            self.app.call_from_thread(self._show_summary, summary)

        # nothing shown yet: the summary comes first, before the tempo curves are done
        document = analyze_stored(
            snapshot, self.preset, first_summary if self.analysis is None else None
        )
        save_analysis(snapshot.folder, document)
        session = snapshot.session.model_copy(update={"summary": document["summary"]})
        self.attune.store.save_session(session)
        return document

    @on(Worker.StateChanged)
    def _worker_done(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == "review-analysis" and worker.state == WorkerState.SUCCESS:
            self.analysis = worker.result
            if self.analysis is not None:
                self._warn(self.analysis.get("problems", ()))
                update = {"summary": self.analysis["summary"]}
                self.data.session = self.data.session.model_copy(update=update)
                if self.editor is not None:
                    self.editor.session = self.editor.session.model_copy(update=update)
            self.timeline.show(self._build())
            self._refresh_all()
        elif worker.group == "review-analysis" and worker.state == WorkerState.ERROR:
            self.notify(f"Analysis failed: {worker.error}", severity="error", timeout=10)
            self._refresh_head()
        elif worker.group == "review-export" and worker.state == WorkerState.SUCCESS:
            self.last_export = str(worker.result)
            self.notify(f"Written: {worker.result}", title="Export", timeout=10)
            self._refresh_head()
        elif worker.group == "review-export" and worker.state == WorkerState.ERROR:
            self.notify(f"Export failed: {worker.error}", severity="error", timeout=15)

    def on_timeline_view_resized(self) -> None:
        self._refresh_head()

    # selection ---------------------------------------------------------------------------
    def selected_observation(self) -> Observation | None:
        selected = self.timeline.selected
        return None if selected is None else self.timeline.timeline.observation(selected)

    def _select(self, item: str | None, t: float | None = None) -> None:
        view = self.timeline
        view.selected = item
        if t is not None:
            view.view.goto(t, centre=True)
        view.changed()
        self._refresh_all()

    # actions: moving ---------------------------------------------------------------------
    def action_move(self, columns: int) -> None:
        self.timeline.view.move(columns)
        self._cursor_moved()

    def action_lanes(self, rows: int) -> None:
        """Scroll the lanes when the terminal is too short to show them all."""
        self.query_one("#review-timeline-box", VerticalScroll).scroll_relative(
            y=rows * LANE_STEP, animate=False
        )

    def action_edge(self, end: bool) -> None:
        view = self.timeline.view
        view.goto(view.duration if end else 0.0)
        self._cursor_moved()

    def _cursor_moved(self) -> None:
        """Moving the cursor lets go of the selection: the next jump starts from the cursor,
        and an edit can no longer reach a mark that has gone off screen."""
        self.timeline.changed()
        if self.timeline.selected is not None:
            self._select(None)
        else:
            self._refresh_head()

    def action_zoom(self, factor: float) -> None:
        self.timeline.view.zoom(factor)
        self.timeline.changed()
        self._refresh_head()

    def action_moment(self, forward: bool) -> None:
        view = self.timeline
        found = next_moment(view.timeline.moments, view.view.cursor, view.selected, forward)
        if found is None:
            self.notify("No more moments that way.", timeout=2)
            return
        self._select(found.key, found.start)

    def action_observation(self, forward: bool) -> None:
        view = self.timeline
        found = next_observation(
            view.timeline.observations, view.view.cursor, view.selected, forward
        )
        if found is None:
            self.notify("No more observations that way.", timeout=2)
            return
        self._select(found.id, found.t)

    # actions: editing --------------------------------------------------------------------
    def action_verdict(self, verdict: str) -> None:
        view = self.timeline
        moment = view.timeline.moment(view.selected) if view.selected else None
        if moment is None:
            self.notify("Select a moment first: ] and [ jump between moments.", timeout=4)
            return
        if not moment.reviewable:
            self.notify("A manual moment is your own mark: edit or delete the mark.", timeout=4)
            return
        self._edit(lambda editor: editor.review_moment(moment.start, moment.end, verdict))

    def action_add(self) -> None:
        cursor = self.timeline.view.cursor
        self.app.push_screen(ObservationDialog(self.preset, cursor), self._added)

    def _added(self, edit: ObservationEdit | None) -> None:
        if edit is None:
            return
        code = self.preset.by_code().get(edit.code)
        preset_kind = code.kind if code is not None else "point"
        kind: ObservationKind = "note" if preset_kind == "text" else preset_kind
        if kind == "state" and self._refused(edit.code, edit.t, edit.end):
            return
        obs = self._edit(
            lambda editor: editor.add(
                edit.code, edit.t, kind=kind, modifiers=edit.modifiers, text=edit.text,
                source="edit",
            )
        )  # fmt: skip
        if obs is not None and edit.end is not None:
            self._edit(lambda editor: editor.update(obs.id, source="edit", end=edit.end))
        if obs is not None:
            self._select(obs.id)
            self._edited(obs.code)

    def action_edit(self) -> None:
        obs = self.selected_observation()
        if obs is None:
            self.notify("Select an observation first: n and N jump between them.", timeout=4)
            return
        self.app.push_screen(
            ObservationDialog(self.preset, obs.t, obs), lambda e: self._changed(obs, e)
        )

    def _changed(self, obs: Observation, edit: ObservationEdit | None) -> None:
        if edit is None:
            return
        fields: dict[str, Any] = {}
        if round(edit.t, 4) != round(obs.t, 4):
            fields["t"] = round(edit.t, 4)
        if edit.end != obs.end:
            fields["end"] = edit.end
        if edit.modifiers != obs.modifiers:
            fields["modifiers"] = edit.modifiers
        if edit.text != obs.text:
            fields["text"] = edit.text
        if obs.kind == "state" and self._refused(obs.code, edit.t, edit.end, obs.id):
            return
        if fields:
            self._edit(lambda editor: editor.update(obs.id, source="edit", **fields))
            self._edited(obs.code)

    def action_nudge(self, seconds: float) -> None:
        """Move the whole mark (a state's start and end in one edit), within the session."""
        obs = self.selected_observation()
        if obs is None:
            self.notify("Select an observation first: n and N jump between them.", timeout=4)
            return
        labels = self.preset.labels()
        move = nudged(obs, seconds, self.data.session.duration_s, self._group_of(obs), labels)
        if move.note:
            self.notify(move.note, timeout=4)
        if not move.fields:
            return
        moved = self._edit(lambda editor: editor.update(obs.id, source="edit", **move.fields))
        if moved is not None:
            self.timeline.view.goto(move.fields["t"])
            self._edited(obs.code)

    def _group_of(self, obs: Observation) -> list[Observation]:
        """The states of `obs`'s exclusive group, which a moved state must not overlap."""
        return self._states_of(obs.code) if obs.kind == "state" else []

    def _states_of(self, code: str) -> list[Observation]:
        group = self.preset.group_of(code) or {code}  # a state never overlaps itself either
        return [o for o in self.timeline.timeline.observations if o.code in group]

    def _refused(self, code: str, start: float, end: float | None, own: str = "") -> bool:
        """Refuse (and say why) a state added or edited over another of its group."""
        why = clash(code, start, end, self._states_of(code), self.preset.labels(), own or None)
        if why:
            self.notify(why, severity="warning", timeout=8)
        return bool(why)

    def action_delete(self) -> None:
        obs = self.selected_observation()
        if obs is None:
            self.notify("Select an observation first: n and N jump between them.", timeout=4)
            return
        label = code_label(obs.code, self.preset.labels())
        question = f"Delete {label} at {seconds_text(obs.t)}? The journal keeps it."
        self.app.push_screen(ConfirmDialog(question), lambda yes: self._deleted(obs, yes))

    def _deleted(self, obs: Observation, yes: bool | None) -> None:
        if yes:
            self._edit(lambda editor: editor.delete(obs.id, "deleted in review"))
            self._select(None)
            self._edited(obs.code)

    def action_export(self) -> None:
        self.app.push_screen(ExportDialog(formats(), str(export_dir())), self._export)

    def _export(self, choice: tuple[str, bool] | None) -> None:
        if choice is not None:
            self._head(f"exporting {choice[0]}…")
            self._write_export(*choice)

    @work(thread=True, exclusive=True, group="review-export", exit_on_error=False)
    def _write_export(self, fmt: str, redact: bool) -> str:
        return str(write_export(self.attune.store, self.session_id, fmt, redact))

    def action_close(self) -> None:
        self.dismiss()

    # display -----------------------------------------------------------------------------
    def _refresh_all(self) -> None:
        self._refresh_head()
        self._refresh_details()
        self._refresh_summary()

    def _refresh_head(self) -> None:
        self._head()

    def _head(self, status: str = "") -> None:
        s = self.data.session
        view = self.timeline.view
        span = f"{seconds_text(view.start)}-{seconds_text(min(view.end, view.duration))}"
        parts = [
            f"[b]{s.client}[/b]  {self.preset.title}  {s.id}",
            f"cursor [b]{seconds_text(view.cursor)}[/b]",
            f"view {span} ({view.scale:.2g} s/col)",
        ]
        if status:
            parts.append(f"[yellow]{status}[/]")
        elif self.last_export:
            parts.append(f"[green]written {self.last_export}[/]")
        self.query_one("#review-head", Static).update("   ".join(parts))

    def _refresh_details(self) -> None:
        view = self.timeline
        pane = self.query_one("#review-details", Static)
        obs = self.selected_observation()
        if obs is not None:
            log = self.editor.log if self.editor is not None else self.data.log
            rows = observation_rows(obs, self.preset, log.history.get(obs.id, []))
            hint = "enter edit  < > move 0.1 s  d delete"
        else:
            moment = view.timeline.moment(view.selected) if view.selected else None
            if moment is None:
                pane.update(
                    "Nothing selected.\n\n] [ jump between moments, n N between observations;\n"
                    "← → move the cursor (shift: faster), + - zoom, i adds an observation."
                )
                return
            rows = moment_rows(moment)
            hint = "a accept  x reject  u not reviewed" if moment.reviewable else ""
        table = Table.grid(padding=(0, 1))
        table.add_column(style="bold", justify="right")
        table.add_column()
        for label, value in rows:
            table.add_row(label, value)
        if hint:
            table.add_row("", f"[dim]{hint}[/dim]")
        pane.update(table)

    def _show_summary(self, summary: dict[str, Any]) -> None:
        self.quick_summary = summary
        self._refresh_summary()

    def _refresh_summary(self) -> None:
        log = self.editor.log if self.editor is not None else self.data.log
        duration = self.timeline.timeline.duration
        lines = review_sentences(
            self.analysis,
            self.quick_summary,
            log.moment_verdicts,
            duration,
            self.data.session.checkin,
        )
        legend = (
            "[dim]moments: [green]█[/] accepted [yellow]▒[/] open [red]╌[/] rejected "
            "[dodger_blue1]▓[/] manual; A/M/B auto/manual/both. "
            "[green]━[/] breath-matched phrase[/dim]"
        )
        self.query_one("#review-summary", Static).update("\n".join([*lines, "", legend]))
