"""What the command line asks for reaches the first session only where it must."""

from __future__ import annotations

from pathlib import Path

from attune_tui.store import Store
from attune_tui.ui.app import AttuneApp, LiveRequest

DEMO = Path(__file__).parent.parent / "attune_tui" / "data" / "demo.mid"


def test_a_replayed_file_feeds_the_first_session_only_while_ports_stay(store: Store) -> None:
    start = LiveRequest(client="C-001", midi=("Keys",), replay=DEMO, speed=2.0)
    app = AttuneApp(store, start=start)
    first = app._midi_once()
    assert first.replay == DEMO and first.midi == ("Keys",)
    later = app._midi_once()  # a session started afterwards from home
    assert later.replay is None and later.midi == ("Keys",)
