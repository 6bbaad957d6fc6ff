"""A private JACK server with the dummy driver: real MIDI ports without hardware or a sound card.

End-to-end tests and the ingest benchmark run through this, so they exercise the same RtMidi
ports and threads a keyboard would, on machines without an ALSA sequencer. Each server gets a
unique name and is pointed to with JACK_DEFAULT_SERVER, so a user's own JACK is never touched.

The server runs in jackd's default asynchronous mode, as a user's server does. There, a client
that misses a cycle (its thread not scheduled within a period on a busy machine) loses or
repeats that cycle's messages, whoever the client is: on a loaded 2-core machine a C receiver
(`jack_midi_dump`) lost 70-90 of 60,000 messages a minute. `options=["-S"]` (synchronous mode)
makes the dummy driver wait for late clients instead, so nothing is lost; the ingest benchmark
offers it as `--sync`.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

JACKD_MISSING = "jackd not installed: apt-get install jackd2"
PERIODS = (64, 128)
"""Frames per period tried in order: 64 at 48 kHz delivers MIDI within ~2.7 ms."""
START_TIMEOUT = 10.0
PR_SET_PDEATHSIG = 1


class JackServerError(RuntimeError):
    """jackd is missing or did not start."""


def _ready(name: str, deadline: float, process: subprocess.Popen[bytes]) -> bool:
    """Poll until the server accepts clients, it exits, or the deadline passes."""
    while time.monotonic() < deadline and process.poll() is None:
        result = subprocess.run(
            ["jack_wait", "-s", name, "-c"], capture_output=True, text=True, check=False
        )
        if result.stdout.strip() == "running":
            return True
        time.sleep(0.05)
    return False


def _die_with_parent() -> None:
    """In the child before exec: Linux kills the server when the process that started it dies,
    so a killed test run or benchmark leaves no server behind."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def private_jack(
    prefix: str = "attune", periods: Sequence[int] = PERIODS, options: Sequence[str] = ()
) -> Iterator[str]:
    """Run `jackd [options] -d dummy`, set JACK_DEFAULT_SERVER to it, yield its name, stop it."""
    jackd = shutil.which("jackd")
    if jackd is None or shutil.which("jack_wait") is None:
        raise JackServerError(JACKD_MISSING)
    name = f"{prefix}-{os.getpid()}-{secrets.token_hex(3)}"
    env = {**os.environ, "JACK_NO_AUDIO_RESERVATION": "1"}
    with tempfile.TemporaryFile() as log:
        for period in periods:
            command = [jackd, "-n", name, *options, "-d", "dummy", "-r", "48000"]
            command += ["-p", str(period)]
            process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )
            if _ready(name, time.monotonic() + START_TIMEOUT, process):
                break
            _stop(process)
        else:
            log.seek(0)
            raise JackServerError(f"jackd did not start: {log.read()[-300:].decode()!r}")
        previous = {
            key: os.environ.get(key) for key in ("JACK_DEFAULT_SERVER", "JACK_NO_AUDIO_RESERVATION")
        }
        os.environ["JACK_DEFAULT_SERVER"] = name
        os.environ["JACK_NO_AUDIO_RESERVATION"] = "1"
        try:
            yield name
        finally:
            for key, value in previous.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
            _stop(process)
