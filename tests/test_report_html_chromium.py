"""The HTML report rendered by headless Chromium: it loads offline and draws a real page.

Skipped when `chromium` is not installed, except on CI (CI=true), where a missing browser
must fail the run rather than hide the test. `--virtual-time-budget` lets the page finish
painting before the screenshot (without it the last tiles can come out blank).
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from test_report_fixtures import record_session

from attune_tui.report.export import export_session

pytestmark = pytest.mark.chromium
WIDTH, HEIGHT = 1200, 1600


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        reason = "chromium is not on PATH (apt-get install chromium) to render the HTML report"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must install it")
        pytest.skip(reason)
    return found


def png_rows(path: Path) -> list[bytes]:
    """The unfiltered scanlines of an 8-bit RGB or RGBA PNG (stdlib only)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    offset, idat, header = 8, b"", b""
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind, body = data[offset + 4 : offset + 8], data[offset + 8 : offset + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        offset += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6), "expected an 8-bit RGB(A) screenshot"
    step = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(idat), width * step
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        kind, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for i in range(stride):
            left = line[i - step] if i >= step else 0
            up, corner = previous[i], previous[i - step] if i >= step else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                guess = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + guess) & 0xFF
        rows.append(bytes(line[c] for i in range(0, stride, step) for c in (i, i + 1, i + 2)))
        previous = line
    return rows


def test_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    browser = chromium()
    recorded = record_session(tmp_path / "store")
    page = tmp_path / "report.html"
    page.write_bytes(export_session(recorded.store, recorded.session_id, "html"))
    shot = tmp_path / "report.png"
    command = [
        browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
        f"--window-size={WIDTH},{HEIGHT}", "--virtual-time-budget=3000", page.as_uri(),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = png_rows(shot)
    assert (len(rows[0]) // 3, len(rows)) == (WIDTH, HEIGHT)
    # text, lines and the timeline's bands: a real page inks a few percent of its pixels
    inked = sum(1 for row in rows for i in range(0, len(row), 3) if min(row[i : i + 3]) < 0xC0)
    assert inked > WIDTH * HEIGHT // 50, "the page rendered (nearly) blank"
