"""Kill -9 at random instants: nothing acknowledged is lost and every file still loads."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from attune_tui.store import Store

CHILD = """
import sys
from pathlib import Path
from attune_tui.model.session import CheckIn
from attune_tui.store import Store
store = Store(Path(sys.argv[1]))
live = store.start_session(sys.argv[2], "free-improvisation", [])
print("session", live.session.id, flush=True)
i = 0
while True:
    obs = live.add("tempo", i * 0.01, modifiers={"direction": "faster"})
    print("ack", obs.id, flush=True)
    if i % 7 == 0:
        live.update(obs.id, modifiers={"direction": "slower"})
        print("set", obs.id, flush=True)
    if i % 11 == 0:  # atomic record rewrites race the kill too
        store.save_session(live.session.model_copy(update={"duration_s": i * 0.01}))
        store.add_client(f"C-{i % 97}")
    i += 1
"""

KILLS = 20


def test_sigkill_loses_nothing_acknowledged(tmp_path: Path) -> None:
    root = tmp_path / "data"
    rng = random.Random(20261121)
    acked: dict[str, set[str]] = {}
    slower: set[str] = set()
    for run in range(KILLS):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(root), f"C-{run + 100}"],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        session_line = child.stdout.readline().split()
        assert session_line[0] == "session", session_line
        time.sleep(rng.uniform(0.0, 0.25))
        os.kill(child.pid, signal.SIGKILL)
        out, _ = child.communicate()
        assert child.returncode == -signal.SIGKILL
        ids = acked.setdefault(session_line[1], set())
        lines = out.split("\n")[:-1]  # the kill may cut the last report short: not acknowledged
        for line in lines:
            word, oid = line.split()
            if word == "ack":
                ids.add(oid)
            else:
                slower.add(oid)

    store = Store(root)
    sessions, problems = store.sessions()
    assert problems == []
    assert {s.id for s in sessions} == set(acked)
    assert store.clients()  # clients.json survived its rewrites
    total = 0
    for session_id, ids in acked.items():
        data = store.load(session_id)
        assert all("incomplete last line" in p for p in data.problems), data.problems
        stored = {o.id: o for o in data.observations}
        assert ids <= set(stored), f"{session_id}: lost {ids - set(stored)}"
        for oid in slower & ids:
            assert stored[oid].modifiers["direction"] == "slower"
        total += len(ids)
    assert total > KILLS  # the kills really landed mid-stream
    assert len(store.orphaned()) == KILLS
