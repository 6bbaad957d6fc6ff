"""Finding and opening MIDI inputs, with one clear error when there is no MIDI system.

python-rtmidi is used directly rather than through mido's port objects: its `get_message` hands
over the raw bytes with RtMidi's delta time, which capture needs to stamp each message with its
arrival time. No RtMidi callback is set: RtMidi then stores incoming messages in its own C++
queue from its own thread (JACK's real-time process thread, ALSA's input thread) without waking
Python, and the capture thread polls that queue. A Python callback there must take the GIL; on
JACK a late callback made the server overwrite the port's buffer and lose or repeat messages
(~2 % at 1,000 messages/s).

RtMidi's type filter is left off: on JACK it drops a message after counting its delta time, so
the next message's delta would be relative to a message nobody saw. Capture drops system
messages itself.

The backend is still named the mido way (`MIDO_BACKEND=mido.backends.rtmidi/UNIX_JACK`) so one
setting serves both. Port names are matched without ALSA's trailing `client:port` numbers (see
`names`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import rtmidi

from attune_tui.midi.names import find_port
from attune_tui.midi.quiet import silence_midi_libraries

DEFAULT_BACKEND = "rtmidi"
CLIENT_NAME = "attune"
QUEUE_SIZE = 32_768
"""Messages RtMidi holds per input until polled: half a minute at 1,000 messages/s, so a
capture thread held up by a long GIL holder (a big `json.dumps`) still loses nothing."""

PolledMessage = tuple[Sequence[int], float]
"""What `get_message` returns: the message bytes and seconds since the previous message."""


class MidiUnavailable(RuntimeError):
    """No MIDI system (no ALSA sequencer, no JACK server) or an unusable backend setting.

    The message is a single line that says what to do, fit to print instead of a traceback.
    """

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))


class PortNotFound(LookupError):
    """The named input is not present right now (it may be plugged in later)."""


@dataclass(frozen=True, slots=True)
class Backend:
    """A parsed backend setting: the RtMidi API to use, or None for RtMidi's own choice."""

    spec: str
    api: int
    api_name: str


def parse_backend(spec: str | None = None) -> Backend:
    """Read `rtmidi`, `rtmidi/UNIX_JACK` or `mido.backends.rtmidi/LINUX_ALSA` (or MIDO_BACKEND)."""
    text = spec or os.environ.get("MIDO_BACKEND") or DEFAULT_BACKEND
    module, _, api_name = text.partition("/")
    if module.removeprefix("mido.backends.") != "rtmidi":
        raise MidiUnavailable(
            f"MIDI backend {text!r} is not supported: use 'rtmidi', 'rtmidi/LINUX_ALSA' "
            "or 'rtmidi/UNIX_JACK'."
        )
    if not api_name:
        return Backend(text, rtmidi.API_UNSPECIFIED, "default")
    api = getattr(rtmidi, f"API_{api_name}", None)
    if not isinstance(api, int) or api not in rtmidi.get_compiled_api():
        compiled = ", ".join(rtmidi.get_api_name(a) for a in rtmidi.get_compiled_api())
        raise MidiUnavailable(
            f"MIDI backend {text!r}: API {api_name!r} is not available here (compiled in: "
            f"{compiled})."
        )
    return Backend(text, api, api_name)


def _new_midi_in(backend: Backend, client_name: str, queue_size: int = QUEUE_SIZE) -> Any:
    try:
        return rtmidi.MidiIn(rtapi=backend.api, name=client_name, queue_size_limit=queue_size)
    except rtmidi.RtMidiError as err:
        reason = str(err).rstrip(".")
        raise MidiUnavailable(
            f"No MIDI system: backend {backend.spec!r} could not start ({reason}). Start a JACK "
            "server and use backend 'rtmidi/UNIX_JACK', or load the ALSA sequencer "
            "(modprobe snd-seq)."
        ) from err


class InputPort:
    """One open input whose messages wait in RtMidi's queue until polled.

    `get_message` returns `None` when the queue is empty. It must not be called during or after
    `close()`: the RtMidi object is freed there, so the poller and the closer share a lock.
    """

    def __init__(self, midi_in: Any, name: str) -> None:
        self._midi_in = midi_in
        self.name = name
        self.get_message: Callable[[], PolledMessage | None] = midi_in.get_message

    def close(self) -> None:
        self._midi_in.close_port()
        self._midi_in.delete()


class MidiSystem:
    """The MIDI API for a session: lists inputs and opens them by name.

    One long-lived RtMidi client answers the once-a-second port listing, instead of a new
    client (a new JACK client, a new ALSA sequencer client) per poll. It is created on first
    use, after any virtual input, so that input keeps the plain client name (`attune:...`).
    """

    def __init__(self, backend: str | None = None, client_name: str = CLIENT_NAME) -> None:
        silence_midi_libraries()
        self.backend = parse_backend(backend)
        self._client_name = client_name
        self._lister: Any = None
        self._lock = threading.Lock()

    def input_names(self) -> list[str]:
        """Sources that can be opened now (other clients' outputs)."""
        with self._lock:
            if self._lister is None:
                self._lister = _new_midi_in(self.backend, self._client_name, queue_size=1)
            return list(self._lister.get_ports())

    def open_input(self, name: str) -> InputPort:
        """Open the source called `name` (exactly, or without ALSA's numbers)."""
        midi_in = _new_midi_in(self.backend, self._client_name)
        try:
            names = list(midi_in.get_ports())
            index = find_port(names, name)
            if index is None:
                raise PortNotFound(f"MIDI input {name!r} not found; present: {names}")
            self._listen(midi_in)
            midi_in.open_port(index, "in")
        except rtmidi.RtMidiError as err:
            midi_in.delete()
            raise PortNotFound(f"MIDI input {name!r} could not be opened: {err}") from err
        except BaseException:
            midi_in.delete()
            raise
        return InputPort(midi_in, names[index])

    def open_virtual_input(self, name: str) -> InputPort:
        """Create an input other programs can send to (ALSA, JACK and CoreMIDI only)."""
        midi_in = _new_midi_in(self.backend, self._client_name)
        try:
            self._listen(midi_in)
            midi_in.open_virtual_port(name)
        except rtmidi.RtMidiError as err:
            midi_in.delete()
            raise MidiUnavailable(f"Cannot create virtual MIDI input {name!r}: {err}") from err
        return InputPort(midi_in, name)

    def close(self) -> None:
        with self._lock:
            if self._lister is not None:
                self._lister.delete()
                self._lister = None

    @staticmethod
    def _listen(midi_in: Any) -> None:
        """Let every message through: its delta time counts from the one before it."""
        midi_in.ignore_types(sysex=False, timing=False, active_sense=False)


def list_inputs(backend: str | None = None) -> list[str]:
    """Input names for `attune midi ports`, the start dialog and the check of `--midi`."""
    system = MidiSystem(backend)
    try:
        return system.input_names()
    finally:
        system.close()
