"""Keep the C MIDI libraries from printing over the screen.

libasound and libjack report errors by printing to stderr, which is the terminal the app draws
on: one "ALSA lib seq_hw.c ... /dev/snd/seq failed" line garbles the live screen. attune reports
those conditions itself, in words a therapist can act on (`MidiUnavailable`), so it gives both
libraries an error handler of its own before the first MIDI client is created. The handlers
keep the last few library messages (`recent()`) for diagnostics instead of printing them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections import deque
from pathlib import Path

import rtmidi

_messages: deque[str] = deque(maxlen=20)
_handlers: list[object] = []  # ctypes callbacks must outlive the libraries' use of them

_ALSA_HANDLER = ctypes.CFUNCTYPE(
    None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
)
_JACK_HANDLER = ctypes.CFUNCTYPE(None, ctypes.c_char_p)


def recent() -> list[str]:
    """The library messages kept since start, oldest first."""
    return list(_messages)


def silence_midi_libraries() -> None:
    """Install the handlers once; a library that is not there is simply skipped."""
    if _handlers:
        return
    alsa = _load(["libasound.so.2", ctypes.util.find_library("asound")])
    if alsa is not None:

        def on_alsa(file: bytes, line: int, function: bytes, err: int, fmt: bytes) -> None:
            _messages.append(
                f"ALSA {function.decode(errors='replace')}: {fmt.decode(errors='replace')}"
            )

        handler = _ALSA_HANDLER(on_alsa)
        alsa.snd_lib_error_set_handler(handler)
        _handlers.append(handler)
    # python-rtmidi wheels bundle their own libjack next to the package: silence that copy
    bundled = sorted(Path(rtmidi.__file__).parent.parent.glob("python_rtmidi*/libjack*.so*"))
    names: list[str | None] = [str(p) for p in bundled]
    jack = _load([*names, "libjack.so.0", ctypes.util.find_library("jack")])
    if jack is not None:
        handler = _JACK_HANDLER(
            lambda message: _messages.append(f"JACK: {message.decode(errors='replace')}")
        )
        jack.jack_set_error_function(handler)
        jack.jack_set_info_function(handler)
        _handlers.append(handler)
    _handlers.append(True)


def _load(candidates: list[str | None]) -> ctypes.CDLL | None:
    for name in candidates:
        if not name:
            continue
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    return None
