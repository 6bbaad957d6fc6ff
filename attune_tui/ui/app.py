"""The Textual app: one factory used by the CLI and the tests.

The app owns the store and the presets; screens ask it to start, finish and review sessions so
that the order of things (journal closed, record written, lock released) lives in one place.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from textual.app import App, SystemCommand
from textual.screen import Screen

from attune_tui.errors import AttuneError, InputError
from attune_tui.midi.names import REPLAY_PREFIX, recorded_inputs
from attune_tui.midi.roles import RoleSettings
from attune_tui.model.preset import Preset
from attune_tui.model.session import CheckIn, Session
from attune_tui.paths import config_dir, user_presets_dir
from attune_tui.presets import load_all
from attune_tui.store import LiveSession, Store
from attune_tui.ui.keymap import FILE as KEYMAP_FILE
from attune_tui.ui.keymap import Keymap, for_preset, read_keymap
from attune_tui.ui.screens.home import HomeScreen
from attune_tui.ui.screens.live import LiveScreen, MidiRequest
from attune_tui.ui.screens.recover import RecoverScreen
from attune_tui.ui.screens.start import NO_SETUP, LastSetup, StartChoice, StartDialog


@dataclass(frozen=True, slots=True)
class LiveRequest:
    """What to open straight away: a new session (client, preset) or a stored one (id)."""

    client: str | None = None
    preset: str = "free-improvisation"
    session_id: str | None = None
    midi: tuple[str, ...] = ()
    roles: RoleSettings | None = None
    """Who plays what in this session, instead of the preset's `[midi.roles]`."""
    backend: str | None = None
    replay: Path | None = None
    speed: float = 1.0


class AttuneApp(App[int]):
    """attune's terminal interface."""

    CSS_PATH = "attune.tcss"
    TITLE = "attune"
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        store: Store,
        start: LiveRequest | None = None,
        review: str | None = None,
        presets_dir: Path | None = None,
        backend: str | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.start = start
        self.review = review
        self.backend = start.backend if start is not None else backend
        self.presets, self.preset_failures = load_all(presets_dir)
        self.live: LiveSession | None = None
        self.keymap = Keymap(KEYMAP_FILE)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every binding of the current screen is also a command (for those who prefer words)."""
        yield from super().get_system_commands(screen)
        seen = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if binding.action in seen or not binding.description:
                continue
            seen.add(binding.action)
            yield SystemCommand(
                binding.description,
                binding.tooltip or f"key {binding.key}",
                partial(self.run_action, binding.action, active.node),
            )

    def on_mount(self) -> None:
        # Everything built so far (imports, presets, widgets) lives as long as the app. Frozen,
        # it is left out of the collector's full passes, which hold the GIL and so stall the
        # MIDI capture thread and the screen for tens of milliseconds.
        gc.freeze()
        self._apply_keymap()
        for failure in self.preset_failures:
            self.notify(str(failure), title="Preset not loaded", severity="warning", timeout=15)
        if self.start is None:
            self.push_screen(HomeScreen())
        # a live session asked for on the command line opens first; home is built after it,
        # so the therapist can play sooner (see after_session)
        self._offer_recovery(self.store.orphaned())

    def _offer_recovery(self, orphans: list[Session]) -> None:
        if not orphans:
            self._open_requested()
            return
        session, rest = orphans[0], orphans[1:]
        data = self.store.load(session.id)
        count = len(data.observations)
        ended = data.log.stops[-1].t if data.log.stops else None

        def chosen(recover: bool | None) -> None:
            if recover:
                data = self.store.recover(session.id)
                self.notify(f"Recovered {session.id}: {len(data.observations)} observations")
            self._offer_recovery(rest)

        self.push_screen(RecoverScreen(session, count, ended), chosen)

    def _open_requested(self) -> None:
        try:
            if self.review is not None:
                self.open_review(self.review)
            elif self.start is not None and self.start.session_id is not None:
                self.continue_session(self.start.session_id)
            elif self.start is not None and self.start.client is not None:
                self.start_session(self.start.client, self.start.preset)
        except AttuneError as exc:
            self.notify(str(exc), severity="error", timeout=15)
            self._ensure_home()

    def _ensure_home(self) -> None:
        if not any(isinstance(screen, HomeScreen) for screen in self.screen_stack):
            self.push_screen(HomeScreen())

    # sessions -------------------------------------------------------------------------------
    def preset(self, name: str) -> Preset:
        if name not in self.presets:
            known = ", ".join(sorted(self.presets))
            raise AttuneError(f"no preset {name!r}; known presets: {known}")
        return self.presets[name]

    def start_dialog(self, client: str) -> StartDialog:
        """The start dialog, its MIDI inputs ticked as those of the command line or, failing
        them, of the client's last session with MIDI."""
        asked = self.start.midi if self.start is not None else ()
        asked_roles = self.start.roles if self.start is not None else None
        roles = {name: preset.midi.roles for name, preset in self.presets.items()}
        return StartDialog(
            client,
            roles,
            backend=self.backend,
            asked=asked,
            asked_roles=asked_roles,
            last=self._last_setup,
        )

    def _last_setup(self, client: str) -> LastSetup:
        """The MIDI inputs and roles of the client's newest session that had inputs."""
        try:
            sessions, _ = self.store.sessions(client)
        except (AttuneError, OSError):
            return NO_SETUP
        for session in sessions:
            inputs = recorded_inputs(session.midi_ports)
            if inputs:
                return LastSetup(inputs, session.roles)
        return NO_SETUP

    def start_from_dialog(self, choice: StartChoice | None) -> None:
        if choice is not None:
            try:
                self.start_session(choice.client, choice.preset, (choice.midi, choice.roles))
            except AttuneError as exc:
                self.notify(str(exc), severity="error", timeout=15)

    def start_session(
        self,
        client: str,
        preset_name: str,
        chosen: tuple[tuple[str, ...], RoleSettings | None] | None = None,
    ) -> None:
        """A new session; the inputs and roles `chosen` in the start dialog replace the
        command line's."""
        request = self._midi_once()
        if chosen is not None:
            request = replace(request, midi=chosen[0], roles=chosen[1], backend=self.backend)
        preset = self.preset(preset_name)
        inputs = _inputs_of(request)
        self.live = self.store.start_session(client, preset.name, inputs, request.roles)
        self._use_keymap(for_preset(self.keymap, preset))
        session_preset = preset.with_roles(request.roles)
        self.push_screen(LiveScreen(self.live, session_preset, _midi_request(request)))

    def continue_session(self, session_id: str) -> None:
        """Carry on a stored session with the command line's inputs or, without any, with
        the inputs it had: the same keyboards."""
        data = self.store.load(session_id)
        preset = self.preset(data.session.preset).with_roles(data.session.roles)
        request = self._midi_once()
        if not request.midi and request.replay is None:
            midi = tuple(recorded_inputs(data.session.midi_ports))
            request = replace(request, midi=midi, backend=self.backend)
        self.live = self.store.continue_session(session_id, _inputs_of(request))
        self._use_keymap(for_preset(self.keymap, preset))
        self.push_screen(LiveScreen(self.live, preset, _midi_request(request)))

    def _midi_once(self) -> LiveRequest:
        """The command line's MIDI for this session. Its ports stay for later sessions (the
        same keyboards); a replayed file feeds only the first, never another client's record."""
        request = self.start or LiveRequest()
        if request.replay is not None:
            self.start = replace(request, replay=None)
        return request

    def finish_session(self, live: LiveSession, preset: Preset, checkin: CheckIn | None) -> Session:
        """End the session with its check-in. The review that opens next analyses what was
        played in the background and stores the summary with the session, so ending never
        waits for the analysis of a long session."""
        session = live.end(checkin)
        live.close()
        self.live = None
        return session

    def after_session(self, session_id: str) -> None:
        self.pop_screen()
        self._ensure_home()
        self.notify(f"Session {session_id} saved.")
        self.open_review(session_id)

    def open_review(self, session_id: str) -> None:
        """The review screen of a stored session (a message if it cannot be read)."""
        try:
            data = self.store.load(session_id)
            preset = self.preset(data.session.preset).with_roles(data.session.roles)
        except AttuneError as exc:
            self.notify(str(exc), severity="error", timeout=15)
            return
        from attune_tui.ui.screens.review import ReviewScreen  # not needed to start: load late

        self.push_screen(ReviewScreen(data, preset))

    def open_progress(self, client: str) -> None:
        """A client's sessions side by side: attunement and the alliance check-in."""
        from attune_tui.ui.screens.progress import ProgressScreen

        self.push_screen(ProgressScreen(client))

    def on_unmount(self) -> None:
        if self.live is not None:
            self.live.close()
        gc.unfreeze()

    def _apply_keymap(self) -> None:
        """`keymap.toml` in the config folder remaps bindings by id, e.g. `"live.undo" = "z"`;
        an entry with a problem is named and its binding keeps its default key."""
        self.keymap = read_keymap(config_dir() / KEYMAP_FILE)
        self._use_keymap(self.keymap)

    def _use_keymap(self, keymap: Keymap) -> None:
        for problem in keymap.problems:
            self.notify(problem, severity="warning", timeout=15)
        self.set_keymap(keymap.keys)


def _inputs_of(request: LiveRequest) -> list[str]:
    """What the session record lists as its inputs. A replayed file is one, as a port would
    be: a capture lost later is then named rather than analysed as silence."""
    replay = [f"{REPLAY_PREFIX}{request.replay.name}"] if request.replay is not None else []
    return [*request.midi, *replay]


def _midi_request(request: LiveRequest) -> MidiRequest | None:
    if not request.midi and request.replay is None:
        return None
    return MidiRequest(request.midi, request.backend, request.replay, request.speed)


def run_app(
    store: Store, start: LiveRequest | None, review: str | None = None, backend: str | None = None
) -> int:
    """Run the app in the terminal; the exit code is the app's return value."""
    try:
        app = AttuneApp(
            store, start=start, review=review, presets_dir=user_presets_dir(), backend=backend
        )
    except InputError as exc:
        raise AttuneError(str(exc)) from None
    result = app.run()
    # An unhandled error has already been printed by Textual; the shell must see it failed.
    return app.return_code or result or 0
